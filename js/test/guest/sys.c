/* Clocks, randomness and exit paths: prints only facts that are deterministic. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "segv")) {
        printf("about to fault\n");
        fflush(stdout);
        *(volatile int *)16 = 1;
        return 0;
    }
    if (!strcmp(mode, "abort")) abort();
    if (!strcmp(mode, "exit300")) exit(300);
    if (!strcmp(mode, "exit-unflushed")) {
        printf("buffered line without flush\n");
        _exit(5);
    }
    struct timespec a, b, r;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_REALTIME, &r);
    volatile unsigned x = 0;
    for (int i = 0; i < 100000; i++) x += i;
    clock_gettime(CLOCK_MONOTONIC, &b);
    int mono_ok = b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec);
    printf("monotonic non-decreasing: %s\n", mono_ok ? "yes" : "no");
    printf("realtime after 2020: %s\n", r.tv_sec > 1577836800 ? "yes" : "no");
    unsigned char rnd[64] = {0};
    ssize_t got = getrandom(rnd, sizeof rnd, 0);
    int nonzero = 0;
    for (int i = 0; i < 64; i++) nonzero += rnd[i] != 0;
    printf("getrandom: %zd bytes, mostly nonzero: %s\n", got, nonzero > 32 ? "yes" : "no");
    printf("pid positive: %s\n", getpid() > 0 ? "yes" : "no");
    return 0;
}
