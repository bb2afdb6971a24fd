// Pseudo-terminals: posix_openpt/grantpt/unlockpt/ptsname, the line
// discipline (canonical mode, echo, erase, EOF, raw mode with VMIN/VTIME),
// poll readiness, tcflush/tcdrain, TIOCGPTPEER, forkpty with a child that
// reads a line, window size and SIGWINCH, SIGTTIN for a background reader,
// ^C as SIGINT to the child, /dev/tty, and EIO on the master once
// the slave is gone, hangup when the master closes. The output never names
// a pty number (the host's differ).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void show(const char *label, const char *buf, int n) {
    printf("%s: \"", label);
    for (int i = 0; i < n; i++) {
        unsigned char c = buf[i];
        if (c == '\n') printf("\\n");
        else if (c == '\r') printf("\\r");
        else if (c == '\b') printf("\\b");
        else if (c < 0x20 || c >= 0x7f) printf("\\x%02x", c);
        else putchar(c);
    }
    printf("\"\n");
}

// Reads from fd until `want` bytes came (or 2 s without data).
static int read_n(int fd, char *buf, int want) {
    int got = 0;
    while (got < want) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 2000) <= 0) break;
        int n = read(fd, buf + got, want - got);
        if (n <= 0) break;
        got += n;
    }
    return got;
}

// Reads from fd until the data ends with `end` (or 2 s without data).
static int read_until(int fd, char *buf, int cap, const char *end) {
    int got = 0, el = strlen(end);
    while (got < cap) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 2000) <= 0) break;
        int n = read(fd, buf + got, cap - got);
        if (n <= 0) break;
        got += n;
        if (got >= el && memcmp(buf + got - el, end, el) == 0) break;
    }
    return got;
}

static void expect(int fd, const char *label, int want) {
    char buf[512];
    int n = read_n(fd, buf, want);
    show(label, buf, n);
}

static void put(int fd, const char *s) {
    if (write(fd, s, strlen(s)) != (ssize_t)strlen(s)) printf("short write\n");
}

static volatile sig_atomic_t winched;
static void on_winch(int sig) { (void)sig; winched = 1; }

static void child(void) {
    struct sigaction sa = {0};
    sa.sa_handler = on_winch;
    sigaction(SIGWINCH, &sa, NULL);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGWINCH);
    sigprocmask(SIG_BLOCK, &block, &old);
    printf("ready\n");
    fflush(stdout);
    char line[128];
    if (!fgets(line, sizeof line, stdin)) return;
    line[strcspn(line, "\n")] = 0;
    printf("child got [%s] isatty=%d leader=%d fg=%d\n", line, isatty(0),
           getsid(0) == getpid(), tcgetpgrp(0) == getpgrp());
    int t = open("/dev/tty", O_RDWR);
    printf("child /dev/tty %s\n", t >= 0 ? "opens" : strerror(errno));
    struct winsize w;
    ioctl(0, TIOCGWINSZ, &w);
    printf("child winsize %dx%d\nwait winch\n", w.ws_row, w.ws_col);
    fflush(stdout);
    while (!winched) sigsuspend(&old);
    ioctl(t, TIOCGWINSZ, &w);
    printf("winched: %dx%d\n", w.ws_row, w.ws_col);
    // A background group reading its terminal is stopped by SIGTTIN.
    fflush(stdout);
    pid_t g = fork();
    if (g == 0) {
        setpgid(0, 0);
        char ch;
        if (read(0, &ch, 1) < 0) _exit(8);
        _exit(7);
    }
    int st;
    waitpid(g, &st, WUNTRACED);
    printf("bg read: stopped=%d sig=%d\n", WIFSTOPPED(st), WIFSTOPPED(st) ? WSTOPSIG(st) : -1);
    kill(g, SIGKILL);
    waitpid(g, &st, 0);
    printf("wait intr\n");
    fflush(stdout);
    for (;;) pause();
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    // posix_openpt and friends.
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0) { perror("posix_openpt"); return 1; }
    printf("master isatty=%d grantpt=%d\n", isatty(m), grantpt(m));
    char *name = ptsname(m);
    int ptn = -1;
    ioctl(m, TIOCGPTN, &ptn);
    char byptn[64];
    snprintf(byptn, sizeof byptn, "/dev/pts/%d", ptn);
    printf("ptsname matches TIOCGPTN: %d\n", name && strcmp(name, byptn) == 0);
    int early = open(byptn, O_RDWR | O_NOCTTY);
    printf("open before unlockpt: %s\n", early < 0 ? strerror(errno) : "opened");
    printf("unlockpt=%d\n", unlockpt(m));
    int s = open(byptn, O_RDWR | O_NOCTTY);
    if (s < 0) { perror("open slave"); return 1; }
    struct stat st;
    fstat(s, &st);
    char *tn = ttyname(s);
    printf("slave isatty=%d chr=%d major=%d ttyname matches=%d\n", isatty(s),
           S_ISCHR(st.st_mode), major(st.st_rdev), tn && strcmp(tn, byptn) == 0);

    // Canonical mode, echo, erase, poll.
    struct pollfd p = {s, POLLIN, 0};
    printf("poll before input: %d\n", poll(&p, 1, 0));
    put(m, "ab\x7f" "c\n");
    p.revents = 0;
    printf("poll after a line: %d in=%d\n", poll(&p, 1, 2000), (p.revents & POLLIN) != 0);
    int avail = -1;
    ioctl(s, FIONREAD, &avail);
    printf("FIONREAD %d\n", avail);
    expect(s, "slave read", 3);
    expect(m, "echo", 8);
    // A partial line is not readable; ^U kills it; ^D ends a line early
    // and, on an empty line, is end of file.
    put(m, "xx\x15" "yz\x04");
    expect(s, "after kill+eof", 2);
    put(m, "\x04");
    char c;
    printf("read at eof: %zd\n", read(s, &c, 1));
    expect(m, "echo2", 10);

    // Raw mode: no echo, bytes as they come, VMIN/VTIME.
    struct termios tio;
    tcgetattr(s, &tio);
    printf("default lflag icanon=%d echo=%d isig=%d\n", !!(tio.c_lflag & ICANON),
           !!(tio.c_lflag & ECHO), !!(tio.c_lflag & ISIG));
    struct termios raw = tio;
    cfmakeraw(&raw);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    tcsetattr(s, TCSANOW, &raw);
    put(m, "q\r\x03");
    expect(s, "raw read", 3);
    raw.c_cc[VMIN] = 0;
    tcsetattr(s, TCSANOW, &raw);
    printf("VMIN=0 VTIME=0 read: %zd\n", read(s, &c, 1));
    raw.c_cc[VTIME] = 2;
    tcsetattr(s, TCSANOW, &raw);
    printf("VMIN=0 VTIME=2 read: %zd\n", read(s, &c, 1));
    // VMIN=5 VTIME=1: two bytes, then a 0.1 s gap ends the read.
    raw.c_cc[VMIN] = 5;
    raw.c_cc[VTIME] = 1;
    tcsetattr(s, TCSANOW, &raw);
    put(m, "ab");
    char b5[16];
    printf("VMIN=5 VTIME=1 read: %zd\n", read(s, b5, sizeof b5));
    put(m, "cdefgh");
    usleep(100000);
    printf("VMIN=5 VTIME=1 read with more: %zd\n", read(s, b5, sizeof b5));
    tcsetattr(s, TCSAFLUSH, &tio);
    // Output processing: NL becomes CR NL.
    put(s, "out\n");
    expect(m, "slave output", 5);
    // Window size.
    struct winsize ws = {.ws_row = 12, .ws_col = 34};
    ioctl(m, TIOCSWINSZ, &ws);
    struct winsize got = {0};
    ioctl(s, TIOCGWINSZ, &got);
    printf("winsize %dx%d\n", got.ws_row, got.ws_col);
    // tcflush drops pending input; tcdrain has nothing to wait for.
    put(m, "dropped\n");
    p.revents = 0;
    poll(&p, 1, 2000);
    printf("tcflush=%d tcdrain=%d\n", tcflush(s, TCIFLUSH), tcdrain(s));
    printf("poll after flush: %d\n", poll(&p, 1, 0));
    // TIOCGPTPEER opens the slave from the master.
    int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    put(m, "peer\n");
    expect(peer, "peer read", 5);
    close(peer);
    close(s);
    close(m);

    // forkpty: a child in its own session with the pty as its terminal.
    struct winsize w0 = {.ws_row = 24, .ws_col = 80};
    int fm;
    pid_t pid = forkpty(&fm, NULL, NULL, &w0);
    if (pid < 0) { perror("forkpty"); return 1; }
    if (pid == 0) {
        child();
        _exit(0);
    }
    char buf[1024];
    int n = read_until(fm, buf, sizeof buf, "ready\r\n");
    show("child says", buf, n);
    put(fm, "hi there\n");
    n = read_until(fm, buf, sizeof buf, "wait winch\r\n");
    show("child says", buf, n);
    struct winsize w1 = {.ws_row = 30, .ws_col = 100};
    ioctl(fm, TIOCSWINSZ, &w1);
    n = read_until(fm, buf, sizeof buf, "wait intr\r\n");
    show("child says", buf, n);
    put(fm, "\x03");
    int status;
    waitpid(pid, &status, 0);
    printf("child signaled=%d sig=%d\n", WIFSIGNALED(status),
           WIFSIGNALED(status) ? WTERMSIG(status) : -1);
    // The slave is closed: the master reads what is left, then EIO.
    for (;;) {
        n = read(fm, buf, sizeof buf);
        if (n <= 0) break;
    }
    printf("master after slave close: %d %s\n", n, n < 0 ? strerror(errno) : "");

    // Hangup: closing the master sends SIGHUP to the session leader; one
    // that ignores it reads end of file and gets EIO for writes.
    pid = forkpty(&fm, NULL, NULL, NULL);
    if (pid == 0) {
        printf("x\n");
        fflush(stdout);
        char ch;
        if (read(0, &ch, 1) >= 0) _exit(3);
        _exit(4);
    }
    read_until(fm, buf, sizeof buf, "x\r\n");
    close(fm);
    waitpid(pid, &status, 0);
    printf("hangup: signaled=%d sig=%d\n", WIFSIGNALED(status),
           WIFSIGNALED(status) ? WTERMSIG(status) : -1);
    pid = forkpty(&fm, NULL, NULL, NULL);
    if (pid == 0) {
        signal(SIGHUP, SIG_IGN);
        printf("y\n");
        fflush(stdout);
        char ch;
        // (EIO if the read was already waiting, else end of file: racy on Linux.)
        ssize_t r = read(0, &ch, 1);
        int re = errno;
        ssize_t w = write(1, "z", 1);
        int e = errno;
        _exit((r == 0 || (r < 0 && re == EIO) ? 10 : 0) + (w < 0 && e == EIO ? 1 : 0));
    }
    read_until(fm, buf, sizeof buf, "y\r\n");
    close(fm);
    waitpid(pid, &status, 0);
    printf("hangup ignored: exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);

    // Without a controlling terminal /dev/tty is ENXIO.
    pid = fork();
    if (pid == 0) {
        setsid();
        int t = open("/dev/tty", O_RDWR);
        printf("no ctty: /dev/tty %s\n", t >= 0 ? "opens" : strerror(errno));
        _exit(0);
    }
    waitpid(pid, &status, 0);
    return 0;
}
