/* Processes: fork/wait chains with exit codes, copy-on-write independence,
 * getppid, process groups and sessions, death by a signal, waitid. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int global = 7;

/* Forks a chain: each level forks the next and exits with its level plus
 * the child's code. */
static int chain(int level) {
    if (level == 4) return 4;
    pid_t p = fork();
    if (p < 0) return -1;
    if (p == 0) _exit(chain(level + 1));
    int st;
    if (waitpid(p, &st, 0) != p || !WIFEXITED(st)) return -1;
    return level + WEXITSTATUS(st);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("chain: %d\n", chain(0));

    /* Copy on write: the child's writes stay in the child. */
    char *heap = malloc(64);
    strcpy(heap, "parent");
    pid_t me = getpid();
    pid_t p = fork();
    if (p == 0) {
        global = 99;
        strcpy(heap, "child");
        int ok = getppid() == me && getpid() != me;
        _exit(ok ? 10 : 11);
    }
    int st = 0;
    pid_t w = wait(&st);
    printf("cow: wait=%d status=%d global=%d heap=%s\n", w == p, WEXITSTATUS(st), global, heap);

    /* Several children, reaped in any order; WNOHANG first. */
    pid_t kids[3];
    for (int i = 0; i < 3; i++) {
        kids[i] = fork();
        if (kids[i] == 0) _exit(20 + i);
    }
    int sum = 0, n = 0;
    while ((w = wait(&st)) > 0) {
        sum += WEXITSTATUS(st);
        n++;
    }
    printf("three: n=%d sum=%d errno=%s\n", n, sum, errno == ECHILD ? "ECHILD" : "?");
    printf("nohang: %d\n", (int)waitpid(-1, &st, WNOHANG));

    /* A child killed by a signal. */
    p = fork();
    if (p == 0) {
        raise(SIGKILL);
        _exit(1);
    }
    waitpid(p, &st, 0);
    printf("killed: signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));

    /* WNOHANG on a live child, then waitid. */
    int pfd_dummy = 0;
    (void)pfd_dummy;
    p = fork();
    if (p == 0) {
        for (volatile int i = 0; i < 200000; i++) {
        }
        _exit(5);
    }
    printf("live nohang: %d\n", (int)waitpid(p, &st, WNOHANG));
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int r = waitid(P_PID, p, &si, WEXITED);
    printf("waitid: r=%d pid_ok=%d code=%d status=%d\n", r, si.si_pid == p, si.si_code, si.si_status);

    /* Process groups and sessions. */
    p = fork();
    if (p == 0) {
        pid_t s = setsid();
        _exit(s == getpid() && getsid(0) == getpid() && getpgid(0) == getpid() ? 0 : 1);
    }
    waitpid(p, &st, 0);
    printf("setsid child: %d\n", WEXITSTATUS(st));
    p = fork();
    if (p == 0) {
        setpgid(0, 0);
        usleep(20000);
        _exit(3);
    }
    printf("setpgid: %d\n", setpgid(p, p));
    printf("getpgid child is own group: %d\n", getpgid(p) == p);
    printf("wait other group: %d\n", (int)waitpid(0, &st, WNOHANG));
    w = waitpid(-p, &st, 0);
    printf("wait on group: %d %d\n", w == p, WEXITSTATUS(st));
    return 0;
}
