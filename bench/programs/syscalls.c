/* The cost of the Linux personality itself: each line is "name ns_per_op", measured by the
 * guest with CLOCK_MONOTONIC (the host's monotonic clock under every emulator).
 * Each timed loop first runs once untimed, so that every runner is measured warm: V8 starts
 * our wasm in its baseline compiler and tiers it up in the background, and qemu-user
 * translates code on first use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void report(const char *name, double t0, long n) {
    printf("%s %.0f\n", name, (now_ns() - t0) / n);
}

int main(int argc, char **argv) {
    long scale = argc > 1 ? atol(argv[1]) : 1;
    long n = 200000 * scale;
    for (long i = 0; i < n; i++)
        syscall(SYS_getppid);
    double t0 = now_ns();
    for (long i = 0; i < n; i++)
        syscall(SYS_getppid);
    report("getppid", t0, n);

    struct timespec ts;
    for (long i = 0; i < n; i++)
        clock_gettime(CLOCK_MONOTONIC, &ts);
    t0 = now_ns();
    for (long i = 0; i < n; i++)
        clock_gettime(CLOCK_MONOTONIC, &ts);
    report("clock_gettime", t0, n);

    long forks = 200 * scale;
    for (int warm = 1; warm >= 0; warm--) { /* the last round is the timed one */
        t0 = now_ns();
        for (long i = 0; i < forks; i++) {
            pid_t p = fork();
            if (p == 0)
                _exit(0);
            waitpid(p, NULL, 0);
        }
    }
    report("fork+exit+wait", t0, forks);

    /* 64 MiB through a pipe between two processes, in 64 KiB writes: ns per KiB. */
    int fd[2];
    if (pipe(fd) != 0)
        return 1;
    static char buf[65536];
    memset(buf, 'x', sizeof buf);
    long chunks = 1024 * scale;
    t0 = now_ns();
    pid_t p = fork();
    if (p == 0) {
        close(fd[1]);
        while (read(fd[0], buf, sizeof buf) > 0) {
        }
        _exit(0);
    }
    close(fd[0]);
    for (long i = 0; i < chunks; i++)
        if (write(fd[1], buf, sizeof buf) != (ssize_t)sizeof buf)
            return 1;
    close(fd[1]);
    waitpid(p, NULL, 0);
    report("pipe_per_KiB", t0, chunks * 64);
    return 0;
}
