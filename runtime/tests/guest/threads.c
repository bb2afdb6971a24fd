/* pthreads: 16 threads add to a counter under a mutex, then wait on a
 * condition variable until the main thread releases them; all are joined. */
#include <pthread.h>
#include <stdio.h>

#define THREADS 16
#define ROUNDS 2000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int arrived, go;

static void *worker(void *arg) {
    long id = (long)arg;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    pthread_mutex_lock(&lock);
    arrived++;
    pthread_cond_broadcast(&cond);
    while (!go) pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    return (void *)(id * 2);
}

int main(void) {
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)i) != 0) return 1;
    pthread_mutex_lock(&lock);
    while (arrived < THREADS) pthread_cond_wait(&cond, &lock);
    go = 1;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
    long sum = 0;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        if (pthread_join(t[i], &r) != 0) return 2;
        sum += (long)r;
    }
    printf("counter=%ld arrived=%d sum=%ld\n", counter, arrived, sum);
    return 0;
}
