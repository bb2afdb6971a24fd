/* A static PIE (ET_DYN, no interpreter) without libc: this toolchain's
 * glibc has no static-pie start file (rcrt1.o), so it talks to the kernel
 * with raw ecalls. Checks argc/argv and the auxiliary vector from the
 * initial stack: AT_ENTRY must be _start, AT_PHDR must point at our
 * program headers (right after the ELF header, which the first PT_LOAD
 * maps), AT_PHNUM must match the header, AT_PAGESZ 4096, AT_RANDOM set. */

static unsigned long start_addr(void) {
    unsigned long a;
    /* PC-relative: there is no dynamic linker to fill a GOT entry. */
    __asm__("lla %0, _start" : "=r"(a));
    return a;
}

static long sys3(long n, long a, long b, long c) {
    register long a7 __asm__("a7") = n;
    register long a0 __asm__("a0") = a;
    register long a1 __asm__("a1") = b;
    register long a2 __asm__("a2") = c;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
    return a0;
}

static void put(const char *s) {
    long n = 0;
    while (s[n]) n++;
    sys3(64, 1, (long)s, n);
}

void cmain(long *sp) {
    long argc = sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    while (*envp) envp++;
    unsigned long *aux = (unsigned long *)(envp + 1);
    unsigned long entry = 0, phdr = 0, phnum = 0, pagesz = 0, random = 0;
    for (; aux[0]; aux += 2) {
        if (aux[0] == 9) entry = aux[1];
        if (aux[0] == 3) phdr = aux[1];
        if (aux[0] == 5) phnum = aux[1];
        if (aux[0] == 6) pagesz = aux[1];
        if (aux[0] == 25) random = aux[1];
    }
    put("hello from a static PIE\n");
    for (long i = 1; i < argc; i++) {
        put(argv[i]);
        put("\n");
    }
    put(entry == start_addr() ? "AT_ENTRY ok\n" : "AT_ENTRY bad\n");
    const unsigned char *ehdr = (const unsigned char *)(phdr - 64);
    int magic = phdr && ehdr[0] == 0x7f && ehdr[1] == 'E' && ehdr[2] == 'L' && ehdr[3] == 'F';
    put(magic ? "AT_PHDR ok\n" : "AT_PHDR bad\n");
    put(magic && *(const unsigned short *)(ehdr + 56) == phnum ? "AT_PHNUM ok\n" : "AT_PHNUM bad\n");
    put(pagesz == 4096 ? "AT_PAGESZ ok\n" : "AT_PAGESZ bad\n");
    put(random ? "AT_RANDOM ok\n" : "AT_RANDOM bad\n");
    sys3(94, argc - 1, 0, 0);
}

__asm__(".globl _start\n_start:\n  mv a0, sp\n  call cmain\n");
