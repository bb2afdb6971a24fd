/* printf through stdio: the minimal static glibc program. */
#include <stdio.h>

int main(void) {
    printf("Hello, world!\n");
    printf("%d %s %x %ld\n", 42, "forty-two", 0x2a, -42L);
    return 0;
}
