/* What the standard descriptors look like (file type, isatty, termios and
 * window size when a terminal), reported on stderr with unbuffered writes;
 * then a line through stdio's stdout buffer and _exit: into a pipe or file
 * glibc buffers fully and the line is lost, on a terminal it is printed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static const char *type(mode_t m) {
    if (S_ISFIFO(m)) return "fifo";
    if (S_ISREG(m)) return "reg";
    if (S_ISCHR(m)) return "chr";
    if (S_ISSOCK(m)) return "sock";
    return "other";
}

int main(void) {
    for (int fd = 0; fd < 3; fd++) {
        struct stat st;
        if (fstat(fd, &st) != 0) {
            dprintf(2, "fd %d: fstat errno %d\n", fd, errno);
            continue;
        }
        dprintf(2, "fd %d: %s isatty=%d\n", fd, type(st.st_mode), isatty(fd));
        struct termios t;
        if (tcgetattr(fd, &t) == 0) {
            dprintf(2, "fd %d: lflag icanon=%d echo=%d isig=%d vintr=%d ospeed=%d\n", fd,
                    !!(t.c_lflag & ICANON), !!(t.c_lflag & ECHO), !!(t.c_lflag & ISIG),
                    t.c_cc[VINTR], (int)cfgetospeed(&t) == B38400);
            t.c_lflag &= ~(ICANON | ECHO);
            if (tcsetattr(fd, TCSANOW, &t) != 0) dprintf(2, "tcsetattr errno %d\n", errno);
            struct termios u;
            tcgetattr(fd, &u);
            dprintf(2, "fd %d: after raw icanon=%d\n", fd, !!(u.c_lflag & ICANON));
            t.c_lflag |= ICANON | ECHO;
            tcsetattr(fd, TCSANOW, &t);
            struct winsize w;
            if (ioctl(fd, TIOCGWINSZ, &w) == 0) dprintf(2, "fd %d: %dx%d\n", fd, w.ws_row, w.ws_col);
            dprintf(2, "fd %d: pgrp ok=%d\n", fd, tcgetpgrp(fd) == getpgrp());
        } else {
            dprintf(2, "fd %d: tcgetattr errno %d\n", fd, errno);
        }
        struct winsize w;
        if (ioctl(fd, TIOCGWINSZ, &w) != 0) dprintf(2, "fd %d: TIOCGWINSZ errno %d\n", fd, errno);
    }
    printf("buffered line\n");
    _exit(0);
}
