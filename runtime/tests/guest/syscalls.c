/* Linux semantics of memory, signal, time and misc calls, printed as
 * results and errno names only (no addresses), so the output is the same
 * on any correct Linux, qemu-user included. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, long ok) {
    int e = errno;
    if (ok)
        printf("%-28s ok\n", what);
    else
        printf("%-28s fail %s\n", what, strerrorname_np(e) ? strerrorname_np(e) : "?");
    errno = 0;
}

#define T(expr) show(#expr, (expr))

int main(void) {
    long pg = sysconf(_SC_PAGESIZE);
    printf("page size %ld\n", pg);

    /* mmap / munmap / mprotect / mremap */
    T(mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED);
    T(mmap(0, pg, PROT_READ, MAP_ANONYMOUS, -1, 0) != MAP_FAILED);
    T(mmap(0, pg, PROT_READ, MAP_PRIVATE, -1, 0) != MAP_FAILED);
    T(mmap(0, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1) != MAP_FAILED);
    char *p = mmap(0, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T(p != MAP_FAILED);
    T(p[0] == 0 && p[4 * pg - 1] == 0);
    memset(p, 7, 4 * pg);
    T(mprotect(p + pg, pg, PROT_READ) == 0);
    T(mprotect(p + 1, pg, PROT_READ) == 0);
    T(munmap(p + 3 * pg, pg) == 0);
    T(mprotect(p + 2 * pg, 2 * pg, PROT_READ) == 0);
    T(munmap(p + 1, pg) == 0);
    T(munmap(p, 0) == 0);
    T(mmap(p + 3 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) == p + 3 * pg);
    T(mmap(p, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p);
    T(p[0] == 0);
    T(p[pg] == 7);
    char *q = mremap(p + pg, pg, 16 * pg, MREMAP_MAYMOVE);
    T(q != MAP_FAILED);
    T(q[0] == 7 && q[16 * pg - 1] == 0);
    T(madvise(q, pg, MADV_DONTNEED) == 0);
    T(q[0] == 0);

    /* brk */
    char *b0 = sbrk(0);
    T(sbrk(3 * pg) == b0);
    T(sbrk(0) == b0 + 3 * pg);
    b0[3 * pg - 1] = 1;
    T(sbrk(-2 * pg) == b0 + 3 * pg);

    /* signals: dispositions, masks, pending */
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    T(sigaction(SIGUSR1, &sa, 0) == 0);
    T(sigaction(SIGUSR1, 0, &old) == 0 && old.sa_handler == SIG_IGN);
    T(sigaction(SIGKILL, &sa, 0) == 0);
    T(sigaction(0, &sa, 0) == 0);
    sigset_t set, cur, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    T(sigprocmask(SIG_BLOCK, &set, 0) == 0);
    T(sigprocmask(SIG_BLOCK, 0, &cur) == 0 && sigismember(&cur, SIGUSR2));
    T(raise(SIGUSR2) == 0);
    T(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR2));
    sa.sa_handler = SIG_IGN;
    T(sigaction(SIGUSR2, &sa, 0) == 0);
    T(sigpending(&pend) == 0 && !sigismember(&pend, SIGUSR2));
    T(sigprocmask(SIG_UNBLOCK, &set, 0) == 0);
    T(sigprocmask(99, &set, 0) == 0);
    T(kill(getpid(), 0) == 0);
    T(raise(SIGUSR1) == 0);
    T(raise(SIGCHLD) == 0);

    /* time */
    struct timespec ts;
    T(clock_getres(CLOCK_MONOTONIC, &ts) == 0 && ts.tv_sec == 0 && ts.tv_nsec == 1);
    T(clock_gettime(CLOCK_BOOTTIME, &ts) == 0);
    T(clock_gettime(123, &ts) == 0);
    struct timespec bad = {0, 1000000000};
    T(nanosleep(&bad, 0) == 0);

    /* misc */
    char buf[16];
    T(getrandom(buf, sizeof buf, 0) == sizeof buf);
    T(getrandom(buf, sizeof buf, 0x40) == sizeof buf);
    struct rlimit rl;
    T(getrlimit(RLIMIT_STACK, &rl) == 0);
    T(getrlimit(99, &rl) == 0);
    T(syscall(999) == 0);
    T(syscall(999) == 0);
    T(write(100, "x", 1) == 1);
    T(lseek(1, 0, SEEK_SET) == 0);
    struct termios tio;
    T(ioctl(1, TCGETS, &tio) == 0);
    T(getpid() == gettid());
    T(close(100) == 0);
    /* CPU affinity: answers that hold on any machine (CPU 0 always exists). */
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    T(sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_ISSET(0, &cpus));
    T(sched_getaffinity(getpid(), sizeof cpus, &cpus) == 0);
    T(sched_getaffinity(0, 4, &cpus) == 0);
    T(sched_getaffinity(0x3fffffff, sizeof cpus, &cpus) == 0);
    CPU_ZERO(&cpus);
    CPU_SET(0, &cpus);
    T(sched_setaffinity(0, sizeof cpus, &cpus) == 0);
    T(sched_setaffinity(getpid(), sizeof cpus, &cpus) == 0);
    T(syscall(SYS_sched_setaffinity, 0, 8, (void *)8) == 0);
    T(sched_setaffinity(0x3fffffff, sizeof cpus, &cpus) == 0);
    CPU_ZERO(&cpus);
    T(sched_setaffinity(0, sizeof cpus, &cpus) == 0);
    CPU_SET(0, &cpus);
    T(sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_ISSET(0, &cpus));

    /* posix_fadvise returns the error number (and sets no errno). */
    int pf[2];
    T(pipe(pf) == 0);
    int tf = open("/proc/self/exe", O_RDONLY);
    T(tf >= 0);
    T(posix_fadvise(tf, 0, 0, POSIX_FADV_DONTNEED) == 0);
    T(posix_fadvise(tf, 4096, 100, POSIX_FADV_SEQUENTIAL) == 0);
    T(posix_fadvise(pf[0], 0, 0, POSIX_FADV_NORMAL) == ESPIPE);
    T(posix_fadvise(tf, 0, 0, 99) == EINVAL);
    T(posix_fadvise(tf, 0, -1, POSIX_FADV_NORMAL) == EINVAL);
    T(posix_fadvise(-1, 0, 0, POSIX_FADV_NORMAL) == EBADF);

    return 0;
}
