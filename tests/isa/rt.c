/* Minimal freestanding runtime shared by the ISA conformance programs.
 *
 * Provides _start (sets gp, calls test_main(initial sp: argc, argv...), exits with its return value), a line-buffered
 * writer on fd 1 using only the write syscall, and report(), which prints one case line:
 *   "<name> <in0> <in1> ... -> <out0> <out1> ...\n"  (every value 16 hex digits)
 * The inputs and outputs are read from the global array res[] filled by the caller.
 * Only the write and exit_group syscalls are used. Compiled with -ffreestanding -nostdlib.
 */
typedef unsigned long u64;

u64 res[16];

static char line[1024];
static unsigned len;

long sys_call3(long n, long a, long b, long c)
{
    register long a0 __asm__("a0") = a;
    register long a1 __asm__("a1") = b;
    register long a2 __asm__("a2") = c;
    register long a7 __asm__("a7") = n;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

void flush(void)
{
    unsigned off = 0;
    while (off < len) {
        long n = sys_call3(64 /* write */, 1, (long)(line + off), len - off);
        if (n <= 0)
            break;
        off += n;
    }
    len = 0;
}

void put_char(char c)
{
    if (len == sizeof line)
        flush();
    line[len++] = c;
    if (c == '\n')
        flush();
}

void put_str(const char *s)
{
    while (*s)
        put_char(*s++);
}

void put_hex(u64 v)
{
    for (int i = 60; i >= 0; i -= 4)
        put_char("0123456789abcdef"[(v >> i) & 15]);
}

/* Print a case: name, nin inputs then nout outputs from res[]. */
void report(const char *name, long nin, long nout)
{
    put_str(name);
    for (long i = 0; i < nin; i++) {
        put_char(' ');
        put_hex(res[i]);
    }
    put_str(" ->");
    for (long i = 0; i < nout; i++) {
        put_char(' ');
        put_hex(res[nin + i]);
    }
    put_char('\n');
}

/* Print a plain line. */
void say(const char *s)
{
    put_str(s);
    put_char('\n');
}

__attribute__((noreturn)) void sys_exit(long code)
{
    flush();
    for (;;)
        sys_call3(94 /* exit_group */, code, 0, 0);
}

long test_main(u64 *initial_sp);

__asm__(".section .text._start\n"
        ".globl _start\n"
        "_start:\n"
        ".option push\n"
        ".option norelax\n"
        "  lla gp, __global_pointer$\n"
        ".option pop\n"
        "  mv a0, sp\n"
        "  andi sp, sp, -16\n"
        "  call test_main\n"
        "  call sys_exit\n");
