/* stack.c - the stack limit: deep recursion in a child with a small
 * RLIMIT_STACK dies of SIGSEGV; with a SIGSEGV handler on an alternate
 * signal stack the overflow is caught; a large but legal recursion works. */
#include "lt.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>

/* Depth reached, in a page shared with the parent. */
static volatile long *depth_seen;

static long recurse(long n) {
    volatile char frame[1024];
    frame[0] = (char)n;
    frame[1023] = (char)n;
    *depth_seen = n;
    if (n < 0) /* never: keeps the compiler from calling this infinite */
        return 0;
    return recurse(n + 1) + frame[0] + frame[1023];
}

static long bounded(long n) {
    volatile char frame[512];
    frame[0] = (char)n;
    if (n == 0)
        return 0;
    return bounded(n - 1) + frame[0];
}

static void on_segv_alt(int sig) {
    (void)sig;
    _exit(42); /* caught on the alternate stack */
}

static void limit_stack(rlim_t bytes) {
    struct rlimit rl;
    getrlimit(RLIMIT_STACK, &rl);
    rl.rlim_cur = bytes;
    setrlimit(RLIMIT_STACK, &rl);
}

static void test_overflow_kills(void) {
    *depth_seen = 0;
    pid_t pid = fork();
    if (pid == 0) {
        limit_stack(256 * 1024);
        recurse(1);
        _exit(0);
    }
    int st = 0;
    lt_wait(pid, &st);
    CHECK("stack-overflow-sigsegv", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "%s",
          lt_status_str(st));
    /* It really recursed (>= 100 KiB of frames) before dying. */
    CHECK("stack-overflow-depth", *depth_seen >= 100, "depth=%ld", *depth_seen);
}

static void test_overflow_caught(void) {
    *depth_seen = 0;
    pid_t pid = fork();
    if (pid == 0) {
        limit_stack(256 * 1024);
        static char alt[64 * 1024];
        stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
        sigaltstack(&ss, NULL);
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_segv_alt;
        sa.sa_flags = SA_ONSTACK;
        sigaction(SIGSEGV, &sa, NULL);
        recurse(1);
        _exit(0);
    }
    int st = 0;
    lt_wait(pid, &st);
    CHECK("stack-overflow-caught-on-altstack", WIFEXITED(st) && WEXITSTATUS(st) == 42, "%s",
          lt_status_str(st));
}

static void test_big_recursion(void) {
    /* 2000 frames of >= 512 bytes: about 1 MiB, well inside the default 8 MiB. */
    pid_t pid = fork();
    if (pid == 0) {
        long want = 0;
        for (long k = 1; k <= 2000; k++)
            want += (char)k;
        _exit(bounded(2000) == want ? 0 : 1);
    }
    int st = 0;
    lt_wait(pid, &st);
    CHECK("deep-legal-recursion", WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", lt_status_str(st));
}

int main(int argc, char **argv) {
    lt_init(argc, argv);
    depth_seen = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    test_overflow_kills();
    test_overflow_caught();
    test_big_recursion();
    return lt_done();
}
