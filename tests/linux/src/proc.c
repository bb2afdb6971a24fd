/* proc.c - processes: fork trees, execve of itself, vfork+exec, wait4/waitid,
 * exit statuses and kill. Exit codes carry results from children, so the
 * output is deterministic whatever the scheduling. */
#include "lt.h"
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

/* Mode `exec-child`: run after execve. argv: exec-child KIND ... */
static int exec_child(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[2], "status") == 0)
        return atoi(argv[3]);
    if (argc >= 5 && strcmp(argv[2], "fds") == 0) {
        int keep = atoi(argv[3]), cloexec = atoi(argv[4]);
        if (fcntl(keep, F_GETFD) < 0)
            return 10; /* inherited fd was closed */
        if (fcntl(cloexec, F_GETFD) >= 0 || errno != EBADF)
            return 11; /* O_CLOEXEC fd survived exec */
        char c = 0;
        if (read(keep, &c, 1) != 1 || c != 'x')
            return 12; /* inherited fd lost its data */
        const char *mark = getenv("LT_MARK");
        if (!mark || strcmp(mark, "env-passed") != 0)
            return 13; /* environment not passed */
        return 0;
    }
    return 99;
}

/* Heap-numbered node `id` at `depth`: leaves (depth 3) exit with their id,
 * inner nodes with the sum of their children's exit codes. */
__attribute__((noreturn)) static void tree_node(int id, int depth) {
    if (depth == 3)
        _exit(id);
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = fork();
        if (kids[i] < 0)
            _exit(250);
        if (kids[i] == 0)
            tree_node(2 * id + i, depth + 1);
    }
    int sum = 0;
    for (int i = 0; i < 2; i++) {
        int st;
        if (lt_wait(kids[i], &st) != kids[i] || !WIFEXITED(st))
            _exit(251);
        sum += WEXITSTATUS(st);
    }
    _exit(sum & 0xff);
}

static void test_fork_tree(void) {
    /* Children of the root: node 2 (leaves 8..11, sum 38), node 3 (12..15, 54). */
    pid_t kids[2];
    int codes[2] = {-1, -1};
    for (int i = 0; i < 2; i++) {
        kids[i] = fork();
        if (kids[i] == 0)
            tree_node(2 + i, 1);
    }
    for (int i = 0; i < 2; i++) {
        int st;
        if (kids[i] > 0 && lt_wait(kids[i], &st) == kids[i] && WIFEXITED(st))
            codes[i] = WEXITSTATUS(st);
    }
    lt_printf("fork-tree: node2=%d node3=%d total=%d\n", codes[0], codes[1], codes[0] + codes[1]);
    CHECK("fork-tree-depth3", codes[0] == 38 && codes[1] == 54, "got %d %d, want 38 54",
          codes[0], codes[1]);
}

static void test_fork_basics(void) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0)
        _exit(getppid() == parent && getpid() != parent ? 0 : 1);
    int st = 0;
    pid_t r = lt_wait(pid, &st);
    CHECK("fork-getppid", r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s",
          lt_status_str(st));

    /* Memory is copied, not shared. */
    static volatile int value = 1;
    pid = fork();
    if (pid == 0) {
        value = 2;
        _exit(value);
    }
    lt_wait(pid, &st);
    CHECK("fork-cow", value == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 2, "value=%d %s", value,
          lt_status_str(st));

    /* Exit statuses are truncated to 8 bits. */
    pid = fork();
    if (pid == 0)
        _exit(300);
    lt_wait(pid, &st);
    CHECK("exit-status-8bit", WIFEXITED(st) && WEXITSTATUS(st) == 44, "%s", lt_status_str(st));
}

static void test_exec_self(void) {
    char *argv[16], words[256];
    char *args[] = {"exec-child", "status", "77", NULL};
    const char *path = lt_exec_vector(argv, 16, words, sizeof words, args);
    pid_t pid = fork();
    if (pid == 0) {
        execv(path, argv);
        _exit(127);
    }
    int st = 0;
    lt_wait(pid, &st);
    CHECK("execve-self-status", WIFEXITED(st) && WEXITSTATUS(st) == 77, "%s", lt_status_str(st));

    /* fds: an inherited pipe survives exec, an O_CLOEXEC one does not; the
     * environment is passed. */
    int p[2], q[2];
    if (pipe(p) != 0 || pipe2(q, O_CLOEXEC) != 0) {
        CHECK("execve-fds-env", 0, "pipe: %s", strerror(errno));
        return;
    }
    if (write(p[1], "x", 1) != 1)
        lt_printf("note: write failed\n");
    char keep[16], cloexec[16];
    snprintf(keep, sizeof keep, "%d", p[0]);
    snprintf(cloexec, sizeof cloexec, "%d", q[0]);
    char *args2[] = {"exec-child", "fds", keep, cloexec, NULL};
    path = lt_exec_vector(argv, 16, words, sizeof words, args2);
    pid = fork();
    if (pid == 0) {
        setenv("LT_MARK", "env-passed", 1);
        execv(path, argv);
        _exit(127);
    }
    lt_wait(pid, &st);
    CHECK("execve-fds-env", WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", lt_status_str(st));
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);

    /* A failing execve returns to the caller. */
    char *none[] = {"x", NULL};
    int r = execv("/nonexistent-lt/prog", none);
    CHECK("execve-enoent", r == -1 && errno == ENOENT, "r=%d errno=%d", r, errno);
}

static void test_vfork_exec(void) {
    char *argv[16], words[256];
    char *args[] = {"exec-child", "status", "42", NULL};
    const char *path = lt_exec_vector(argv, 16, words, sizeof words, args);
    pid_t pid = vfork();
    if (pid == 0) {
        execv(path, argv);
        _exit(127);
    }
    int st = 0;
    pid_t r = lt_wait(pid, &st);
    CHECK("vfork-exec", pid > 0 && r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42, "%s",
          lt_status_str(st));

    pid = vfork();
    if (pid == 0)
        _exit(9);
    r = lt_wait(pid, &st);
    CHECK("vfork-exit", r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 9, "%s",
          lt_status_str(st));
}

static void test_wait_variants(void) {
    /* wait4 with rusage: only booleans are stable. */
    pid_t pid = fork();
    if (pid == 0) {
        /* Touch 4 MiB so the child's peak RSS is clearly non-zero (Linux
         * counts RSS in per-CPU batches: a tiny child may report 0). */
        size_t n = 4u << 20;
        char *m = malloc(n);
        if (!m)
            _exit(1);
        memset(m, 1, n);
        _exit(m[n - 1] == 1 ? 3 : 2);
    }
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    int st = 0;
    pid_t r;
    do
        r = wait4(pid, &st, 0, &ru);
    while (r < 0 && errno == EINTR);
    CHECK("wait4-status", r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 3, "r=%d %s", (int)r,
          lt_status_str(st));
    CHECK("wait4-rusage-maxrss", ru.ru_maxrss > 0, "ru_maxrss=%ld", ru.ru_maxrss);
    struct rusage all;
    CHECK("getrusage-children", getrusage(RUSAGE_CHILDREN, &all) == 0 && all.ru_maxrss > 0,
          "ru_maxrss=%ld", all.ru_maxrss);

    /* WNOHANG while the child is blocked, then its real status. */
    int p[2];
    if (pipe(p) != 0)
        return;
    pid = fork();
    if (pid == 0) {
        close(p[1]);
        char c;
        ssize_t n = read(p[0], &c, 1);
        _exit(n == 0 ? 5 : 6);
    }
    close(p[0]);
    r = waitpid(pid, &st, WNOHANG);
    CHECK("waitpid-wnohang-running", r == 0, "r=%d", (int)r);
    close(p[1]);
    r = lt_wait(pid, &st);
    CHECK("waitpid-after-eof", r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 5, "%s",
          lt_status_str(st));

    /* waitid fills siginfo. */
    pid = fork();
    if (pid == 0)
        _exit(6);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int w;
    do
        w = waitid(P_PID, (id_t)pid, &si, WEXITED);
    while (w < 0 && errno == EINTR);
    CHECK("waitid-siginfo",
          w == 0 && si.si_pid == pid && si.si_code == CLD_EXITED && si.si_status == 6 &&
              si.si_signo == SIGCHLD,
          "w=%d pid=%d code=%d status=%d", w, (int)si.si_pid, si.si_code, si.si_status);

    /* A child killed by SIGKILL. */
    pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    kill(pid, SIGKILL);
    r = lt_wait(pid, &st);
    CHECK("kill-sigkill", r == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "%s",
          lt_status_str(st));

    /* wait(-1) order-independent collection of several children. */
    int seen = 0;
    for (int i = 1; i <= 4; i++) {
        pid = fork();
        if (pid == 0)
            _exit(i);
    }
    for (int i = 0; i < 4; i++) {
        if (wait(&st) > 0 && WIFEXITED(st))
            seen |= 1 << WEXITSTATUS(st);
    }
    CHECK("wait-any-4", seen == 0x1e, "seen=0x%x", seen);

    errno = 0;
    r = wait(&st);
    CHECK("wait-echild", r == -1 && errno == ECHILD, "r=%d errno=%d", (int)r, errno);
}

static void *exit_from_thread(void *arg) {
    (void)arg;
    exit(5); /* exit_group: ends every thread of the process */
}

static void test_stop_continue_groups(void) {
    /* SIGSTOP / SIGCONT seen through WUNTRACED / WCONTINUED. */
    pid_t pid = fork();
    if (pid == 0) {
        for (;;)
            pause();
    }
    kill(pid, SIGSTOP);
    int st = 0;
    pid_t r;
    do
        r = waitpid(pid, &st, WUNTRACED);
    while (r < 0 && errno == EINTR);
    CHECK("waitpid-wuntraced-stopped", r == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
          "r=%d status=0x%x", (int)r, st);
    kill(pid, SIGCONT);
    do
        r = waitpid(pid, &st, WCONTINUED);
    while (r < 0 && errno == EINTR);
    CHECK("waitpid-wcontinued", r == pid && WIFCONTINUED(st), "r=%d status=0x%x", (int)r, st);
    kill(pid, SIGTERM);
    lt_wait(pid, &st);
    CHECK("stopped-child-terminated", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "%s",
          lt_status_str(st));

    /* A new session makes the child a session and group leader. */
    pid = fork();
    if (pid == 0) {
        pid_t me = getpid();
        if (getpgid(0) == me)
            _exit(1); /* not yet a group leader */
        if (setsid() != me || getsid(0) != me || getpgrp() != me)
            _exit(2);
        _exit(0);
    }
    lt_wait(pid, &st);
    CHECK("setsid-group-leader", WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", lt_status_str(st));

    /* setpgid, then a signal to the whole group reaches both members. */
    pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        pid_t g = fork();
        if (g == 0) {
            for (;;)
                pause();
        }
        usleep(10 * 1000);
        signal(SIGUSR1, SIG_IGN);
        kill(0, SIGUSR1); /* the whole group; the grandchild dies of it */
        int gst = 0;
        lt_wait(g, &gst);
        _exit(WIFSIGNALED(gst) && WTERMSIG(gst) == SIGUSR1 ? 0 : 1);
    }
    lt_wait(pid, &st);
    CHECK("kill-process-group", WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", lt_status_str(st));

    /* exit() from a second thread ends the process with its status. */
    pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, exit_from_thread, NULL);
        for (;;)
            pause();
    }
    lt_wait(pid, &st);
    CHECK("exit-group-from-thread", WIFEXITED(st) && WEXITSTATUS(st) == 5, "%s",
          lt_status_str(st));

    /* /proc/self/exe names this program. */
    char exe[PATH_MAX] = {0}, self[PATH_MAX] = {0};
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *rp = realpath(lt_self, self);
    CHECK("proc-self-exe", n > 0 && rp && strcmp(exe, self) == 0, "n=%zd", n);
}

int main(int argc, char **argv) {
    lt_init(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "exec-child") == 0)
        return exec_child(argc, argv);
    test_fork_tree();
    test_fork_basics();
    test_exec_self();
    test_vfork_exec();
    test_wait_variants();
    test_stop_continue_groups();
    return lt_done();
}
