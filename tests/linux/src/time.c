/* time.c - clocks and sleeping. Only booleans are printed: the monotonic
 * clock never goes back, nanosleep sleeps at least as long as asked,
 * gettimeofday/time agree with CLOCK_REALTIME, CPU clocks advance. */
#include "lt.h"
#include <sys/time.h>
#include <time.h>

static long long ns(const struct timespec *t) {
    return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

int main(int argc, char **argv) {
    lt_init(argc, argv);
    struct timespec a, b;
    int mono_ok = clock_gettime(CLOCK_MONOTONIC, &a) == 0;
    for (int i = 0; i < 10000 && mono_ok; i++) {
        mono_ok &= clock_gettime(CLOCK_MONOTONIC, &b) == 0 && ns(&b) >= ns(&a);
        a = b;
    }
    CHECK("monotonic-non-decreasing", mono_ok, "went backwards");
    CHECK("monotonic-nsec-range", b.tv_nsec >= 0 && b.tv_nsec < 1000000000L, "nsec=%ld",
          b.tv_nsec);

    struct timespec req = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000}, rem = {1, 1};
    clock_gettime(CLOCK_MONOTONIC, &a);
    int r = nanosleep(&req, &rem);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long slept = ns(&b) - ns(&a);
    CHECK("nanosleep-10ms-at-least", r == 0 && slept >= 10 * 1000 * 1000LL, "r=%d", r);
    CHECK("nanosleep-10ms-not-forever", slept < 5 * 1000 * 1000 * 1000LL, "slept too long");

    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec until = a;
    until.tv_nsec += 5 * 1000 * 1000;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    CHECK("clock-nanosleep-abstime", r == 0 && ns(&b) >= ns(&until), "r=%d", r);

    struct timeval tv;
    struct timespec rt;
    gettimeofday(&tv, NULL);
    clock_gettime(CLOCK_REALTIME, &rt);
    long long diff = (long long)rt.tv_sec * 1000000LL + rt.tv_nsec / 1000 -
                     ((long long)tv.tv_sec * 1000000LL + tv.tv_usec);
    CHECK("gettimeofday-matches-realtime", diff >= 0 && diff < 1000000LL, "differ");
    time_t t = time(NULL);
    CHECK("time-matches-realtime", t >= rt.tv_sec - 1 && t <= rt.tv_sec + 1, "differ");
    CHECK("realtime-after-2020", rt.tv_sec > 1577836800LL, "clock before 2020");

    struct timespec res;
    CHECK("clock-getres-monotonic",
          clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
              res.tv_nsec <= 1000000,
          "res=%ld", res.tv_nsec);

    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    volatile unsigned long x = 0;
    for (unsigned long i = 0; i < 3000000; i++)
        x += i;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    CHECK("process-cputime-advances", ns(&c1) > ns(&c0), "did not advance");
    CHECK("thread-cputime", clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1) == 0 && ns(&c1) > 0,
          "thread cpu time zero");

    errno = 0;
    r = clock_gettime((clockid_t)12345, &a);
    CHECK("clock-gettime-bad-id-einval", r == -1 && errno == EINVAL, "r=%d errno=%d", r, errno);
    req.tv_nsec = 1000000000L;
    errno = 0;
    r = nanosleep(&req, NULL);
    CHECK("nanosleep-bad-nsec-einval", r == -1 && errno == EINVAL, "r=%d errno=%d", r, errno);
    return lt_done();
}
