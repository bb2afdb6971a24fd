/* procfs.c - /proc as programs use it: /proc/self, exe, cmdline, stat,
 * status, meminfo (qemu shows the host's cpuinfo: not compared). Prints only facts true under both Linux (qemu) and NanoVM. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int slurp(const char *path, char *buf, int size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int n = 0, r;
    while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
        n += r;
    close(fd);
    buf[n] = 0;
    return n;
}

static void report(int child) {
    char buf[8192], want[64];
    const char *who = child ? "child" : "parent";

    ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    snprintf(want, sizeof want, "%d", (int)getpid());
    printf("%s: /proc/self is pid: %d\n", who, strcmp(buf, want) == 0);

    n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    const char *base = strrchr(buf, '/');
    printf("%s: exe absolute: %d, ends with procfs: %d\n", who, buf[0] == '/',
           base && strcmp(base, "/procfs") == 0);

    n = slurp("/proc/self/stat", buf, sizeof buf);
    int pid = 0, ppid = 0;
    char comm[64] = "", state = 0;
    sscanf(buf, "%d (%63[^)]) %c %d", &pid, comm, &state, &ppid);
    printf("%s: stat pid ok %d, comm %s, ppid ok %d\n", who, pid == getpid(), comm,
           ppid == getppid());

    slurp("/proc/self/status", buf, sizeof buf);
    char *p = strstr(buf, "\nPPid:\t");
    printf("%s: status PPid ok %d\n", who, p && atoi(p + 7) == getppid());
}

int main(int argc, char **argv) {
    char buf[8192];
    int n = slurp("/proc/self/cmdline", buf, sizeof buf);
    int off = 0, ok = 1;
    for (int i = 0; i < argc; i++) {
        ok &= off < n && strcmp(buf + off, argv[i]) == 0;
        off += strlen(argv[i]) + 1;
    }
    printf("cmdline matches argv: %d\n", ok && off == n);

    report(0);
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        report(1);
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(c, &st, 0);
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", (int)c);
    printf("reaped child gone: %d\n", access(path, F_OK) != 0);

    printf("meminfo MemTotal: %d\n",
           slurp("/proc/meminfo", buf, sizeof buf) > 0 && strncmp(buf, "MemTotal:", 9) == 0);
    return 0;
}
