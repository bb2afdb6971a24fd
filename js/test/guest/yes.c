/* Prints numbered lines forever: ends only when stdout is closed (SIGPIPE). */
#include <stdio.h>

int main(void) {
    for (long i = 0;; i++)
        if (printf("y %ld\n", i) < 0) return 3;
}
