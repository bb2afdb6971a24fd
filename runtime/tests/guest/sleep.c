/* nanosleep really lets the time pass (the monotonic clock advances by at
 * least the requested duration), also while another thread sleeps. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *sleeper(void *arg) {
    (void)arg;
    struct timespec d = {0, 30000000};
    nanosleep(&d, NULL);
    return NULL;
}

int main(void) {
    long long a = now_ns();
    struct timespec d = {0, 50000000};
    int r = nanosleep(&d, NULL);
    long long b = now_ns();
    printf("nanosleep: r=%d slept_enough=%d\n", r, b - a >= 50000000);
    pthread_t t;
    pthread_create(&t, NULL, sleeper, NULL);
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 20000000;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
    long long c = now_ns();
    pthread_join(t, NULL);
    long long e = now_ns();
    printf("clock_nanosleep: r=%d abs_ok=%d joined_after=%d\n", r, c - b >= 20000000,
           e - b >= 30000000);
    return 0;
}
