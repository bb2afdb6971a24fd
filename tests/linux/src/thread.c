/* thread.c - pthreads: create/join many threads, a mutex-protected counter,
 * a condition-variable bounded queue, barriers, thread-local storage, keys
 * with destructors, cancellation, raw futex wait/wake, per-thread signals.
 * Results are sums and counts, so they do not depend on scheduling. */
#include "lt.h"
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>

#define NTHREADS 16

static void *square(void *arg) {
    long id = (long)arg;
    if (id == 5)
        pthread_exit((void *)(id * id)); /* the other way out */
    return (void *)(id * id);
}

static pid_t main_pid;
static _Atomic int pid_mismatch, tid_same;

static void *ids(void *arg) {
    (void)arg;
    if (getpid() != main_pid)
        pid_mismatch++;
    if (gettid() == main_pid)
        tid_same++;
    return NULL;
}

static void test_create_join(void) {
    pthread_t t[NTHREADS];
    int created = 0;
    for (long i = 0; i < NTHREADS; i++)
        created += pthread_create(&t[i], NULL, square, (void *)i) == 0;
    long sum = 0;
    int joined = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *ret;
        if (pthread_join(t[i], &ret) == 0) {
            joined++;
            sum += (long)ret;
        }
    }
    lt_printf("threads: created=%d joined=%d sum_of_squares=%ld\n", created, joined, sum);
    CHECK("pthread-create-join-16", created == NTHREADS && joined == NTHREADS && sum == 1240,
          "sum=%ld", sum);

    main_pid = getpid();
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, ids, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    CHECK("thread-getpid-gettid", pid_mismatch == 0 && tid_same == 0 && gettid() == getpid(),
          "pid_mismatch=%d tid_same=%d", pid_mismatch, tid_same);
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *bump(void *arg) {
    (void)arg;
    for (int i = 0; i < 5000; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void test_mutex(void) {
    pthread_t t[NTHREADS];
    counter = 0;
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, bump, NULL);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    lt_printf("mutex-counter: %ld\n", counter);
    CHECK("mutex-counter", counter == NTHREADS * 5000L, "counter=%ld", counter);
    CHECK("mutex-trylock-busy",
          pthread_mutex_lock(&lock) == 0 && pthread_mutex_trylock(&lock) == EBUSY &&
              pthread_mutex_unlock(&lock) == 0,
          "trylock did not report EBUSY");
}

#define QCAP 8
#define PRODUCERS 4
#define CONSUMERS 4
#define ITEMS 2000
static int queue[QCAP];
static int qhead, qlen, producers_done;
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;

static void *producer(void *arg) {
    long base = (long)arg * ITEMS;
    for (int i = 1; i <= ITEMS; i++) {
        pthread_mutex_lock(&qlock);
        while (qlen == QCAP)
            pthread_cond_wait(&not_full, &qlock);
        queue[(qhead + qlen++) % QCAP] = (int)(base + i);
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&qlock);
    }
    pthread_mutex_lock(&qlock);
    producers_done++;
    pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&qlock);
    return NULL;
}

static void *consumer(void *arg) {
    (void)arg;
    long sum = 0;
    for (;;) {
        pthread_mutex_lock(&qlock);
        while (qlen == 0 && producers_done < PRODUCERS)
            pthread_cond_wait(&not_empty, &qlock);
        if (qlen == 0) {
            pthread_mutex_unlock(&qlock);
            break;
        }
        sum += queue[qhead];
        qhead = (qhead + 1) % QCAP;
        qlen--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&qlock);
    }
    return (void *)sum;
}

static void test_condvar(void) {
    pthread_t p[PRODUCERS], c[CONSUMERS];
    for (long i = 0; i < CONSUMERS; i++)
        pthread_create(&c[i], NULL, consumer, NULL);
    for (long i = 0; i < PRODUCERS; i++)
        pthread_create(&p[i], NULL, producer, (void *)i);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(p[i], NULL);
    long total = 0;
    for (int i = 0; i < CONSUMERS; i++) {
        void *r;
        pthread_join(c[i], &r);
        total += (long)r;
    }
    long n = (long)PRODUCERS * ITEMS;
    lt_printf("condvar-queue: total=%ld\n", total);
    CHECK("condvar-producer-consumer", total == n * (n + 1) / 2, "total=%ld want %ld", total,
          n * (n + 1) / 2);

    /* A timed wait with nobody signalling times out. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 20 * 1000 * 1000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&qlock);
    int r = pthread_cond_timedwait(&not_empty, &qlock, &ts);
    pthread_mutex_unlock(&qlock);
    CHECK("cond-timedwait-timeout", r == ETIMEDOUT, "r=%d", r);
}

#define BTHREADS 8
#define PHASES 4
static pthread_barrier_t barrier;
static _Atomic int phase_marks[PHASES][BTHREADS];
static _Atomic int serial_count[PHASES], barrier_errors;

static void *barrier_worker(void *arg) {
    long id = (long)arg;
    for (int ph = 0; ph < PHASES; ph++) {
        phase_marks[ph][id] = 1;
        int r = pthread_barrier_wait(&barrier);
        if (r == PTHREAD_BARRIER_SERIAL_THREAD)
            serial_count[ph]++;
        else if (r != 0)
            barrier_errors++;
        for (int j = 0; j < BTHREADS; j++)
            if (!phase_marks[ph][j])
                barrier_errors++; /* someone passed before all arrived */
        pthread_barrier_wait(&barrier);
    }
    return NULL;
}

static void test_barrier(void) {
    pthread_barrier_init(&barrier, NULL, BTHREADS);
    pthread_t t[BTHREADS];
    for (long i = 0; i < BTHREADS; i++)
        pthread_create(&t[i], NULL, barrier_worker, (void *)i);
    for (int i = 0; i < BTHREADS; i++)
        pthread_join(t[i], NULL);
    int serial_ok = 1;
    for (int ph = 0; ph < PHASES; ph++)
        serial_ok &= serial_count[ph] == 1;
    CHECK("barrier-phases", barrier_errors == 0 && serial_ok, "errors=%d serial_ok=%d",
          barrier_errors, serial_ok);
    pthread_barrier_destroy(&barrier);
}

static __thread int tls_value = 42;
static __thread char tls_buf[64];
static pthread_key_t key;
static _Atomic int destructor_calls, tls_errors;

static void key_destructor(void *v) {
    if (v)
        destructor_calls++;
}

static void *tls_worker(void *arg) {
    long id = (long)arg;
    if (tls_value != 42 || tls_buf[0] != 0)
        tls_errors++; /* fresh copy per thread */
    tls_value = (int)id;
    snprintf(tls_buf, sizeof tls_buf, "t%ld", id);
    pthread_setspecific(key, (void *)(id + 1));
    for (int i = 0; i < 100; i++)
        sched_yield();
    char want[16];
    snprintf(want, sizeof want, "t%ld", id);
    if (tls_value != id || strcmp(tls_buf, want) != 0 || pthread_getspecific(key) != (void *)(id + 1))
        tls_errors++;
    return NULL;
}

static void test_tls(void) {
    pthread_key_create(&key, key_destructor);
    pthread_t t[NTHREADS];
    for (long i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, tls_worker, (void *)i);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    CHECK("tls-per-thread", tls_errors == 0 && tls_value == 42, "errors=%d main=%d", tls_errors,
          tls_value);
    CHECK("key-destructors", destructor_calls == NTHREADS, "calls=%d", destructor_calls);
    pthread_key_delete(key);
}

static _Atomic int cleanup_ran;
static void cleanup(void *arg) {
    (void)arg;
    cleanup_ran++;
}
static void *cancel_target(void *arg) {
    int *fds = arg;
    pthread_cleanup_push(cleanup, NULL);
    char c;
    for (;;)
        read(fds[0], &c, 1); /* a cancellation point; nobody writes */
    pthread_cleanup_pop(0);
    return NULL;
}

static void test_cancel(void) {
    int fds[2];
    if (pipe(fds) != 0)
        return;
    pthread_t t;
    pthread_create(&t, NULL, cancel_target, fds);
    usleep(20 * 1000);
    int r = pthread_cancel(t);
    void *ret = NULL;
    pthread_join(t, &ret);
    CHECK("pthread-cancel-blocked-read", r == 0 && ret == PTHREAD_CANCELED && cleanup_ran == 1,
          "r=%d canceled=%d cleanup=%d", r, ret == PTHREAD_CANCELED, cleanup_ran);
    close(fds[0]);
    close(fds[1]);
}

static _Atomic int turn;
static long futex_op(_Atomic int *addr, int op, int val, const struct timespec *ts) {
    return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

#define ROUNDS 2000
static void *pong(void *arg) {
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        while (atomic_load(&turn) != 1)
            futex_op(&turn, FUTEX_WAIT_PRIVATE, 0, NULL);
        atomic_store(&turn, 0);
        futex_op(&turn, FUTEX_WAKE_PRIVATE, 1, NULL);
    }
    return NULL;
}

static void test_futex(void) {
    turn = 0;
    pthread_t t;
    pthread_create(&t, NULL, pong, NULL);
    int exchanges = 0;
    for (int i = 0; i < ROUNDS; i++) {
        atomic_store(&turn, 1);
        futex_op(&turn, FUTEX_WAKE_PRIVATE, 1, NULL);
        while (atomic_load(&turn) != 0)
            futex_op(&turn, FUTEX_WAIT_PRIVATE, 1, NULL);
        exchanges++;
    }
    pthread_join(t, NULL);
    lt_printf("futex-pingpong: exchanges=%d\n", exchanges);
    CHECK("futex-pingpong", exchanges == ROUNDS && turn == 0, "exchanges=%d", exchanges);

    _Atomic int word = 5;
    errno = 0;
    long r = futex_op(&word, FUTEX_WAIT_PRIVATE, 6, NULL);
    CHECK("futex-wait-value-mismatch-eagain", r == -1 && errno == EAGAIN, "r=%ld errno=%d", r,
          errno);
    struct timespec ts = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
    errno = 0;
    r = futex_op(&word, FUTEX_WAIT_PRIVATE, 5, &ts);
    CHECK("futex-wait-timeout", r == -1 && errno == ETIMEDOUT, "r=%ld errno=%d", r, errno);
    r = futex_op(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
    CHECK("futex-wake-nobody", r == 0, "r=%ld", r);
}

static _Atomic pid_t handler_tid;
static _Atomic int ready, stop;
static void on_usr1(int sig) {
    (void)sig;
    handler_tid = gettid();
}
static void *sig_target(void *arg) {
    _Atomic pid_t *tid = arg;
    *tid = gettid();
    ready = 1;
    while (!stop && handler_tid == 0)
        usleep(1000);
    return NULL;
}

static void test_thread_signal(void) {
    signal(SIGUSR1, on_usr1);
    _Atomic pid_t target_tid = 0;
    pthread_t t;
    pthread_create(&t, NULL, sig_target, &target_tid);
    while (!ready)
        usleep(1000);
    pthread_kill(t, SIGUSR1);
    for (int i = 0; i < 2000 && handler_tid == 0; i++)
        usleep(1000);
    stop = 1;
    pthread_join(t, NULL);
    CHECK("pthread-kill-targets-thread", handler_tid == target_tid && target_tid != getpid(),
          "handler ran in the wrong thread (%d)", handler_tid == getpid());
    signal(SIGUSR1, SIG_DFL);
}

int main(int argc, char **argv) {
    lt_init(argc, argv);
    test_create_join();
    test_mutex();
    test_condvar();
    test_barrier();
    test_tls();
    test_cancel();
    test_futex();
    test_thread_signal();
    return lt_done();
}
