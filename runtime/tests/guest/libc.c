/* A tour of glibc that needs only the calls NanoVM has: formatted floats,
 * qsort, strtod, setjmp/longjmp, time formatting in UTC, locale-free ctype,
 * a large heap sort. Deterministic output, compared with qemu. */
#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static jmp_buf jb;
static void jump(int v) { longjmp(jb, v); }

int main(void) {
    printf("%.6f %e %g %a\n", M_PI, 6.02214076e23, 1.0 / 3.0, 0.1);
    printf("%.17g %.3f %f\n", sqrt(2.0), exp(1.0), sin(1.0) + cos(1.0));
    double v[1000];
    unsigned s = 12345;
    for (int i = 0; i < 1000; i++) {
        s = s * 1103515245 + 12345;
        v[i] = (double)(s >> 8) / 65536.0 - 100.0;
    }
    qsort(v, 1000, sizeof v[0], cmp);
    printf("min %.4f max %.4f median %.4f\n", v[0], v[999], v[500]);
    char *end;
    printf("strtod %.10g rest '%s'\n", strtod("  -12.5e-3xyz", &end), end);
    printf("strtol %ld %lx\n", strtol("-0x7fff", 0, 0), strtoul("777", 0, 8));
    int r = setjmp(jb);
    if (r == 0) jump(42);
    printf("longjmp returned %d\n", r);
    time_t t = 86400 * 365;
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %A", gmtime(&t));
    printf("gmtime %s\n", buf);
    int up = 0;
    for (const char *p = "Hello, World 123"; *p; p++) up += !!isupper((unsigned char)*p);
    printf("upper %d\n", up);
    snprintf(buf, sizeof buf, "%-8s|%8.3s|%+05d|%x", "ab", "abcdef", 42, 255u);
    printf("snprintf %s\n", buf);
    long long sum = 0;
    int n = 200000;
    int *big = malloc(n * sizeof *big);
    for (int i = 0; i < n; i++) big[i] = (i * 7919) % n;
    for (int i = 0; i < n; i++) sum += big[i] ^ i;
    free(big);
    printf("sum %lld\n", sum);
    return 0;
}
