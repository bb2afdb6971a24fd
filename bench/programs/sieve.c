/* Sieve of Eratosthenes, repeated: integer loads/stores and branches. */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#define N 2000000

static unsigned char flags[N + 1];

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 12;
    long total = 0;
    for (int r = 0; r < rounds; r++) {
        memset(flags, 1, sizeof flags);
        flags[0] = flags[1] = 0;
        for (long i = 2; i * i <= N; i++)
            if (flags[i])
                for (long j = i * i; j <= N; j += i)
                    flags[j] = 0;
        long count = 0;
        for (long i = 0; i <= N; i++)
            count += flags[i];
        total += count;
    }
    printf("primes: %ld\n", total);
    return 0;
}
