/* getrandom fills the buffer; two reads differ. */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

int main(void) {
    unsigned char a[64], b[64];
    ssize_t n1 = getrandom(a, sizeof a, 0);
    ssize_t n2 = getrandom(b, sizeof b, GRND_NONBLOCK);
    printf("got %zd %zd\n", n1, n2);
    printf("differ: %s\n", memcmp(a, b, sizeof a) ? "yes" : "no");
    return 0;
}
