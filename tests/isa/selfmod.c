/* Self-modifying code: code written into an anonymous RWX mapping, executed, rewritten and
 * executed again after fence.i must run the new instructions. Covers rewriting a function many
 * times, code that patches an instruction later in its own block, compressed code, an
 * instruction straddling a page boundary rewritten through its second half, and a fresh
 * mapping at a reused address. Uses only write, exit_group, mmap and munmap. */
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;

extern u64 res[16];
void report(const char *name, long nin, long nout);
void say(const char *s);
long sys_call3(long n, long a, long b, long c);
__attribute__((noreturn)) void sys_exit(long code);

static long sys_mmap(u64 addr, u64 len, long prot, long flags)
{
    register long a0 __asm__("a0") = (long)addr;
    register long a1 __asm__("a1") = (long)len;
    register long a2 __asm__("a2") = prot;
    register long a3 __asm__("a3") = flags;
    register long a4 __asm__("a4") = -1;
    register long a5 __asm__("a5") = 0;
    register long a7 __asm__("a7") = 222;
    __asm__ volatile("ecall"
                     : "+r"(a0)
                     : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                     : "memory");
    return a0;
}

#define PROT_RWX 7
#define MAP_PRIVATE_ANON 0x22
#define MAP_FIXED 0x10

static inline void fence_i(void)
{
    __asm__ volatile("fence.i" ::: "memory");
}

/* addi a0, zero, imm (imm in -2048..2047) */
static u32 li_a0(int imm)
{
    return ((u32)(imm & 0xfff) << 20) | (10u << 7) | 0x13;
}
/* addi a0, a0, imm */
static u32 addi_a0(int imm)
{
    return ((u32)(imm & 0xfff) << 20) | (10u << 15) | (10u << 7) | 0x13;
}
#define RET 0x00008067u

typedef long (*fn0)(void);
typedef long (*fn2)(u64, u64);

static void put32(volatile u16 *p, u32 insn)
{
    /* halfword stores so it also works at 2-byte aligned addresses */
    p[0] = (u16)insn;
    p[1] = (u16)(insn >> 16);
}

long test_main(u64 *initial_sp)
{
    (void)initial_sp;
    say("# selfmod");
    long m = sys_mmap(0, 3 * 4096, PROT_RWX, MAP_PRIVATE_ANON);
    res[0] = m < 0 && m > -4096;
    report("mmap rwx failed?", 0, 1);
    if (m < 0 && m > -4096)
        sys_exit(1);
    u64 base = (u64)m;
    volatile u32 *code = (volatile u32 *)base;

    /* 1. write a function, run it, rewrite it 40 times */
    for (int i = 0; i < 40; i++) {
        code[0] = li_a0(i * 37 - 700);
        code[1] = addi_a0(i);
        code[2] = RET;
        fence_i();
        res[0] = (u64)((fn0)base)();
        report("rewrite li/addi/ret", 0, 1);
    }

    /* 2. code that patches a later instruction of its own block, then executes it:
     *      sw a1, 0(a0)      ; a0 = address of the patched slot, a1 = new instruction
     *      fence.i
     *      addi a0, zero, 1  ; <- patched slot (offset 8)
     *      ret
     */
    volatile u32 *p2 = (volatile u32 *)(base + 256);
    p2[0] = 0x00b52023; /* sw a1, 0(a0) */
    p2[1] = 0x0000100f; /* fence.i */
    p2[2] = li_a0(1);
    p2[3] = RET;
    fence_i();
    for (int i = 0; i < 10; i++) {
        res[0] = (u64)((fn2)(base + 256))(base + 264, li_a0(100 + i));
        report("patch own next instruction", 0, 1);
    }
    /* and the slot keeps the last patch when run without patching it again (store same word) */
    res[0] = (u64)((fn2)(base + 256))(base + 264, p2[2]);
    report("patched slot persists", 0, 1);

    /* 3. compressed code: c.li a0, imm; c.addi a0, 1; c.jr ra */
    volatile u16 *h = (volatile u16 *)(base + 512);
    for (int i = 0; i < 8; i++) {
        int imm = i * 9 - 32;
        h[0] = (u16)(0x4501 | ((imm & 0x1f) << 2) | ((imm & 0x20) << 7)); /* c.li a0, imm */
        h[1] = 0x0505;                                                     /* c.addi a0, 1 */
        h[2] = 0x8082;                                                     /* c.jr ra */
        fence_i();
        res[0] = (u64)((fn0)(base + 512))();
        report("compressed rewrite c.li/c.addi/c.jr", 0, 1);
    }

    /* 4. a 4-byte instruction straddling the page boundary at base + 4096; rewrite only the
     *    half that lies in the second page */
    u64 s = base + 4096 - 2;
    volatile u16 *sp16 = (volatile u16 *)(base + 4096 - 4);
    sp16[0] = 0x0001; /* c.nop at 4092 */
    put32((volatile u16 *)s, li_a0(0x123));
    ((volatile u32 *)(base + 4096 + 2))[0] = RET;
    fence_i();
    res[0] = (u64)((fn0)(base + 4096 - 4))();
    report("straddling instruction", 0, 1);
    ((volatile u16 *)(base + 4096))[0] = (u16)(li_a0(0x456) >> 16);
    fence_i();
    res[0] = (u64)((fn0)(base + 4096 - 4))();
    report("straddling instruction, second half rewritten", 0, 1);

    /* 5. run code on the third page, remap the page fresh (MAP_FIXED), write new code */
    volatile u32 *c3 = (volatile u32 *)(base + 8192);
    c3[0] = li_a0(-5);
    c3[1] = RET;
    fence_i();
    res[0] = (u64)((fn0)(base + 8192))();
    long m2 = sys_mmap(base + 8192, 4096, PROT_RWX, MAP_PRIVATE_ANON | MAP_FIXED);
    res[1] = (u64)(m2 == (long)(base + 8192));
    res[2] = c3[0]; /* fresh mapping reads as zero */
    c3[0] = li_a0(-6);
    c3[1] = RET;
    fence_i();
    res[3] = (u64)((fn0)(base + 8192))();
    report("remap page (old result, same addr, fresh word, new result)", 0, 4);

    /* 6. a loop whose body is rewritten between runs (hot code invalidation) */
    volatile u32 *l = (volatile u32 *)(base + 1024);
    for (int round = 0; round < 4; round++) {
        /* a0 = 0; t0 = 50; loop: a0 += K; t0 -= 1; bnez t0, loop; ret */
        l[0] = li_a0(0);
        l[1] = 0x03200293;                       /* addi t0, zero, 50 */
        l[2] = addi_a0(round + 1);               /* loop: addi a0, a0, K */
        l[3] = 0xfff28293;                       /* addi t0, t0, -1 */
        l[4] = 0xfe029ce3;                       /* bnez t0, loop (-8) */
        l[5] = RET;
        fence_i();
        long r = 0;
        for (int k = 0; k < 3; k++)
            r += ((fn0)(base + 1024))();
        res[0] = (u64)r;
        report("rewritten hot loop (3 runs)", 0, 1);
    }
    return 0;
}
