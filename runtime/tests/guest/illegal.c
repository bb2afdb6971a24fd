/* Executes an all-zero instruction word: killed by SIGILL. */
#include <stdio.h>

int main(void) {
    printf("before\n");
    fflush(stdout);
    __asm__ volatile(".word 0");
    printf("after\n");
    return 0;
}
