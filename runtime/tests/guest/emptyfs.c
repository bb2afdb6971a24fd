/* What a program sees of NanoVM's default (in-memory) file system and its
 * identity. Not compared with qemu, which shows the host's files. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
    FILE *f = fopen("/etc/passwd", "r");
    printf("fopen: %s\n", f ? "opened" : strerrorname_np(errno));
    printf("open O_CREAT: %s\n", open("/tmp/x", O_CREAT | O_WRONLY, 0644) < 0 ? strerrorname_np(errno) : "opened");
    struct stat st;
    printf("stat /bin/sh: %s\n", stat("/bin/sh", &st) < 0 ? strerrorname_np(errno) : "found");
    printf("access: %s\n", access("/", F_OK) < 0 ? strerrorname_np(errno) : "found");
    char buf[64];
    printf("getcwd: %s\n", getcwd(buf, sizeof buf));
    printf("readlink: %s\n", readlink("/proc/self/exe", buf, sizeof buf) < 0 ? strerrorname_np(errno) : "found");
    printf("isatty(1): %d\n", isatty(1));
    printf("fstat(1) chr: %d\n", fstat(1, &st) == 0 && S_ISCHR(st.st_mode));
    printf("pid %d ppid %d uid %d gid %d\n", getpid(), getppid(), getuid(), getgid());
    printf("close(2): %d\n", close(2));
    printf("write(2): %ld %s\n", (long)write(2, "x", 1), strerrorname_np(errno));
    return 0;
}
