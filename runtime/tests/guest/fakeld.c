/* A stand-in dynamic loader: checks AT_BASE and AT_ENTRY, says so, then
   jumps to the program's entry with the original stack. */
static long sys3(long n, long a, long b, long c)
{
    register long a7 asm("a7") = n;
    register long a0 asm("a0") = a;
    register long a1 asm("a1") = b;
    register long a2 asm("a2") = c;
    asm volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
    return a0;
}
extern char __ehdr_start[] __attribute__((visibility("hidden")));
void __attribute__((noreturn, used)) ldmain(long *sp)
{
    long argc = sp[0];
    long *p = sp + 1 + argc + 1;
    while (*p)
        p++;
    p++;
    unsigned long base = 0, entry = 0;
    for (; p[0]; p += 2) {
        if (p[0] == 7)
            base = p[1];
        if (p[0] == 9)
            entry = p[1];
    }
    if (base != (unsigned long)__ehdr_start || entry == 0) {
        sys3(64, 1, (long)"interp: bad auxv\n", 17);
        sys3(93, 99, 0, 0);
    }
    sys3(64, 1, (long)"interp: ok\n", 11);
    asm volatile("mv sp, %0\n jr %1" : : "r"(sp), "r"(entry));
    __builtin_unreachable();
}
asm(".globl _start\n_start:\n mv a0, sp\n call ldmain\n");
