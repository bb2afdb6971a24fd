/* A fork bomb under RLIMIT_NPROC: fork fails with EAGAIN before the loop
 * ends; every child made is reaped. */
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    struct rlimit rl = {12, 12};
    if (setrlimit(RLIMIT_NPROC, &rl) != 0) return 2;
    int made = 0, err = 0;
    for (int i = 0; i < 100; i++) {
        pid_t p = fork();
        if (p == 0) {
            usleep(10000);
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
    printf("stopped=%d eagain=%d reaped_all=%d\n", made > 0 && made < 100, err == EAGAIN,
           reaped == made);
    return 0;
}
