/* lt.h - the tiny check library shared by the Linux personality C tests.
 *
 * Every program prints one line per check, `ok NAME` or `FAIL NAME: detail`,
 * plus deterministic information lines, and exits 0 only if every check
 * passed. Output goes straight to fd 1 with write(2) (no stdio buffer), so a
 * fork never duplicates pending output and a signal handler may print.
 * Rejected alternative: stdio with line buffering - forked children and
 * handlers would need careful fflush discipline in every test.
 *
 * Exec: a test that execs itself calls lt_exec_self(). When the environment
 * variable LT_EXEC_PREFIX is set (space separated words, e.g.
 * "/usr/bin/qemu-riscv64 -L build/image"), the program execs that prefix with
 * its own path appended, because qemu-user without binfmt_misc cannot execve
 * a RISC-V binary. Under NanoVM (or real Linux) it is unset and the program
 * execs itself directly. */
#ifndef LT_H
#define LT_H
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int lt_failures;
static const char *lt_self = "";

static inline void lt_write(const char *s, size_t n) {
    while (n > 0) {
        ssize_t w = write(1, s, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

__attribute__((format(printf, 1, 2))) static inline void lt_printf(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n >= (int)sizeof buf)
        n = (int)sizeof buf - 1;
    lt_write(buf, (size_t)n);
}

/* Record one check: `ok NAME`, or `FAIL NAME: detail` (detail is printf-like). */
__attribute__((format(printf, 3, 4))) static inline int lt_check(const char *name, int ok,
                                                         const char *fmt, ...) {
    if (ok) {
        lt_printf("ok %s\n", name);
        return 1;
    }
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    lt_printf("FAIL %s: %s\n", name, buf);
    lt_failures++;
    return 0;
}
#define CHECK(name, cond, ...) lt_check((name), (cond) ? 1 : 0, __VA_ARGS__)

static inline void lt_init(int argc, char **argv) {
    (void)argc;
    lt_self = argv[0];
}

static inline int lt_done(void) { return lt_failures ? 1 : 0; }

/* waitpid that retries on EINTR. */
static inline pid_t lt_wait(pid_t pid, int *status) {
    pid_t r;
    do
        r = waitpid(pid, status, 0);
    while (r < 0 && errno == EINTR);
    return r;
}

/* A readable description of a wait status, for failure details. */
static inline const char *lt_status_str(int st) {
    static char buf[64];
    if (WIFEXITED(st))
        snprintf(buf, sizeof buf, "exited %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf, sizeof buf, "killed by signal %d", WTERMSIG(st));
    else
        snprintf(buf, sizeof buf, "status 0x%x", st);
    return buf;
}

/* Fill argv_out (room for `room` pointers) with the exec vector for running
 * this program with `args` (NULL-terminated); `words` is scratch storage for
 * the prefix. Returns the path to pass to execv. Done before fork/vfork so
 * the child only calls execv. */
static inline const char *lt_exec_vector(char **argv_out, int room, char *words, size_t wlen,
                                  char *const args[]) {
    int n = 0;
    const char *prefix = getenv("LT_EXEC_PREFIX");
    if (prefix && *prefix) {
        snprintf(words, wlen, "%s", prefix);
        for (char *tok = strtok(words, " "); tok && n < room - 2; tok = strtok(NULL, " "))
            argv_out[n++] = tok;
    }
    argv_out[n++] = (char *)lt_self;
    for (int i = 0; args[i] && n < room - 1; i++)
        argv_out[n++] = args[i];
    argv_out[n] = NULL;
    return argv_out[0];
}

/* A private scratch directory under /tmp: /tmp/lt-TAG-PID. */
static inline const char *lt_tmpdir(const char *tag) {
    static char path[128];
    snprintf(path, sizeof path, "/tmp/lt-%s-%d", tag, (int)getpid());
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        lt_printf("FAIL setup: mkdir %s: %s\n", path, strerror(errno));
        exit(2);
    }
    return path;
}

/* FNV-1a over a buffer, continuing from h (start with 2166136261u). */
static inline unsigned lt_fnv(unsigned h, const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}
#endif
