/* writev with several buffers, to stdout and stderr. */
#include <stdio.h>
#include <sys/uio.h>

int main(void) {
    struct iovec iov[3] = {
        {"one ", 4},
        {"", 0},
        {"two three\n", 10},
    };
    ssize_t n = writev(1, iov, 3);
    printf("wrote %zd\n", n);
    n = writev(2, iov, 1);
    printf("wrote %zd to stderr\n", n);
    return 0;
}
