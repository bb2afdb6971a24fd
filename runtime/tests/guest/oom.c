/* The OOM killer (run with a 48 MiB memory cap). Child A touches 24 MiB,
 * child B 8 MiB, then child C touches 32 MiB: the cap is hit while C is
 * smaller than A, so A (the biggest) is killed with SIGKILL and C goes on.
 * The parent sees A's death through waitpid. `oom single`: touch memory
 * until killed; `oom read`: read(2) into untouched memory until killed.
 * `oom big`: one mapping bigger than the cap fails with ENOMEM. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIB (1UL << 20)

static void touch(size_t mib) {
    char *p = mmap(NULL, mib * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) _exit(3);
    for (size_t i = 0; i < mib * MIB; i += 4096) p[i] = 1;
}

static pid_t child(size_t mib, int fd) {
    pid_t pid = fork();
    if (pid == 0) {
        touch(mib);
        if (write(fd, "x", 1) != 1) _exit(4);
        for (;;) pause();
    }
    return pid;
}

static const char *how(int st) {
    static char buf[32];
    if (WIFSIGNALED(st)) snprintf(buf, sizeof buf, "killed by %d", WTERMSIG(st));
    else snprintf(buf, sizeof buf, "exit %d", WEXITSTATUS(st));
    return buf;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "big") == 0) {
        void *p = mmap(NULL, 1024 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        printf("big: %s\n", p == MAP_FAILED && errno == ENOMEM ? "ENOMEM" : "mapped");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "read") == 0) {
        /* The kernel's copy into untouched memory hits the cap. */
        size_t n = 64 * MIB;
        printf("start\n"); /* stdio's buffer exists before the cap is hit */
        fflush(stdout);
        char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) return 3;
        int fd = open("/dev/zero", O_RDONLY);
        ssize_t got = read(fd, p, n);
        printf("survived: read=%zd\n", got);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "single") == 0) {
        /* 1 MiB at a time: each mapping is within the cap (no ENOMEM). */
        for (int i = 0; i < 1024; i++) touch(1);
        puts("survived");
        return 0;
    }
    int fds[2];
    if (pipe(fds) != 0) return 2;
    char c;
    pid_t a = child(24, fds[1]);
    if (read(fds[0], &c, 1) != 1) return 2;
    pid_t b = child(8, fds[1]);
    if (read(fds[0], &c, 1) != 1) return 2;
    pid_t grower = child(32, fds[1]);
    int st;
    if (waitpid(a, &st, 0) != a) return 2;
    printf("A: %s\n", how(st));
    printf("C: %s\n", read(fds[0], &c, 1) == 1 ? "done" : "failed");
    kill(b, SIGTERM);
    kill(grower, SIGTERM);
    waitpid(b, &st, 0);
    printf("B: %s\n", how(st));
    waitpid(grower, &st, 0);
    printf("C: %s\n", how(st));
    return 0;
}
