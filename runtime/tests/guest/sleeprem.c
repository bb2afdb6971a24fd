/* nanosleep and relative clock_nanosleep interrupted by a signal handler
 * (ITIMER_REAL after 50 ms): EINTR, and the time left written to rem. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static void on_alarm(int sig) { (void)sig; }

static void arm(void) {
    struct itimerval it = {{0, 0}, {0, 50000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static int rem_ok(const struct timespec *rem) {
    /* Asked for 2 s, interrupted after ~50 ms. */
    return rem->tv_sec == 1 && rem->tv_nsec > 500000000L;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    struct timespec req = {2, 0}, rem = {0, 0};
    arm();
    int r = nanosleep(&req, &rem);
    printf("nanosleep: r=%d eintr=%d rem_ok=%d\n", r, errno == EINTR, rem_ok(&rem));
    memset(&rem, 0, sizeof rem);
    arm();
    r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, &rem);
    printf("clock_nanosleep: r=%d rem_ok=%d\n", r == EINTR, rem_ok(&rem));
    /* Absolute: rem is left alone. */
    struct timespec now, zero = {0, 0};
    rem = zero;
    clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_sec += 2;
    arm();
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, &rem);
    printf("abs: r=%d rem_untouched=%d\n", r == EINTR, rem.tv_sec == 0 && rem.tv_nsec == 0);
    return 0;
}
