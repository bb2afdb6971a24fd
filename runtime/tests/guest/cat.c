/* Copies stdin to stdout with read/write. */
#include <unistd.h>

int main(void) {
    char buf[100];
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0)
        if (write(1, buf, n) != n) return 1;
    return n < 0;
}
