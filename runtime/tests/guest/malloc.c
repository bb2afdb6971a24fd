/* Heap traffic: many small blocks (brk), large blocks (mmap/munmap),
 * realloc growth, frees in mixed order; prints a checksum. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    enum { N = 2000 };
    static char *small[N];
    unsigned long sum = 0;
    for (int i = 0; i < N; i++) {
        size_t n = 16 + (i * 37) % 500;
        small[i] = malloc(n);
        memset(small[i], i & 0xff, n);
    }
    for (int i = 0; i < N; i += 2) free(small[i]);
    for (int r = 0; r < 8; r++) {
        size_t n = (size_t)(r + 1) << 18; /* 256 KiB .. 2 MiB: mmap'd */
        unsigned char *big = malloc(n);
        if (!big) { printf("malloc failed\n"); return 1; }
        for (size_t j = 0; j < n; j += 4096) big[j] = (unsigned char)(j >> 12) + r;
        for (size_t j = 0; j < n; j += 4096) sum += big[j];
        big = realloc(big, n * 2);
        if (!big) { printf("realloc failed\n"); return 1; }
        for (size_t j = 0; j < n; j += 4096) sum += big[j];
        free(big);
    }
    for (int i = 1; i < N; i += 2) {
        sum += (unsigned char)small[i][0];
        free(small[i]);
    }
    char *s = NULL;
    size_t len = 0;
    for (int i = 0; i < 1000; i++) {
        s = realloc(s, len + 8);
        memcpy(s + len, "abcdefgh", 8);
        len += 8;
    }
    for (size_t i = 0; i < len; i++) sum += (unsigned char)s[i];
    free(s);
    printf("checksum %lu\n", sum);
    return 0;
}
