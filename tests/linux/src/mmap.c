/* mmap.c - memory mappings: anonymous shared/private across fork, a shared
 * file mapping written by a child, private file mappings, mprotect and
 * munmap faults (caught SIGSEGV with si_addr), SIGBUS past end of file,
 * mremap grow/shrink, MAP_FIXED replacement, brk. */
#include "lt.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

static long pg;
static sigjmp_buf jump;
static volatile sig_atomic_t got_sig, got_code;
static void *volatile got_addr;

static void on_fault(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = si->si_addr;
    siglongjmp(jump, 1);
}

/* Store one byte at p; returns the signal it raised, or 0. */
static int try_store(volatile char *p, char v) {
    got_sig = 0;
    got_addr = NULL;
    if (sigsetjmp(jump, 1) == 0) {
        *p = v;
        return 0;
    }
    return got_sig;
}
static int try_load(volatile char *p, char *out) {
    got_sig = 0;
    got_addr = NULL;
    if (sigsetjmp(jump, 1) == 0) {
        *out = *p;
        return 0;
    }
    return got_sig;
}

static void test_anon(void) {
    char *p = mmap(NULL, 3 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    int zero = p != MAP_FAILED;
    for (long i = 0; zero && i < 3 * pg; i++)
        zero &= p[i] == 0;
    CHECK("anon-zero-filled", zero, "mmap=%p", (void *)p);
    CHECK("anon-page-aligned", ((uintptr_t)p & (uintptr_t)(pg - 1)) == 0, "unaligned");

    /* MAP_SHARED anonymous: a child's store is seen by the parent. */
    int *shared = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    /* MAP_PRIVATE: copy-on-write, the parent keeps its value. */
    int *priv = (int *)p;
    shared[10] = 1;
    priv[10] = 1;
    pid_t pid = fork();
    if (pid == 0) {
        shared[10] = 12345;
        priv[10] = 777;
        _exit(shared[10] == 12345 && priv[10] == 777 ? 0 : 1);
    }
    int st;
    lt_wait(pid, &st);
    CHECK("shared-anon-across-fork", shared[10] == 12345, "parent sees %d", shared[10]);
    CHECK("private-anon-cow-across-fork", priv[10] == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "parent sees %d, child %s", priv[10], lt_status_str(st));
    munmap(shared, (size_t)pg);
    munmap(p, 3 * (size_t)pg);
}

static void test_file_shared(const char *dir) {
    char path[256];
    snprintf(path, sizeof path, "%s/shared.bin", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    int tr = ftruncate(fd, 2 * pg);
    char *m = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK("file-map-shared", fd >= 0 && tr == 0 && m != MAP_FAILED, "fd=%d errno=%d", fd, errno);
    if (m == MAP_FAILED)
        return;
    pid_t pid = fork();
    if (pid == 0) {
        /* The child maps the file itself and writes through its mapping. */
        char *c = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (c == MAP_FAILED)
            _exit(1);
        memcpy(c + pg + 100, "from-child", 10);
        msync(c, 2 * (size_t)pg, MS_SYNC);
        _exit(0);
    }
    int st;
    lt_wait(pid, &st);
    CHECK("file-shared-child-write-seen", memcmp(m + pg + 100, "from-child", 10) == 0,
          "child %s", lt_status_str(st));
    char buf[16] = {0};
    pread(fd, buf, 10, pg + 100);
    CHECK("file-shared-write-reaches-file", memcmp(buf, "from-child", 10) == 0, "read '%s'", buf);
    pwrite(fd, "via-pwrite", 10, 7);
    CHECK("file-pwrite-seen-in-map", memcmp(m + 7, "via-pwrite", 10) == 0, "map differs");

    /* MAP_PRIVATE: stores stay private. */
    char *pv = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    int seen = pv != MAP_FAILED && memcmp(pv + 7, "via-pwrite", 10) == 0;
    if (pv != MAP_FAILED)
        memcpy(pv + 7, "PRIVATE!!!", 10);
    memset(buf, 0, sizeof buf);
    pread(fd, buf, 10, 7);
    CHECK("file-private-copy-on-write", seen && memcmp(buf, "via-pwrite", 10) == 0 &&
                                             memcmp(m + 7, "via-pwrite", 10) == 0,
          "seen=%d file '%s'", seen, buf);
    munmap(pv, (size_t)pg);
    munmap(m, 2 * (size_t)pg);

    /* Past the end of the file (but inside the mapping): SIGBUS. */
    tr = ftruncate(fd, 100);
    m = mmap(NULL, 2 * (size_t)pg, PROT_READ, MAP_SHARED, fd, 0);
    char c = 0;
    int in_file = try_load(m + 50, &c);
    int past = try_load(m + pg + 8, &c);
    CHECK("mmap-past-eof-sigbus", in_file == 0 && past == SIGBUS && got_code == BUS_ADRERR &&
                                      got_addr == m + pg + 8,
          "in_file=%d past=%d code=%d", in_file, past, (int)got_code);
    munmap(m, 2 * (size_t)pg);
    close(fd);
    unlink(path);
}

static void test_protection(void) {
    char *p = mmap(NULL, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    p[0] = 'a';
    p[pg] = 'b';
    int r = mprotect(p + pg, (size_t)pg, PROT_READ);
    int s1 = try_store(p + pg + 5, 'x');
    CHECK("mprotect-readonly-store-segv", r == 0 && s1 == SIGSEGV && got_code == SEGV_ACCERR &&
                                              got_addr == p + pg + 5,
          "r=%d sig=%d code=%d", r, s1, (int)got_code);
    char c = 0;
    int l1 = try_load(p + pg, &c);
    CHECK("mprotect-readonly-load-ok", l1 == 0 && c == 'b', "sig=%d c=%c", l1, c);
    int s0 = try_store(p + 1, 'y');
    CHECK("mprotect-other-page-untouched", s0 == 0 && p[1] == 'y', "sig=%d", s0);
    mprotect(p + pg, (size_t)pg, PROT_READ | PROT_WRITE);
    s1 = try_store(p + pg + 5, 'x');
    CHECK("mprotect-restore-write", s1 == 0 && p[pg + 5] == 'x', "sig=%d", s1);

    mprotect(p, (size_t)pg, PROT_NONE);
    l1 = try_load(p, &c);
    CHECK("prot-none-load-segv", l1 == SIGSEGV && got_code == SEGV_ACCERR && got_addr == p,
          "sig=%d code=%d", l1, (int)got_code);

    munmap(p, 2 * (size_t)pg);
    l1 = try_load(p + pg + 17, &c);
    CHECK("munmap-access-segv-maperr",
          l1 == SIGSEGV && got_code == SEGV_MAPERR && got_addr == p + pg + 17, "sig=%d code=%d",
          l1, (int)got_code);
}

static void test_remap(void) {
    char *p = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (long i = 0; i < pg; i++)
        p[i] = (char)(i * 3);
    char *q = mremap(p, (size_t)pg, 4 * (size_t)pg, MREMAP_MAYMOVE);
    int ok = q != MAP_FAILED;
    for (long i = 0; ok && i < pg; i++)
        ok &= q[i] == (char)(i * 3);
    int zero = ok;
    for (long i = pg; zero && i < 4 * pg; i++)
        zero &= q[i] == 0;
    CHECK("mremap-grow-keeps-data", ok, "mremap=%p", (void *)q);
    CHECK("mremap-grow-new-zero", zero, "new pages not zero");
    if (q == MAP_FAILED)
        return;
    q[4 * pg - 1] = 9;
    char *s = mremap(q, 4 * (size_t)pg, (size_t)pg, 0);
    char c;
    int sig = try_load(q + 3 * pg, &c);
    CHECK("mremap-shrink", s == q && q[100] == (char)300 && sig == SIGSEGV, "s=%p sig=%d",
          (void *)s, sig);

    /* MAP_FIXED over a live mapping replaces it with fresh zero pages. */
    memset(q, 'z', (size_t)pg);
    char *f = mmap(q, (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                   -1, 0);
    CHECK("map-fixed-replaces", f == q && q[0] == 0 && q[pg - 1] == 0, "f=%p", (void *)f);
    munmap(q, (size_t)pg);

    /* brk grows the heap. */
    char *b0 = sbrk(0);
    char *b1 = sbrk(3 * pg);
    char *b2 = sbrk(0);
    int brk_ok = b1 == b0 && b2 == b0 + 3 * pg;
    if (brk_ok) {
        memset(b0, 7, 3 * (size_t)pg);
        brk_ok = b0[3 * pg - 1] == 7;
    }
    sbrk(-3 * pg);
    CHECK("brk-grow", brk_ok && sbrk(0) == b0, "b0=%p b1=%p b2=%p", (void *)b0, (void *)b1,
          (void *)b2);
}

int main(int argc, char **argv) {
    lt_init(argc, argv);
    pg = sysconf(_SC_PAGESIZE);
    lt_printf("page-size: %ld\n", pg);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    const char *dir = lt_tmpdir("mmap");
    test_anon();
    test_file_shared(dir);
    test_protection();
    test_remap();
    rmdir(dir);
    return lt_done();
}
