/* __builtin_trap is an ebreak on RISC-V: killed by SIGTRAP. */
#include <stdio.h>

int main(void) {
    printf("before\n");
    fflush(stdout);
    __builtin_trap();
}
