/* file.c - files and descriptors in a private /tmp directory: read/write/
 * lseek/pread/pwrite, open flags, unlink-while-open, rename, links, sorted
 * directory listings, stat fields, sparse files, dup family, close_range,
 * RLIMIT_NOFILE exhaustion, chdir/getcwd and umask. Only deterministic
 * fields are printed (sizes, modes, link counts; never inodes or times). */
#include "lt.h"
#include <dirent.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/syscall.h>

static char dir[128];

static const char *at(const char *name) {
    static char buf[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

static void test_rw(void) {
    int fd = open(at("a.txt"), O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK("open-creat-excl", fd >= 0, "%s", strerror(errno));
    ssize_t w = write(fd, "hello world\n", 12);
    off_t pos = lseek(fd, 0, SEEK_CUR);
    off_t end = lseek(fd, 0, SEEK_END);
    off_t six = lseek(fd, 6, SEEK_SET);
    char buf[32] = {0};
    ssize_t r = read(fd, buf, 5);
    CHECK("write-lseek-read", w == 12 && pos == 12 && end == 12 && six == 6 && r == 5 &&
                                  memcmp(buf, "world", 5) == 0,
          "w=%zd pos=%ld r=%zd", w, (long)pos, r);
    ssize_t pw = pwrite(fd, "HELLO", 5, 0);
    off_t after = lseek(fd, 0, SEEK_CUR);
    memset(buf, 0, sizeof buf);
    ssize_t pr = pread(fd, buf, 12, 0);
    CHECK("pread-pwrite-keep-offset",
          pw == 5 && pr == 12 && after == 11 && memcmp(buf, "HELLO world\n", 12) == 0,
          "pw=%zd pr=%zd offset=%ld", pw, pr, (long)after);
    r = read(fd, buf, sizeof buf);
    ssize_t r2 = read(fd, buf, sizeof buf);
    CHECK("read-at-eof", r == 1 && r2 == 0, "r=%zd r2=%zd", r, r2);
    close(fd);

    errno = 0;
    fd = open(at("a.txt"), O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK("o-excl-eexist", fd == -1 && errno == EEXIST, "fd=%d errno=%d", fd, errno);
    errno = 0;
    fd = open(at("missing"), O_RDONLY);
    CHECK("open-enoent", fd == -1 && errno == ENOENT, "fd=%d errno=%d", fd, errno);

    /* O_APPEND writes go to the end whatever the offset. */
    fd = open(at("a.txt"), O_WRONLY | O_APPEND);
    lseek(fd, 0, SEEK_SET);
    w = write(fd, "more\n", 5);
    pos = lseek(fd, 0, SEEK_CUR);
    close(fd);
    struct stat st;
    stat(at("a.txt"), &st);
    CHECK("o-append", w == 5 && pos == 17 && st.st_size == 17, "pos=%ld size=%ld", (long)pos,
          (long)st.st_size);

    fd = open(at("a.txt"), O_WRONLY | O_TRUNC);
    fstat(fd, &st);
    CHECK("o-trunc", fd >= 0 && st.st_size == 0, "size=%ld", (long)st.st_size);
    close(fd);

    errno = 0;
    fd = open(at("a.txt"), O_RDONLY);
    w = write(fd, "x", 1);
    CHECK("write-readonly-ebadf", w == -1 && errno == EBADF, "w=%zd errno=%d", w, errno);
    close(fd);
    errno = 0;
    r = read(fd, buf, 1);
    CHECK("read-closed-ebadf", r == -1 && errno == EBADF, "r=%zd errno=%d", r, errno);
}

static void test_names(void) {
    /* unlink while open: data stays readable, nlink drops to 0. */
    int fd = open(at("gone"), O_RDWR | O_CREAT, 0600);
    write(fd, "still here", 10);
    int u = unlink(at("gone"));
    struct stat st;
    fstat(fd, &st);
    char buf[16] = {0};
    pread(fd, buf, 10, 0);
    CHECK("unlink-while-open", u == 0 && st.st_nlink == 0 && memcmp(buf, "still here", 10) == 0 &&
                                   access(at("gone"), F_OK) == -1,
          "nlink=%lu", (unsigned long)st.st_nlink);
    close(fd);

    /* rename, replacing an existing target atomically. */
    fd = open(at("r1"), O_WRONLY | O_CREAT, 0600);
    write(fd, "one", 3);
    close(fd);
    fd = open(at("r2"), O_WRONLY | O_CREAT, 0600);
    write(fd, "two!", 4);
    close(fd);
    int rn = rename(at("r1"), at("r2"));
    stat(at("r2"), &st);
    CHECK("rename-replaces", rn == 0 && access(at("r1"), F_OK) == -1 && st.st_size == 3,
          "rn=%d size=%ld", rn, (long)st.st_size);

    /* hard links */
    int l = link(at("r2"), at("hard"));
    struct stat a, b;
    stat(at("r2"), &a);
    stat(at("hard"), &b);
    lt_printf("hard-link: nlink=%lu\n", (unsigned long)a.st_nlink);
    CHECK("hard-link-nlink", l == 0 && a.st_nlink == 2 && a.st_ino == b.st_ino, "nlink=%lu",
          (unsigned long)a.st_nlink);
    unlink(at("hard"));
    stat(at("r2"), &a);
    CHECK("unlink-drops-nlink", a.st_nlink == 1, "nlink=%lu", (unsigned long)a.st_nlink);

    /* symlinks */
    int s = symlink("r2", at("sym"));
    char target[64] = {0};
    ssize_t n = readlink(at("sym"), target, sizeof target - 1);
    struct stat ls, fs;
    lstat(at("sym"), &ls);
    stat(at("sym"), &fs);
    CHECK("symlink-readlink", s == 0 && n == 2 && strcmp(target, "r2") == 0, "n=%zd target=%s", n,
          target);
    CHECK("lstat-vs-stat", S_ISLNK(ls.st_mode) && ls.st_size == 2 && S_ISREG(fs.st_mode) &&
                               fs.st_size == 3,
          "lmode=%o fmode=%o", ls.st_mode, fs.st_mode);
    symlink("nowhere", at("dangling"));
    errno = 0;
    int fd2 = open(at("dangling"), O_RDONLY);
    CHECK("dangling-symlink-enoent", fd2 == -1 && errno == ENOENT, "fd=%d errno=%d", fd2, errno);
    errno = 0;
    fd2 = open(at("sym"), O_RDONLY | O_NOFOLLOW);
    CHECK("o-nofollow-eloop", fd2 == -1 && errno == ELOOP, "fd=%d errno=%d", fd2, errno);

    /* directories */
    int m = mkdir(at("sub"), 0755);
    errno = 0;
    int m2 = mkdir(at("sub"), 0755);
    int e = errno;
    fd = open(at("sub/inner"), O_WRONLY | O_CREAT, 0600);
    close(fd);
    errno = 0;
    int rd = rmdir(at("sub"));
    CHECK("mkdir-rmdir-errors", m == 0 && m2 == -1 && e == EEXIST && rd == -1 && errno == ENOTEMPTY,
          "m=%d m2=%d e=%d rd=%d errno=%d", m, m2, e, rd, errno);
    stat(at("sub"), &st);
    CHECK("dir-stat", S_ISDIR(st.st_mode) && st.st_nlink == 2, "mode=%o nlink=%lu", st.st_mode,
          (unsigned long)st.st_nlink);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_readdir(void) {
    DIR *d = opendir(dir);
    char *names[64];
    int n = 0;
    struct dirent *de;
    int types_ok = 1;
    while (d && (de = readdir(d)) != NULL && n < 64) {
        names[n++] = strdup(de->d_name);
        if (strcmp(de->d_name, "sub") == 0)
            types_ok &= de->d_type == DT_DIR || de->d_type == DT_UNKNOWN;
        if (strcmp(de->d_name, "sym") == 0)
            types_ok &= de->d_type == DT_LNK || de->d_type == DT_UNKNOWN;
    }
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    char line[400] = "";
    for (int i = 0; i < n; i++) {
        strncat(line, " ", sizeof line - strlen(line) - 1);
        strncat(line, names[i], sizeof line - strlen(line) - 1);
        free(names[i]);
    }
    lt_printf("readdir:%s\n", line);
    CHECK("readdir-sorted", strcmp(line, " . .. a.txt dangling r2 sub sym") == 0, "got%s", line);
    CHECK("readdir-d-type", types_ok, "wrong d_type");
}

static void test_stat_sparse(void) {
    mode_t old = umask(022);
    int fd = open(at("modes"), O_WRONLY | O_CREAT, 0777);
    struct stat st;
    fstat(fd, &st);
    CHECK("umask-applied", (st.st_mode & 07777) == 0755, "mode=%o", st.st_mode & 07777);
    close(fd);
    umask(077);
    mkdir(at("private"), 0777);
    stat(at("private"), &st);
    CHECK("umask-mkdir", (st.st_mode & 07777) == 0700, "mode=%o", st.st_mode & 07777);
    mode_t prev = umask(old);
    CHECK("umask-returns-previous", prev == 077, "prev=%o", prev);
    chmod(at("modes"), 0640);
    stat(at("modes"), &st);
    CHECK("chmod", (st.st_mode & 07777) == 0640 && S_ISREG(st.st_mode), "mode=%o", st.st_mode);
    rmdir(at("private"));
    unlink(at("modes"));

    fd = open(at("sparse"), O_RDWR | O_CREAT, 0600);
    int t = ftruncate(fd, 1 << 20);
    pwrite(fd, "end", 3, (1 << 20) - 3);
    fstat(fd, &st);
    char buf[4096];
    memset(buf, 1, sizeof buf);
    ssize_t r = pread(fd, buf, sizeof buf, 4096 * 10);
    int zeros = r == (ssize_t)sizeof buf;
    for (size_t i = 0; zeros && i < sizeof buf; i++)
        zeros &= buf[i] == 0;
    lt_printf("sparse: size=%ld\n", (long)st.st_size);
    CHECK("ftruncate-sparse-zeros", t == 0 && st.st_size == 1 << 20 && zeros, "size=%ld",
          (long)st.st_size);
    ftruncate(fd, 10);
    fstat(fd, &st);
    CHECK("ftruncate-shrink", st.st_size == 10, "size=%ld", (long)st.st_size);
    close(fd);
    unlink(at("sparse"));
}

static void test_dup(void) {
    int fd = open(at("r2"), O_RDONLY);
    int d1 = dup(fd);
    char c;
    read(fd, &c, 1);
    off_t shared = lseek(d1, 0, SEEK_CUR);
    CHECK("dup-shares-offset", d1 > fd && shared == 1, "d1=%d offset=%ld", d1, (long)shared);
    int d2 = dup2(fd, 50);
    CHECK("dup2-exact", d2 == 50 && fcntl(50, F_GETFD) == 0, "d2=%d", d2);
    int same = dup2(fd, fd);
    CHECK("dup2-same-fd", same == fd, "ret=%d", same);
    int d3 = dup3(fd, 51, O_CLOEXEC);
    CHECK("dup3-cloexec", d3 == 51 && fcntl(51, F_GETFD) == FD_CLOEXEC, "d3=%d flags=%d", d3,
          fcntl(51, F_GETFD));
    errno = 0;
    int bad = dup3(fd, fd, 0);
    CHECK("dup3-same-einval", bad == -1 && errno == EINVAL, "ret=%d errno=%d", bad, errno);
    int d4 = fcntl(fd, F_DUPFD_CLOEXEC, 40);
    CHECK("f-dupfd-cloexec", d4 == 40 && fcntl(40, F_GETFD) == FD_CLOEXEC, "d4=%d", d4);
    int d5 = fcntl(fd, F_DUPFD, 40);
    CHECK("f-dupfd-lowest-free", d5 == 41 && fcntl(41, F_GETFD) == 0, "d5=%d", d5);
    int fl = fcntl(fd, F_GETFL);
    CHECK("f-getfl", (fl & O_ACCMODE) == O_RDONLY, "fl=%x", fl);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    CHECK("f-setfl-shared-by-dup", fcntl(d1, F_GETFL) & O_NONBLOCK, "O_NONBLOCK not shared");

    /* close_range closes 40..51, leaving fd and d1. */
    int cr = (int)syscall(SYS_close_range, 40, 51, 0);
    int closed = 1;
    for (int i = 40; i <= 51; i++)
        closed &= fcntl(i, F_GETFD) == -1;
    CHECK("close-range", cr == 0 && closed && fcntl(fd, F_GETFD) >= 0 && fcntl(d1, F_GETFD) >= 0,
          "cr=%d errno=%d closed=%d", cr, errno, closed);
    close(d1);
    close(fd);
}

static void test_nofile(void) {
    /* In a child, so the parent keeps its limit. */
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit rl = {.rlim_cur = 64, .rlim_max = 64};
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            _exit(1);
        struct rlimit now;
        getrlimit(RLIMIT_NOFILE, &now);
        if (now.rlim_cur != 64)
            _exit(2);
        int last = -1, opened = 0;
        for (;;) {
            int fd = open("/dev/null", O_RDONLY);
            if (fd < 0) {
                if (errno != EMFILE)
                    _exit(3);
                break;
            }
            last = fd;
            opened++;
            if (opened > 100)
                _exit(4);
        }
        if (last != 63)
            _exit(5); /* the highest fd is limit - 1 */
        errno = 0;
        if (dup2(0, 64) != -1 || errno != EBADF)
            _exit(6);
        close(10);
        if (open("/dev/null", O_RDONLY) != 10)
            _exit(7); /* lowest free fd */
        _exit(0);
    }
    int st;
    lt_wait(pid, &st);
    CHECK("rlimit-nofile-emfile", WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", lt_status_str(st));
}

static void test_cwd(void) {
    char before[PATH_MAX], now[PATH_MAX];
    getcwd(before, sizeof before);
    int c = chdir(dir);
    char *g = getcwd(now, sizeof now);
    CHECK("chdir-getcwd", c == 0 && g && strcmp(now, dir) == 0, "cwd=%s", g ? now : "(null)");
    struct stat st;
    int rel = stat("r2", &st);
    CHECK("relative-path-after-chdir", rel == 0 && st.st_size == 3, "rel=%d", rel);
    chdir("sub");
    g = getcwd(now, sizeof now);
    char want[300];
    snprintf(want, sizeof want, "%s/sub", dir);
    CHECK("chdir-relative", g && strcmp(now, want) == 0, "cwd=%s", g ? now : "(null)");
    chdir("..");
    g = getcwd(now, sizeof now);
    CHECK("chdir-dotdot", g && strcmp(now, dir) == 0, "cwd=%s", g ? now : "(null)");
    errno = 0;
    c = chdir("r2");
    CHECK("chdir-file-enotdir", c == -1 && errno == ENOTDIR, "c=%d errno=%d", c, errno);
    chdir(before);
}

static void test_at_family(void) {
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK("open-o-directory", dfd >= 0, "%s", strerror(errno));
    errno = 0;
    int bad = open(at("r2"), O_RDONLY | O_DIRECTORY);
    CHECK("o-directory-on-file-enotdir", bad == -1 && errno == ENOTDIR, "fd=%d errno=%d", bad,
          errno);
    int fd = openat(dfd, "at-file", O_WRONLY | O_CREAT | O_EXCL, 0600);
    ssize_t w = write(fd, "12345", 5);
    close(fd);
    struct stat st;
    int r = fstatat(dfd, "at-file", &st, 0);
    CHECK("openat-fstatat", fd >= 0 && w == 5 && r == 0 && st.st_size == 5, "fd=%d r=%d", fd, r);
    r = fstatat(dfd, "sym", &st, AT_SYMLINK_NOFOLLOW);
    CHECK("fstatat-nofollow", r == 0 && S_ISLNK(st.st_mode), "r=%d mode=%o", r, st.st_mode);
    r = renameat(dfd, "at-file", dfd, "at-renamed");
    int acc = faccessat(dfd, "at-renamed", R_OK | W_OK, 0);
    CHECK("renameat-faccessat", r == 0 && acc == 0, "r=%d acc=%d", r, acc);
    r = unlinkat(dfd, "at-renamed", 0);
    int m = mkdirat(dfd, "at-dir", 0700);
    int rd = unlinkat(dfd, "at-dir", AT_REMOVEDIR);
    CHECK("unlinkat-mkdirat", r == 0 && m == 0 && rd == 0 &&
                                  faccessat(dfd, "at-dir", F_OK, 0) == -1,
          "r=%d m=%d rd=%d", r, m, rd);
    char buf[8] = {0};
    ssize_t n = readlinkat(dfd, "sym", buf, sizeof buf - 1);
    CHECK("readlinkat", n == 2 && strcmp(buf, "r2") == 0, "n=%zd", n);
    close(dfd);
}

static void cleanup(void) {
    const char *names[] = {"a.txt", "r2", "sym", "dangling", "sub/inner", "hard", "gone", "r1"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unlink(at(names[i]));
    rmdir(at("sub"));
    rmdir(dir);
}

int main(int argc, char **argv) {
    lt_init(argc, argv);
    snprintf(dir, sizeof dir, "%s", lt_tmpdir("file"));
    test_rw();
    test_names();
    test_readdir();
    test_stat_sparse();
    test_dup();
    test_nofile();
    test_cwd();
    test_at_family();
    cleanup();
    CHECK("cleanup", access(dir, F_OK) == -1, "scratch dir left behind");
    return lt_done();
}
