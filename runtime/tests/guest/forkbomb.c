/* A fork bomb under RLIMIT_NPROC: fork fails with EAGAIN before the loop
 * ends; every child made is reaped. `forkbomb default`: under the default
 * limit (prints it), children exit at once (their zombies count). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int dflt = argc > 1 && strcmp(argv[1], "default") == 0;
    struct rlimit rl = {12, 12};
    if (dflt) {
        if (getrlimit(RLIMIT_NPROC, &rl) != 0) return 2;
        printf("limit=%lu\n", (unsigned long)rl.rlim_cur);
    } else if (setrlimit(RLIMIT_NPROC, &rl) != 0) {
        return 2;
    }
    int tries = dflt ? 1000000 : 100;
    int made = 0, err = 0;
    for (int i = 0; i < tries; i++) {
        pid_t p = fork();
        if (p == 0) {
            if (!dflt) usleep(10000);
            _exit(0);
        }
        if (p < 0) {
            err = errno;
            break;
        }
        made++;
    }
    int reaped = 0;
    while (wait(NULL) > 0) reaped++;
    printf("stopped=%d eagain=%d reaped_all=%d\n", made > 0 && made < tries, err == EAGAIN,
           reaped == made);
    if (dflt) printf("made=%d\n", made);
    return 0;
}
