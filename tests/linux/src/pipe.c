/* pipe.c - pipes between processes: bulk transfer with a checksum, capacity,
 * EOF when the last writer closes, SIGPIPE/EPIPE, poll and FIONREAD. */
#include "lt.h"
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>

#define MB (1024 * 1024)

static unsigned char pattern_byte(unsigned i) { return (unsigned char)(i * 7u + (i >> 9)); }

static int write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void test_basic(void) {
    int p[2];
    CHECK("pipe-create", pipe(p) == 0, "%s", strerror(errno));
    ssize_t w = write(p[1], "hello", 5);
    char buf[16] = {0};
    ssize_t r = read(p[0], buf, sizeof buf);
    CHECK("pipe-roundtrip", w == 5 && r == 5 && memcmp(buf, "hello", 5) == 0, "w=%zd r=%zd", w,
          r);
    int sz = fcntl(p[0], F_GETPIPE_SZ);
    CHECK("pipe-capacity-65536", sz == 65536, "F_GETPIPE_SZ=%d", sz);
    int set = fcntl(p[1], F_SETPIPE_SZ, 10000);
    sz = fcntl(p[0], F_GETPIPE_SZ);
    CHECK("pipe-setsize-rounds-up", set == 16384 && sz == 16384, "set=%d get=%d", set, sz);
    close(p[0]);
    close(p[1]);

    /* A non-blocking pipe takes exactly its capacity in page-sized writes. */
    CHECK("pipe2-nonblock", pipe2(p, O_NONBLOCK) == 0, "%s", strerror(errno));
    static char page[4096];
    long total = 0;
    for (int i = 0; i < 64; i++) {
        w = write(p[1], page, sizeof page);
        if (w < 0)
            break;
        total += w;
    }
    int e = errno;
    CHECK("pipe-fill-eagain", total == 65536 && e == EAGAIN, "total=%ld errno=%d", total, e);
    int avail = -1;
    ioctl(p[0], FIONREAD, &avail);
    CHECK("pipe-fionread", avail == 65536, "FIONREAD=%d", avail);
    close(p[0]);
    close(p[1]);
}

static void test_megabyte(void) {
    int down[2], up[2];
    if (pipe(down) != 0 || pipe(up) != 0) {
        CHECK("pipe-1mb", 0, "pipe: %s", strerror(errno));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        unsigned h = 2166136261u;
        unsigned long count = 0;
        unsigned bad = 0;
        unsigned char buf[3000]; /* odd size: reads straddle the writer's chunks */
        for (;;) {
            ssize_t n = read(down[0], buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            for (ssize_t i = 0; i < n; i++)
                if (buf[i] != pattern_byte((unsigned)(count + (unsigned long)i)))
                    bad++;
            h = lt_fnv(h, buf, (size_t)n);
            count += (unsigned long)n;
        }
        unsigned long msg[3] = {count, h, bad};
        write_all(up[1], msg, sizeof msg);
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    static unsigned char data[MB];
    for (unsigned i = 0; i < MB; i++)
        data[i] = pattern_byte(i);
    unsigned want = lt_fnv(2166136261u, data, MB);
    /* Uneven chunks, some larger than the pipe. */
    size_t off = 0, chunk = 1000;
    int werr = 0;
    while (off < MB) {
        size_t n = MB - off < chunk ? MB - off : chunk;
        if (write_all(down[1], data + off, n) != 0) {
            werr = errno;
            break;
        }
        off += n;
        chunk = chunk * 3 % 100003 + 1;
    }
    close(down[1]);
    unsigned long msg[3] = {0, 0, 0};
    size_t got = 0;
    while (got < sizeof msg) {
        ssize_t n = read(up[0], (char *)msg + got, sizeof msg - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(up[0]);
    int st = 0;
    lt_wait(pid, &st);
    lt_printf("pipe-1mb: bytes=%lu fnv=%08lx\n", msg[0], msg[1]);
    CHECK("pipe-1mb", werr == 0 && msg[0] == MB && msg[1] == want && msg[2] == 0 &&
                          WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "werr=%d bytes=%lu fnv=%08lx want %08x bad=%lu %s", werr, msg[0], msg[1], want, msg[2],
          lt_status_str(st));
}

static void test_eof(void) {
    int p[2];
    if (pipe(p) != 0)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        write_all(p[1], "abc", 3);
        _exit(0);
    }
    close(p[1]);
    char buf[8];
    size_t got = 0;
    ssize_t n;
    while ((n = read(p[0], buf + got, sizeof buf - got)) > 0)
        got += (size_t)n;
    int st;
    lt_wait(pid, &st);
    CHECK("pipe-eof-after-child-exit", n == 0 && got == 3 && memcmp(buf, "abc", 3) == 0,
          "n=%zd got=%zu", n, got);
    close(p[0]);

    /* EOF only once the last of several writers closes. */
    if (pipe2(p, O_NONBLOCK) != 0)
        return;
    int w2 = dup(p[1]);
    close(p[1]);
    n = read(p[0], buf, 1);
    int e = errno;
    CHECK("pipe-no-eof-while-writer", n == -1 && e == EAGAIN, "n=%zd errno=%d", n, e);
    struct pollfd pf = {.fd = p[0], .events = POLLIN};
    int pr = poll(&pf, 1, 0);
    CHECK("poll-empty-pipe", pr == 0, "poll=%d revents=0x%x", pr, pf.revents);
    write_all(w2, "z", 1);
    pf.revents = 0;
    pr = poll(&pf, 1, 0);
    CHECK("poll-pollin", pr == 1 && (pf.revents & POLLIN), "poll=%d revents=0x%x", pr, pf.revents);
    n = read(p[0], buf, 8);
    CHECK("pipe-read-partial", n == 1 && buf[0] == 'z', "n=%zd", n);
    close(w2);
    pf.revents = 0;
    pr = poll(&pf, 1, 0);
    CHECK("poll-pollhup", pr == 1 && (pf.revents & POLLHUP), "poll=%d revents=0x%x", pr,
          pf.revents);
    n = read(p[0], buf, 1);
    CHECK("pipe-eof-last-writer", n == 0, "n=%zd errno=%d", n, errno);
    close(p[0]);
}

static void test_sigpipe(void) {
    /* Default action: the writing child dies of SIGPIPE. */
    int p[2];
    if (pipe(p) != 0)
        return;
    close(p[0]);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        write(p[1], "x", 1);
        _exit(0);
    }
    int st = 0;
    lt_wait(pid, &st);
    CHECK("sigpipe-default-kills", WIFSIGNALED(st) && WTERMSIG(st) == 13, "%s",
          lt_status_str(st));

    /* Ignored: write fails with EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    ssize_t n = write(p[1], "x", 1);
    int e = errno;
    CHECK("sigpipe-ignored-epipe", n == -1 && e == EPIPE, "n=%zd errno=%d", n, e);
    signal(SIGPIPE, SIG_DFL);

    /* Blocked: EPIPE, and SIGPIPE is left pending. */
    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigprocmask(SIG_BLOCK, &set, &old);
    n = write(p[1], "x", 1);
    e = errno;
    sigpending(&pend);
    CHECK("sigpipe-blocked-pending", n == -1 && e == EPIPE && sigismember(&pend, SIGPIPE),
          "n=%zd errno=%d pending=%d", n, e, sigismember(&pend, SIGPIPE));
    signal(SIGPIPE, SIG_IGN); /* discards the pending signal */
    sigpending(&pend);
    CHECK("sigpipe-ignore-discards-pending", !sigismember(&pend, SIGPIPE), "still pending");
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);
}

static void test_two_children(void) {
    /* producer | counter, both children of this process. */
    int p[2];
    if (pipe(p) != 0)
        return;
    pid_t a = fork();
    if (a == 0) {
        close(p[0]);
        char line[32];
        for (int i = 0; i < 500; i++) {
            int n = snprintf(line, sizeof line, "line %d\n", i);
            if (write_all(p[1], line, (size_t)n) != 0)
                _exit(1);
        }
        _exit(0);
    }
    pid_t b = fork();
    if (b == 0) {
        close(p[1]);
        int lines = 0;
        char buf[512];
        ssize_t n;
        while ((n = read(p[0], buf, sizeof buf)) > 0)
            for (ssize_t i = 0; i < n; i++)
                lines += buf[i] == '\n';
        _exit(lines % 256);
    }
    close(p[0]);
    close(p[1]);
    int sa = 0, sb = 0;
    lt_wait(a, &sa);
    lt_wait(b, &sb);
    CHECK("pipe-between-children",
          WIFEXITED(sa) && WEXITSTATUS(sa) == 0 && WIFEXITED(sb) && WEXITSTATUS(sb) == 500 % 256,
          "writer %s, counter status 0x%x", lt_status_str(sa), sb);
}

int main(int argc, char **argv) {
    lt_init(argc, argv);
    test_basic();
    test_megabyte();
    test_eof();
    test_sigpipe();
    test_two_children();
    return lt_done();
}
