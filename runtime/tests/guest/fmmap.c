/* File-backed mmap: MAP_PRIVATE copies, MAP_SHARED writes reach the file
 * (msync, munmap) and are shared with a forked child. Prints what it sees. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <errno.h>
#include <unistd.h>

int main(void) {
    long pg = sysconf(_SC_PAGESIZE);
    char path[64];
    snprintf(path, sizeof path, "/tmp/fmmap-%d.bin", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    char page[4096];
    for (int i = 0; i < 4096; i++)
        page[i] = 'a' + i % 26;
    write(fd, page, sizeof page);
    write(fd, "tail-of-file", 12);

    /* Private, read-only, past EOF: file bytes then zeros to the page end
     * (a page wholly past EOF is SIGBUS on Linux, zeros here: not tested). */
    char *p = mmap(NULL, 3 * pg, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("private: %.5s %.12s zero=%d\n", p, p + pg, p[pg + 12] + p[2 * pg - 1]);
    /* Private from an offset, written: the file keeps its bytes. */
    char *w = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, pg);
    memcpy(w, "PRIVATE", 7);
    char buf[16] = {0};
    pread(fd, buf, 12, pg);
    printf("private write: map=%.7s file=%s\n", w, buf);
    munmap(w, pg);
    munmap(p, 3 * pg);

    /* Shared: msync makes stores visible to read(). */
    char *s = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(s + 10, "SHARED", 6);
    msync(s, 2 * pg, MS_SYNC);
    memset(buf, 0, sizeof buf);
    pread(fd, buf, 6, 10);
    printf("shared msync: %s\n", buf);

    /* A forked child maps the file again and writes; the parent sees it. */
    pid_t pid = fork();
    if (pid == 0) {
        char *c = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        memcpy(c + pg + 2, "CHILD", 5);
        s[20] = '!';
        msync(c, 2 * pg, MS_SYNC);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    memset(buf, 0, sizeof buf);
    pread(fd, buf, 12, pg);
    printf("child: map=%.5s %c file=%s\n", s + pg + 2, s[20], buf);
    /* munmap writes back too. */
    memcpy(s + 30, "UNMAP", 5);
    munmap(s, 2 * pg);
    memset(buf, 0, sizeof buf);
    pread(fd, buf, 5, 30);
    off_t size = lseek(fd, 0, SEEK_END);
    printf("munmap: %s size=%ld\n", buf, (long)size);

    /* Errors. */
    int ro = open(path, O_RDONLY);
    int pfd[2];
    pipe(pfd);
    int wo = open(path, O_WRONLY);
    struct {
        int fd;
        int prot, flags;
        long off;
    } bad[] = {{ro, PROT_READ | PROT_WRITE, MAP_SHARED, 0},
               {fd, PROT_READ, MAP_PRIVATE, 1},
               {99, PROT_READ, MAP_PRIVATE, 0},
               {pfd[0], PROT_READ, MAP_PRIVATE, 0},
               {wo, PROT_READ, MAP_PRIVATE, 0}};
    printf("errors:");
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        void *m = mmap(NULL, pg, bad[i].prot, bad[i].flags, bad[i].fd, bad[i].off);
        printf(" %d/%d", m == MAP_FAILED, errno);
    }
    printf("\n");
    close(fd);
    unlink(path);
    return 0;
}
