/* procself.c - /proc/self as programs read it: maps ([stack] holds a local,
 * a mapped file shows its path), fd/ links (a file, a pipe, reopening through
 * the link), fdinfo, cwd after chdir, environ, task/ after creating threads,
 * mounts. Default output is true under both Linux (qemu) and NanoVM; with
 * the argument `exact` it adds lines qemu-user cannot match (its maps has no
 * [heap] label, and task/ and status show the qemu process's own threads). */
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[65536];

static int slurp(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int n = 0, r;
    while (n < (int)sizeof buf - 1 && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
        n += r;
    close(fd);
    buf[n] = 0;
    return n;
}

/* The line of maps text `text` holding `addr` (copied to `line`), or 0. */
static int find_line(const char *text, uintptr_t addr, char *line, size_t size) {
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        unsigned long lo, hi;
        if (sscanf(p, "%lx-%lx", &lo, &hi) == 2 && lo <= addr && addr < hi) {
            snprintf(line, size, "%.*s", (int)len, p);
            return 1;
        }
        p += len + (nl != 0);
    }
    return 0;
}

/* The line of /proc/self/maps holding `addr`, or 0. */
static int maps_line(uintptr_t addr, char *line, size_t size) {
    return slurp("/proc/self/maps") > 0 && find_line(buf, addr, line, size);
}

static int ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int count_dir(const char *path) {
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int release;

static void *waiter(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!release)
        pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    return NULL;
}

int main(int argc, char **argv) {
    int exact = argc > 1 && strcmp(argv[1], "exact") == 0;
    char line[512], self[PATH_MAX], link[PATH_MAX];
    if (!realpath(argv[0], self)) {
        printf("realpath of argv[0] failed\n");
        return 1;
    }

    /* maps: the stack, a mapped file. */
    int local = 1;
    printf("stack line: %d\n", maps_line((uintptr_t)&local, line, sizeof line));
    printf("stack named [stack]: %d\n", ends_with(line, " [stack]"));
    int fd = open(argv[0], O_RDONLY);
    char *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("file line: %d\n", m != MAP_FAILED && maps_line((uintptr_t)m, line, sizeof line));
    printf("file line names the file: %d, r--p at offset 0: %d\n", ends_with(line, self),
           strstr(line, " r--p 00000000 ") != NULL);
    struct stat st;
    fstat(fd, &st);
    char ino[32];
    snprintf(ino, sizeof ino, " %lu ", (unsigned long)st.st_ino);
    printf("file line has the inode: %d\n", strstr(line, ino) != NULL);
    /* The column: names start at offset 73. */
    char *name = strchr(line, '/');
    printf("name column 73: %d\n", name && name - line == 73);
    munmap(m, 4096);
    printf("unmapped file gone: %d\n", !maps_line((uintptr_t)m, line, sizeof line) ||
                                           !ends_with(line, self));

    /* fd/: a file, a pipe, reopening through a link. */
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(p, link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    printf("fd link names the file: %d\n", strcmp(link, self) == 0);
    int again = open(p, O_RDONLY);
    char a[4] = {0}, b[4] = {1};
    printf("reopen through fd link: %d\n", again >= 0 && pread(again, a, 4, 0) == 4 &&
                                               pread(fd, b, 4, 0) == 4 && memcmp(a, b, 4) == 0);
    close(again);
    int pp[2];
    pipe(pp);
    snprintf(p, sizeof p, "/proc/self/fd/%d", pp[0]);
    n = readlink(p, link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    fstat(pp[0], &st);
    char want[64];
    snprintf(want, sizeof want, "pipe:[%lu]", (unsigned long)st.st_ino);
    printf("pipe link: %d\n", strcmp(link, want) == 0);
    /* Writing through the write end's link reaches the pipe. */
    snprintf(p, sizeof p, "/proc/self/fd/%d", pp[1]);
    int w = open(p, O_WRONLY);
    char c = 0;
    printf("write via pipe link: %d\n",
           w >= 0 && write(w, "z", 1) == 1 && read(pp[0], &c, 1) == 1 && c == 'z');
    close(w);
    struct stat ls;
    printf("fd 0 is a link: %d\n",
           lstat("/proc/self/fd/0", &ls) == 0 && S_ISLNK(ls.st_mode));

    /* Reopening standard input through its link reads the same stream. */
    int in = open("/proc/self/fd/0", O_RDONLY);
    char inbuf[32] = {0};
    printf("stdin via link: %d [%.*s]\n", in >= 0 && read(in, inbuf, sizeof inbuf - 1) > 0,
           (int)strcspn(inbuf, "\n"), inbuf);
    close(in);

    /* fdinfo. */
    lseek(fd, 100, SEEK_SET);
    snprintf(p, sizeof p, "/proc/self/fdinfo/%d", fd);
    slurp(p);
    printf("fdinfo pos 100: %d, flags line: %d, mnt_id line: %d\n",
           strncmp(buf, "pos:\t100\n", 9) == 0, strstr(buf, "\nflags:\t0") != NULL,
           strstr(buf, "\nmnt_id:\t") != NULL);

    /* The fd directory lists what is open. */
    int fds = count_dir("/proc/self/fd");
    printf("fd dir has fd and pipe: %d\n", fds >= 5);

    /* cwd and root. */
    chdir("/tmp");
    n = readlink("/proc/self/cwd", link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    printf("cwd after chdir: %s\n", link);
    n = readlink("/proc/self/root", link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    printf("root: %s\n", link);
    struct stat s1, s2;
    printf("cwd link is the directory: %d\n", stat("/proc/self/cwd", &s1) == 0 &&
                                                  stat("/tmp", &s2) == 0 &&
                                                  s1.st_ino == s2.st_ino);

    /* environ. */
    n = slurp("/proc/self/environ");
    int found = 0;
    for (int i = 0; i < n; i += strlen(buf + i) + 1)
        found |= strcmp(buf + i, "PROCSELF_MARK=yes") == 0;
    printf("environ has the mark: %d\n", found);

    /* mounts. */
    slurp("/proc/mounts");
    printf("mounts has /proc: %d\n", strstr(buf, " /proc proc ") != NULL);

    /* task/ after two more threads. */
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, waiter, NULL);
    int tasks = count_dir("/proc/self/task");
    printf("task dir has the threads: %d\n", tasks >= 3);
    if (exact) {
        printf("exact: tasks %d\n", tasks);
        slurp("/proc/self/status");
        char *th = strstr(buf, "\nThreads:\t");
        printf("exact: status Threads %d\n", th ? atoi(th + 10) : -1);
        char *sigblk = strstr(buf, "\nSigBlk:\t");
        printf("exact: SigBlk line %d\n", sigblk != NULL);
        void *h = malloc(100);
        printf("exact: heap line %d\n", maps_line((uintptr_t)h, line, sizeof line) &&
                                            ends_with(line, " [heap]"));
        /* Reading again from offset 0 sees the present (seq_file). */
        int mf = open("/proc/self/maps", O_RDONLY);
        int got = read(mf, buf, 100);
        char *fresh = mmap(NULL, 3 * 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                           -1, 0);
        lseek(mf, 0, SEEK_SET);
        got = read(mf, buf, sizeof buf - 1);
        buf[got > 0 ? got : 0] = 0;
        printf("exact: reread sees new mapping %d\n",
               find_line(buf, (uintptr_t)fresh + 4096, line, sizeof line) &&
                   strstr(line, " r-xp ") != NULL);
        close(mf);
        void *top = sbrk(0);
        printf("exact: sbrk in heap %d\n",
               maps_line((uintptr_t)top - 1, line, sizeof line) && ends_with(line, " [heap]"));
    }
    pthread_mutex_lock(&mu);
    release = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return 0;
}
