// Reads its terminal in raw mode until N bytes came; prints the count and
// the last byte (for the console test of input larger than the raw queue).
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long want = argc > 1 ? atol(argv[1]) : 1;
    struct termios t;
    tcgetattr(0, &t);
    cfmakeraw(&t);
    tcsetattr(0, TCSANOW, &t);
    long got = 0;
    char buf[1000], last = 0;
    while (got < want) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n <= 0) break;
        got += n;
        last = buf[n - 1];
    }
    printf("got %ld last %c\n", got, last);
    return 0;
}
