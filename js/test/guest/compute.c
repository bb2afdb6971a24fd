/* Integer, memory and floating-point work with deterministic output. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int main(void) {
    /* Sieve of Eratosthenes. */
    enum { N = 200000 };
    char *sieve = calloc(N, 1);
    int primes = 0;
    for (int i = 2; i < N; i++) {
        if (sieve[i]) continue;
        primes++;
        for (long j = (long)i * i; j < N; j += i) sieve[j] = 1;
    }
    printf("primes below %d: %d\n", N, primes);
    free(sieve);

    /* xorshift + qsort + checksum. */
    uint32_t *v = malloc(50000 * sizeof *v), s = 2463534242u;
    for (int i = 0; i < 50000; i++) {
        s ^= s << 13; s ^= s >> 17; s ^= s << 5;
        v[i] = s;
    }
    qsort(v, 50000, sizeof *v, cmp);
    uint64_t sum = 0;
    for (int i = 0; i < 50000; i++) sum = sum * 31 + v[i];
    printf("sorted checksum: %016llx min=%u max=%u\n", (unsigned long long)sum, v[0], v[49999]);
    free(v);

    /* Multiply/divide corner cases. */
    volatile int64_t a = INT64_MIN, b = -1, z = 0;
    printf("div: %lld %lld %lld %lld\n", (long long)(a / b), (long long)(a % b),
           (long long)(7 / (z ? z : 1)), (long long)(-7 % 3));
    volatile uint64_t m = 0xfedcba9876543210ull;
    printf("mulhu: %016llx\n", (unsigned long long)(((unsigned __int128)m * m) >> 64));

    /* Floating point through libm and printf. */
    double acc = 0;
    for (int i = 1; i <= 1000; i++) acc += sin(i) * sqrt(i) / (1.0 + log(i));
    float f = 1.0f / 3.0f;
    printf("fp: %.12f %.9g %a %g %g\n", acc, f, acc, exp(1.0), fma(0.1, 10.0, -1.0));
    char buf[64];
    snprintf(buf, sizeof buf, "%.3e|%-8.2f|%d", 123456.789, -2.5, (int)lround(2.5));
    puts(buf);
    printf("strtod: %.17g\n", strtod("0.1", NULL));
    return 0;
}
