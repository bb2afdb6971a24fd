// Controlling-terminal rules on the console (run by runtime/tests/guest.rs
// with a console attached). The expected output is what Linux prints with
// the program on a pty it controls (checked once by hand, natively and
// under qemu-riscv64 on a host pty; qemu-user 7.2 lacks TIOCGSID, so the
// test cannot use the oracle directly).
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static const char *opens(void) {
    int fd = open("/dev/tty", O_RDWR);
    if (fd < 0) return strerror(errno);
    close(fd);
    return "opens";
}

int main(void) {
    printf("sid is me=%d fg is me=%d\n", tcgetsid(0) == getpid(), tcgetpgrp(0) == getpgrp());
    errno = 0;
    int r = tcsetpgrp(0, 99999);
    printf("tcsetpgrp(no such group)=%d %s\n", r, strerror(errno));
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        setsid();
        errno = 0;
        r = tcgetpgrp(0);
        printf("other session: tcgetpgrp=%d %s\n", r, strerror(errno));
        printf("other session: /dev/tty %s\n", opens());
        errno = 0;
        r = ioctl(0, TIOCSCTTY, 0);
        printf("other session: TIOCSCTTY=%d %s\n", r, strerror(errno));
        fflush(stdout);
        _exit(0);
    }
    waitpid(c, NULL, 0);
    signal(SIGHUP, SIG_IGN);
    printf("TIOCNOTTY=%d\n", ioctl(0, TIOCNOTTY));
    printf("then /dev/tty %s\n", opens());
    errno = 0;
    r = tcgetpgrp(0);
    printf("then tcgetpgrp=%d %s\n", r, strerror(errno));
    printf("TIOCSCTTY=%d\n", ioctl(0, TIOCSCTTY, 0));
    printf("then /dev/tty %s, fg is me=%d\n", opens(), tcgetpgrp(0) == getpgrp());
    return 0;
}
