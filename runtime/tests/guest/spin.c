/* Spins forever without a system call until a signal ends it (host kill and
 * Ctrl-C tests). Prints "ready" first. `spin catch`: a SIGINT handler prints
 * "caught SIGINT" and exits 3; otherwise SIGINT's default action kills it.
 * `spin sleep`: sleeps (parked, idle) instead of spinning. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void on_int(int sig) {
    (void)sig;
    static const char m[] = "caught SIGINT\n";
    write(1, m, sizeof m - 1);
    _exit(3);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "catch") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_int;
        sigaction(SIGINT, &sa, NULL);
    }
    write(1, "ready\n", 6);
    if (argc > 1 && strcmp(argv[1], "sleep") == 0) sleep(100000);
    volatile unsigned long n = 0;
    for (;;) n++;
}
