/* Control-flow shapes that stress an interpreter's block cache rather than single instructions:
 * deep recursion (call/return), a switch compiled to a jump table (indirect jumps to many
 * targets), calls through function pointers, a computed-goto bytecode loop, branches into the
 * middle of an already-executed block, a very long straight-line block, and a sort whose data-
 * dependent branches go both ways. Every result is a deterministic checksum. */
typedef unsigned long u64;

extern u64 res[16];
void report(const char *name, long nin, long nout);
void say(const char *s);

static u64 rng = 88172645463325252ul;
static u64 xorshift(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

__attribute__((noinline)) static u64 fib(u64 n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) static u64 ackermann(u64 m, u64 n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

__attribute__((noinline)) static u64 jump_table(u64 x)
{
    switch (x % 13) {
    case 0: return x * 3;
    case 1: return x ^ 0x55;
    case 2: return x + 1234;
    case 3: return x >> 2;
    case 4: return x << 3;
    case 5: return ~x;
    case 6: return x * x;
    case 7: return x - 99;
    case 8: return x | 0xf0f0;
    case 9: return x & 0x0ff0;
    case 10: return x / 7;
    case 11: return x % 11;
    default: return 42;
    }
}

static u64 f_add(u64 a, u64 b) { return a + b; }
static u64 f_sub(u64 a, u64 b) { return a - b; }
static u64 f_mul(u64 a, u64 b) { return a * b; }
static u64 f_xor(u64 a, u64 b) { return a ^ b; }
static u64 (*const ops[4])(u64, u64) = {f_add, f_sub, f_mul, f_xor};

/* bytecode: 0 push-imm, 1 add, 2 mul, 3 dup, 4 dec-jnz (to pc operand), 5 halt */
__attribute__((noinline)) static u64 run_bytecode(const unsigned char *code)
{
    static void *const dispatch[] = {&&push, &&add, &&mul, &&dup, &&decjnz, &&halt};
    u64 stack[16];
    int sp = 0;
    u64 counter = 20;
    const unsigned char *pc = code;
    goto *dispatch[*pc];
push:
    stack[sp++] = pc[1];
    pc += 2;
    goto *dispatch[*pc];
add:
    sp--;
    stack[sp - 1] += stack[sp];
    pc += 1;
    goto *dispatch[*pc];
mul:
    sp--;
    stack[sp - 1] *= stack[sp];
    pc += 1;
    goto *dispatch[*pc];
dup:
    stack[sp] = stack[sp - 1];
    sp++;
    pc += 1;
    goto *dispatch[*pc];
decjnz:
    if (--counter)
        pc = code + pc[1];
    else
        pc += 2;
    goto *dispatch[*pc];
halt:
    return stack[sp - 1];
}

static void quicksort(u64 *a, long lo, long hi)
{
    while (lo < hi) {
        u64 p = a[(lo + hi) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p)
                i++;
            while (a[j] > p)
                j--;
            if (i <= j) {
                u64 t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

long test_main(u64 *initial_sp)
{
    (void)initial_sp;
    say("# control");

    res[0] = fib(20);
    report("fib(20) recursive", 0, 1);
    res[0] = ackermann(2, 3);
    res[1] = ackermann(3, 3);
    report("ackermann(2,3), (3,3)", 0, 2);

    u64 h = 0;
    for (u64 i = 0; i < 2000; i++)
        h = h * 31 + jump_table(i * 7919);
    res[0] = h;
    report("switch jump table x2000", 0, 1);

    h = 1;
    for (u64 i = 0; i < 1000; i++)
        h = ops[(h >> 7) & 3](h, i + 3) + 1;
    res[0] = h;
    report("function pointers x1000", 0, 1);

    /* ((1 + 2) * x) loop: push 1; push 2; add; (loop:) dup; add; decjnz loop; halt */
    static const unsigned char code[] = {0, 1, 0, 2, 1, 3, 1, 4, 5, 5};
    res[0] = run_bytecode(code);
    report("computed goto bytecode", 0, 1);

    static u64 arr[300];
    for (int i = 0; i < 300; i++)
        arr[i] = xorshift() % 1000;
    quicksort(arr, 0, 299);
    h = 0;
    int sorted = 1;
    for (int i = 0; i < 300; i++) {
        h = h * 1000003 + arr[i];
        if (i && arr[i - 1] > arr[i])
            sorted = 0;
    }
    res[0] = (u64)sorted;
    res[1] = h;
    res[2] = arr[0];
    res[3] = arr[299];
    report("quicksort 300 (sorted, hash, min, max)", 0, 4);

    /* branch into the middle of a block that was already executed from its start */
    u64 v;
    __asm__ volatile("li %0, 0\n"
                     "li t0, 4\n"
                     "1: addi %0, %0, 1\n"
                     "2: addi %0, %0, 100\n"
                     "slli %0, %0, 1\n"
                     "addi t0, t0, -1\n"
                     "bnez t0, 2b\n"
                     "li t1, 2\n"
                     "3: addi %0, %0, 7\n"
                     "addi t1, t1, -1\n"
                     "beqz t1, 4f\n"
                     "j 3b\n"
                     "4:\n"
                     : "=&r"(v)
                     :
                     : "t0", "t1");
    res[0] = v;
    report("branch into middle of executed block", 0, 1);

    /* a 3000-instruction straight-line block, run several times */
    u64 acc = 0;
    for (int k = 0; k < 5; k++) {
        __asm__ volatile(".rept 1000\n"
                         "addi %0, %0, 3\n"
                         "xori %0, %0, 0x55\n"
                         "slli %0, %0, 1\n"
                         ".endr\n"
                         : "+r"(acc));
        acc ^= (u64)k << 40;
    }
    res[0] = acc;
    report("3000-instruction block x5", 0, 1);

    /* data-dependent branches both ways in a hot loop */
    u64 t = 0, nt = 0;
    for (int i = 0; i < 5000; i++) {
        u64 r = xorshift();
        if (r & 1)
            t += r >> 60;
        else
            nt ^= r;
    }
    res[0] = t;
    res[1] = nt;
    report("random branches x5000", 0, 2);
    return 0;
}
