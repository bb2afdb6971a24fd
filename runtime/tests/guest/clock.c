/* clock_gettime: monotonic never goes back, moves forward, sleeps count. */
#include <stdio.h>
#include <time.h>

static long long ns(clockid_t c) {
    struct timespec t;
    if (clock_gettime(c, &t) != 0) return -1;
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
    long long first = ns(CLOCK_MONOTONIC), prev = first;
    int ok = first > 0;
    for (int i = 0; i < 1000; i++) {
        long long now = ns(CLOCK_MONOTONIC);
        if (now < prev) ok = 0;
        prev = now;
    }
    printf("monotonic: %s\n", ok && prev > first ? "ok" : "BAD");
    struct timespec d = {0, 20000000};
    long long before = ns(CLOCK_MONOTONIC);
    nanosleep(&d, NULL);
    printf("slept: %s\n", ns(CLOCK_MONOTONIC) - before >= 20000000 ? "ok" : "BAD");
    printf("realtime after 2020: %s\n", ns(CLOCK_REALTIME) > 1577836800LL * 1000000000LL ? "ok" : "BAD");
    printf("cputime: %s\n", ns(CLOCK_PROCESS_CPUTIME_ID) > 0 ? "ok" : "BAD");
    return 0;
}
