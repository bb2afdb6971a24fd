/* wait4 interrupted by a handled signal: EINTR without SA_RESTART,
 * transparently restarted with it. nanosleep interrupted: EINTR. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t hits;
static void on_usr1(int sig) { (void)sig; hits++; }

static void one(int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = flags;
    sigaction(SIGUSR1, &sa, NULL);
    hits = 0;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = {.tv_nsec = 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
        kill(parent, SIGUSR1);
        nanosleep(&ts, NULL);
        _exit(5);
    }
    int st = 0;
    errno = 0;
    pid_t r = waitpid(pid, &st, 0);
    int e = errno;
    printf("%s: waitpid %s errno=%d hits=%d\n", flags ? "SA_RESTART" : "no flags",
           r == pid ? "returned the child" : "failed", r == pid ? 0 : e, (int)hits);
    if (r != pid)
        waitpid(pid, &st, 0);
    printf("child status %d\n", WEXITSTATUS(st));
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    one(0);
    one(SA_RESTART);
    /* nanosleep is never restarted after a handler: EINTR. */
    signal(SIGUSR1, on_usr1);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec ts = {.tv_nsec = 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    struct timespec big = {.tv_sec = 5};
    errno = 0;
    int r = nanosleep(&big, NULL);
    printf("nanosleep: r=%d errno=%d\n", r, errno);
    waitpid(pid, NULL, 0);
    return 0;
}
