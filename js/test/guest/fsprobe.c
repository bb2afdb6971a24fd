/* File-system probe for --root/--mount tests: runs "OP PATH [ARG]" triples from argv and
 * prints one line per result (contents, sorted listings or errno), so the wasm and native CLIs
 * can be compared byte for byte. Ops: cat, ls, write (ARG = text), append, mkdir, rmdir,
 * unlink, rename (ARG = new path), symlink (ARG = link path), readlink, size, chdir, getcwd. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void fail(const char *op, const char *path) { printf("%s %s: errno %d\n", op, path, errno); }

int main(int argc, char **argv) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *op = argv[i], *p = argv[i + 1];
        const char *arg = i + 2 < argc ? argv[i + 2] : "";
        if (!strcmp(op, "cat")) {
            int fd = open(p, O_RDONLY);
            if (fd < 0) { fail(op, p); continue; }
            char buf[4096];
            ssize_t n = read(fd, buf, sizeof buf);
            close(fd);
            if (n < 0) { fail(op, p); continue; }
            printf("cat %s: %.*s|\n", p, (int)n, buf);
        } else if (!strcmp(op, "ls")) {
            DIR *d = opendir(p);
            if (!d) { fail(op, p); continue; }
            char *names[512];
            int n = 0;
            struct dirent *e;
            while ((e = readdir(d)) && n < 512) names[n++] = strdup(e->d_name);
            closedir(d);
            qsort(names, n, sizeof *names, cmp);
            printf("ls %s:", p);
            for (int k = 0; k < n; k++) printf(" %s", names[k]);
            printf("\n");
        } else if (!strcmp(op, "write") || !strcmp(op, "append")) {
            int fl = O_WRONLY | O_CREAT | (op[0] == 'w' ? O_TRUNC : O_APPEND);
            int fd = open(p, fl, 0644);
            if (fd < 0 || write(fd, arg, strlen(arg)) < 0) { fail(op, p); if (fd >= 0) close(fd); i++; continue; }
            close(fd);
            printf("%s %s: ok\n", op, p);
            i++;
        } else if (!strcmp(op, "mkdir")) {
            if (mkdir(p, 0755)) fail(op, p); else printf("mkdir %s: ok\n", p);
        } else if (!strcmp(op, "rmdir")) {
            if (rmdir(p)) fail(op, p); else printf("rmdir %s: ok\n", p);
        } else if (!strcmp(op, "unlink")) {
            if (unlink(p)) fail(op, p); else printf("unlink %s: ok\n", p);
        } else if (!strcmp(op, "rename")) {
            if (rename(p, arg)) fail(op, p); else printf("rename %s: ok\n", p);
            i++;
        } else if (!strcmp(op, "symlink")) {
            if (symlink(p, arg)) fail(op, p); else printf("symlink %s: ok\n", p);
            i++;
        } else if (!strcmp(op, "readlink")) {
            char buf[256];
            ssize_t n = readlink(p, buf, sizeof buf);
            if (n < 0) fail(op, p); else printf("readlink %s: %.*s\n", p, (int)n, buf);
        } else if (!strcmp(op, "size")) {
            struct stat st;
            if (lstat(p, &st)) fail(op, p);
            else printf("size %s: %lld mode %o\n", p, (long long)st.st_size, st.st_mode);
        } else if (!strcmp(op, "chdir")) {
            if (chdir(p)) fail(op, p); else printf("chdir %s: ok\n", p);
        } else if (!strcmp(op, "getcwd")) {
            char buf[256];
            if (!getcwd(buf, sizeof buf)) fail(op, p); else printf("getcwd: %s\n", buf);
        } else {
            printf("unknown op %s\n", op);
            return 2;
        }
    }
    return 0;
}
