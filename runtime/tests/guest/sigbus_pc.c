/* A misaligned AMO raises SIGBUS/BUS_ADRALN with si_addr = the AMO's pc on
 * Linux (arch/riscv/kernel/traps.c); qemu-user reports the data address, so
 * this one is checked against Linux's answer, not qemu's. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

void t_amo(void *p);
__asm__(".text\n.option push\n.option norvc\n"
        ".globl t_amo\nt_amo:\namoadd.w zero, zero, (a0)\nret\n"
        ".option pop\n");

static sigjmp_buf jump;
static void *volatile addr;
static volatile int code;

static void on_bus(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    addr = si->si_addr;
    code = si->si_code;
    siglongjmp(jump, 1);
}

int main(void) {
    static int words[4];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_bus;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &sa, NULL);
    if (sigsetjmp(jump, 1) == 0)
        t_amo((char *)words + 2);
    printf("code=%d si_addr=%s\n", code,
           addr == (void *)t_amo                ? "pc"
           : addr == (void *)((char *)words + 2) ? "data"
                                                 : "other");
    return 0;
}
