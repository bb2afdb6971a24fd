/* Copies stdin to stdout in upper case; reports byte and line counts on stderr. */
#include <ctype.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    char buf[4096];
    long bytes = 0, lines = 0;
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n') lines++;
            buf[i] = toupper((unsigned char)buf[i]);
        }
        bytes += n;
        if (write(1, buf, n) != n) return 1;
    }
    fprintf(stderr, "%ld bytes, %ld lines\n", bytes, lines);
    return n < 0 ? 2 : 0;
}
