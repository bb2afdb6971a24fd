/* File system calls in a private directory under /tmp, compared byte for
 * byte with qemu-riscv64 (so only deterministic facts are printed: sizes,
 * modes, link counts, errno names, sorted listings; never inodes, times or
 * the directory's name, which holds the pid). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <unistd.h>

static char dir[64];

static const char *err(long r) { return r < 0 ? strerrorname_np(errno) : "ok"; }

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

static void list(const char *path) {
    DIR *d = opendir(path);
    char *names[32];
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < 32)
        names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], cmp);
    printf("ls:");
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/nanovm-files-%d", (int)getpid());
    umask(022);
    printf("mkdir %s\n", err(mkdir(dir, 0777)));
    printf("chdir %s\n", err(chdir(dir)));
    char cwd[128];
    printf("getcwd same %d\n", getcwd(cwd, sizeof cwd) && strcmp(cwd, dir) == 0);

    int fd = open("a", O_RDWR | O_CREAT | O_EXCL, 0666);
    struct iovec iov[2] = {{"hello ", 6}, {"world\n", 6}};
    printf("writev %zd\n", writev(fd, iov, 2));
    struct stat st;
    fstat(fd, &st);
    printf("mode %o size %ld nlink %ld\n", st.st_mode, (long)st.st_size, (long)st.st_nlink);
    char buf[64] = {0};
    printf("pread %zd '%.5s'\n", pread(fd, buf, 5, 6), buf);
    printf("lseek end %ld cur %ld\n", (long)lseek(fd, 0, SEEK_END), (long)lseek(fd, -3, SEEK_CUR));
    printf("lseek bad %s\n", err(lseek(fd, -100, SEEK_CUR)));
    /* Linux adds O_LARGEFILE (0100000) on 64-bit; qemu-user drops it. */
    printf("fl %o fd %d\n", fcntl(fd, F_GETFL) & ~0100000, fcntl(fd, F_GETFD));
    printf("open excl %s\n", err(open("a", O_CREAT | O_EXCL | O_WRONLY, 0600)));
    printf("open dir-on-file %s\n", err(open("a", O_RDONLY | O_DIRECTORY)));
    printf("open missing %s\n", err(open("nope/x", O_RDONLY)));
    printf("open trailing slash %s\n", err(open("a/", O_RDONLY)));
    printf("write to dir %s\n", err(open(".", O_WRONLY)));

    printf("symlink %s\n", err(symlink("a", "s")));
    printf("readlink %zd\n", readlink("s", buf, sizeof buf));
    printf("nofollow %s\n", err(open("s", O_RDONLY | O_NOFOLLOW)));
    int p = open("s", O_PATH | O_NOFOLLOW);
    printf("o_path read %s\n", err(read(p, buf, 1)));
    close(p);
    printf("link %s\n", err(link("a", "h")));
    stat("a", &st);
    printf("nlink %ld\n", (long)st.st_nlink);
    printf("rename %s\n", err(rename("h", "h2")));
    printf("renameat2 noreplace %s\n", err(renameat2(AT_FDCWD, "h2", AT_FDCWD, "a", RENAME_NOREPLACE)));
    printf("mkdir sub %s\n", err(mkdir("sub", 0750)));
    printf("mkfifo %s\n", err(mkfifo("sub/fifo", 0600)));
    lstat("sub/fifo", &st);
    printf("fifo mode %o\n", st.st_mode);
    printf("rmdir nonempty %s\n", err(rmdir("sub")));
    printf("unlink dir %s\n", err(unlink("sub")));
    list(".");

    int d = open("sub", O_RDONLY | O_DIRECTORY);
    printf("openat %s\n", err(openat(d, "inner", O_WRONLY | O_CREAT, 0600)));
    printf("fstatat %s\n", err(fstatat(d, "inner", &st, 0)));
    printf("fchmodat %s\n", err(fchmodat(d, "inner", 0640, 0)));
    fstatat(d, "inner", &st, 0);
    printf("inner mode %o\n", st.st_mode);
    printf("faccessat W %s X %s\n", err(faccessat(d, "inner", W_OK, 0)),
           err(faccessat(d, "inner", X_OK, 0)));
    printf("fchdir %s\n", err(fchdir(d)));
    printf("relative %s\n", err(access("inner", F_OK)));
    chdir("..");
    list("sub");

    printf("truncate %s\n", err(truncate("a", 100000)));
    stat("a", &st);
    printf("size %ld\n", (long)st.st_size);
    printf("ftruncate ro %s\n", err(ftruncate(open("a", O_RDONLY), 5)));
    printf("utimensat %s\n", err(utimensat(AT_FDCWD, "a", (struct timespec[2]){{1, 2}, {3, 4}}, 0)));
    stat("a", &st);
    printf("mtime %ld.%ld atime %ld.%ld\n", (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
           (long)st.st_atim.tv_sec, st.st_atim.tv_nsec);

    int out = open("copy", O_RDWR | O_CREAT | O_TRUNC, 0600);
    off_t off = 0;
    printf("sendfile %zd off %ld\n", sendfile(out, fd, &off, 12), (long)off);
    loff_t o1 = 6, o2 = 100;
    printf("copy_file_range %zd\n", copy_file_range(fd, &o1, out, &o2, 5, 0));
    fstat(out, &st);
    printf("copy size %ld\n", (long)st.st_size);
    printf("flock %s %s\n", err(flock(out, LOCK_EX)), err(flock(out, LOCK_UN)));
    printf("fallocate %s\n", err(fallocate(out, 0, 0, 8192)));
    fstat(out, &st);
    printf("after fallocate %ld\n", (long)st.st_size);
    printf("fsync %s fdatasync %s\n", err(fsync(out)), err(fdatasync(out)));

    int dd = dup(fd);
    printf("dup shares offset %ld\n", (long)lseek(dd, 0, SEEK_CUR) == lseek(fd, 0, SEEK_CUR));
    printf("dup2 %d\n", dup2(fd, 30));
    printf("dup3 cloexec %d\n", dup3(fd, 31, O_CLOEXEC) == 31 && fcntl(31, F_GETFD) == FD_CLOEXEC);
    printf("close_range %s\n", err(close_range(30, 31, 0)));
    printf("closed %s\n", err(fcntl(30, F_GETFD)));
    printf("ioctl FIONREAD on dir %s\n", err(ioctl(d, 0x541b, &(int){0})));
    printf("isatty(file) %d %s\n", isatty(fd), strerrorname_np(errno));
    struct statfs sf;
    printf("fstatfs %s\n", err(fstatfs(fd, &sf)));

    int zero = open("/dev/zero", O_RDONLY), null = open("/dev/null", O_WRONLY);
    memset(buf, 1, 8);
    printf("zero %zd %d null %zd\n", read(zero, buf, 8), buf[0] + buf[7], write(null, "x", 1));
    printf("full %s\n", err(write(open("/dev/full", O_WRONLY), "x", 1)));

    const char *names[] = {"a", "s", "h2", "copy", "sub/inner", "sub/fifo"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        unlink(names[i]);
    printf("rmdir %s %s\n", err(rmdir("sub")), err(rmdir(dir)));
    printf("getcwd gone %s\n", getcwd(cwd, sizeof cwd) ? "still" : strerrorname_np(errno));
    return 0;
}
