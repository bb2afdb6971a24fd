/* Signals between tasks: SIGSTOP/SIGCONT seen through WUNTRACED and
 * WCONTINUED, SIGTERM to a stopped child, kill to a process group,
 * pthread_kill reaching the targeted thread, sigsuspend woken by a child's
 * SIGCHLD. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pthread_t hit_thread;
static volatile int hits, chld;

static void on_usr1(int s) {
    (void)s;
    hit_thread = pthread_self();
    hits++;
}

static void on_chld(int s) {
    (void)s;
    chld++;
}

static void *spin(void *arg) {
    (void)arg;
    while (!hits) usleep(1000);
    return NULL;
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    pid_t p = fork();
    if (p == 0)
        for (;;) usleep(1000);
    kill(p, SIGSTOP);
    int st = 0;
    pid_t r = waitpid(p, &st, WUNTRACED);
    printf("stopped: %d %d sig=%d\n", r == p, WIFSTOPPED(st), WSTOPSIG(st));
    kill(p, SIGCONT);
    r = waitpid(p, &st, WCONTINUED);
    printf("continued: %d %d\n", r == p, WIFCONTINUED(st));
    kill(p, SIGTERM);
    waitpid(p, &st, 0);
    printf("terminated: %d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));

    /* A group of two children, killed together. */
    pid_t a = fork();
    if (a == 0) {
        setpgid(0, 0);
        for (;;) usleep(1000);
    }
    setpgid(a, a);
    pid_t b = fork();
    if (b == 0) {
        setpgid(0, a);
        for (;;) usleep(1000);
    }
    setpgid(b, a);
    usleep(20000);
    printf("kill group: %d\n", kill(-a, SIGKILL));
    int n = 0;
    while (wait(&st) > 0)
        if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) n++;
    printf("group killed: %d\n", n);

    /* pthread_kill targets one thread. */
    signal(SIGUSR1, on_usr1);
    pthread_t t;
    pthread_create(&t, NULL, spin, NULL);
    pthread_kill(t, SIGUSR1);
    pthread_join(t, NULL);
    printf("pthread_kill: hits=%d right_thread=%d\n", hits, pthread_equal(hit_thread, t));

    /* sigsuspend until the child's SIGCHLD. */
    signal(SIGCHLD, on_chld);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    p = fork();
    if (p == 0) {
        usleep(10000);
        _exit(4);
    }
    while (!chld) sigsuspend(&old);
    waitpid(p, &st, 0);
    printf("sigchld: %d status=%d\n", chld, WEXITSTATUS(st));
    return 0;
}
