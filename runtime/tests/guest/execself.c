/* exec: the program runs itself again with an argument (execve and, from a
 * vfork child, execv), and a `#!` script naming it as interpreter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "again") == 0) {
        printf("again: pid_same=%d argc=%d\n", getenv("EXPECT_PID") &&
               atoi(getenv("EXPECT_PID")) == getpid(), argc);
        return 7;
    }
    if (argc > 1 && strcmp(argv[1], "vforked") == 0) {
        printf("vforked child ran: %s\n", argv[2]);
        return 9;
    }
    if (argc > 2 && strstr(argv[2], "script")) {
        /* argv: interpreter, optional arg, script path, original args... */
        printf("script: argc=%d arg1=%s tail=%s\n", argc, argv[1], argv[argc - 1]);
        return 0;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    static volatile int local = 1;
    pid_t p = vfork();
    if (p == 0) {
        local = 2; /* shared with the parent until the exec */
        char *args[] = {argv[0], "vforked", "yes", NULL};
        execv(argv[0], args);
        _exit(127);
    }
    int st;
    waitpid(p, &st, 0);
    printf("vfork: local=%d status=%d\n", local, WEXITSTATUS(st));
    if (argc > 1) {
        /* argv[1]: a script path whose #! line names this program. */
        p = fork();
        if (p == 0) {
            char *args[] = {argv[1], "last", NULL};
            execv(argv[1], args);
            _exit(126);
        }
        waitpid(p, &st, 0);
        printf("script status=%d\n", WEXITSTATUS(st));
    }
    char pid[32];
    snprintf(pid, sizeof pid, "EXPECT_PID=%d", getpid());
    char *args[] = {argv[0], "again", NULL};
    char *env[] = {pid, NULL};
    execve(argv[0], args, env);
    perror("execve");
    return 1;
}
