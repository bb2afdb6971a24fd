/* Unbounded recursion overflows the stack; the SIGSEGV handler runs on the
 * alternate stack (SA_ONSTACK) and exits 3. Without an alternate stack the
 * frame cannot be written and the process dies of SIGSEGV (argument "plain"). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void on_segv(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    static const char m[] = "caught stack overflow\n";
    write(1, m, sizeof m - 1);
    _exit(si->si_code == SEGV_MAPERR || si->si_code == SEGV_ACCERR ? 3 : 4);
}

static int rec(int n) {
    volatile char buf[1024];
    buf[0] = (char)n;
    return rec(n + 1) + buf[0];
}

int main(int argc, char **argv) {
    int plain = argc > 1 && strcmp(argv[1], "plain") == 0;
    if (!plain) {
        stack_t ss = {.ss_sp = malloc(65536), .ss_size = 65536};
        sigaltstack(&ss, NULL);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGSEGV, &sa, NULL);
    return rec(0);
}
