/* Writes to stdout and stderr, echoes argv, exits with a chosen status. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    printf("hello from riscv64, argc=%d\n", argc);
    for (int i = 1; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    fprintf(stderr, "to stderr\n");
    const char *v = getenv("NANOVM_TEST_VAR");
    printf("NANOVM_TEST_VAR=%s\n", v ? v : "(unset)");
    return argc > 1 ? atoi(argv[1]) : 0;
}
