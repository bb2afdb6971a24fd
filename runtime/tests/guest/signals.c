/* Signal delivery: handlers run and return, SA_SIGINFO fault details
 * (SIGSEGV maperr/accerr, SIGILL, SIGTRAP, SIGBUS), siglongjmp out of a
 * handler, sigaltstack, masks and pending sets, SA_RESETHAND, SA_NODEFER,
 * a handler editing the saved context, queued real-time signals,
 * sigtimedwait, interval timers with sigsuspend, and FP state across a
 * handler. Output is compared with qemu-riscv64. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

void t_illegal(void);
void t_ebreak(void);
void t_amo(void *p);
int t_load(const int *p);
__asm__(".text\n.option push\n.option norvc\n"
        ".globl t_illegal\nt_illegal:\n.4byte 0\nret\n"
        ".globl t_ebreak\nt_ebreak:\nebreak\nret\n"
        ".globl t_amo\nt_amo:\namoadd.w zero, zero, (a0)\nret\n"
        ".globl t_load\nt_load:\nlw a0, 0(a0)\nret\n"
        ".option pop\n");

static sigjmp_buf jump;
static volatile sig_atomic_t g_sig, g_code, hits;
static void *volatile g_addr;
static char order[32];
static volatile sig_atomic_t olen;

static void note(char c) {
    if (olen < (sig_atomic_t)sizeof order - 1)
        order[olen++] = c;
    order[olen] = 0;
}

static void on_jump(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    g_sig = sig;
    g_code = si->si_code;
    g_addr = si->si_addr;
    siglongjmp(jump, 1);
}

static void on_count(int sig) {
    (void)sig;
    hits++;
}

static void act(int sig, void (*fn)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

static volatile int *opaque(uintptr_t a) {
    volatile uintptr_t v = a;
    return (volatile int *)v;
}

static void faults(void) {
    act(SIGSEGV, on_jump, 0);
    if (sigsetjmp(jump, 1) == 0)
        (void)*opaque(0x10);
    printf("segv maperr: sig=%d code=%d addr=%p\n", (int)g_sig, (int)g_code, g_addr);
    char *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (sigsetjmp(jump, 1) == 0)
        *(volatile char *)(p + 100) = 1;
    printf("segv accerr: sig=%d code=%d off=%ld\n", (int)g_sig, (int)g_code,
           (long)((char *)g_addr - p));
    munmap(p, 4096);
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    printf("segv blocked after siglongjmp: %d\n", sigismember(&cur, SIGSEGV));

    act(SIGILL, on_jump, 0);
    if (sigsetjmp(jump, 1) == 0)
        t_illegal();
    printf("sigill: sig=%d code=%d at-insn=%d\n", (int)g_sig, (int)g_code,
           g_addr == (void *)t_illegal);

    act(SIGTRAP, on_jump, 0);
    if (sigsetjmp(jump, 1) == 0)
        t_ebreak();
    printf("sigtrap: sig=%d\n", (int)g_sig);

    static int words[4];
    act(SIGBUS, on_jump, 0);
    g_sig = 0;
    if (sigsetjmp(jump, 1) == 0)
        t_amo((char *)words + 2);
    /* (si_addr differs: Linux reports the pc, qemu the data address.) */
    printf("sigbus: sig=%d code=%d\n", (int)g_sig, (int)g_code);
}

static void on_skip(int sig, siginfo_t *si, void *ucv) {
    (void)sig;
    (void)si;
    ucontext_t *uc = ucv;
    uc->uc_mcontext.__gregs[REG_PC] += 4;
    uc->uc_mcontext.__gregs[REG_A0] = 4242;
    hits++;
}

static void context_edit(void) {
    act(SIGSEGV, on_skip, 0);
    hits = 0;
    int v = t_load((const int *)(uintptr_t)0x20);
    printf("edited context: v=%d hits=%d\n", v, (int)hits);
    signal(SIGSEGV, SIG_DFL);
}

static char *alt;
static volatile int on_alt, alt_flag;
static void on_alt_handler(int sig) {
    (void)sig;
    char local;
    on_alt = &local >= alt && &local < alt + 65536;
    stack_t cur;
    sigaltstack(NULL, &cur);
    alt_flag = cur.ss_flags;
}

static void altstack(void) {
    alt = malloc(65536);
    stack_t ss = {.ss_sp = alt, .ss_size = 65536, .ss_flags = 0};
    stack_t old;
    int r = sigaltstack(&ss, &old);
    printf("sigaltstack: r=%d old_flags=%d\n", r, old.ss_flags);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alt_handler;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    printf("onstack handler: on_alt=%d flags=%d\n", on_alt, alt_flag);
    sa.sa_flags = 0;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    printf("plain handler: on_alt=%d flags=%d\n", on_alt, alt_flag);
    ss.ss_size = 100;
    errno = 0;
    r = sigaltstack(&ss, NULL);
    printf("tiny altstack: r=%d errno=%d\n", r, errno);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    signal(SIGUSR1, SIG_DFL);
}

static void masks(void) {
    signal(SIGUSR1, on_count);
    hits = 0;
    kill(getpid(), SIGUSR1);
    printf("kill self: hits=%d\n", (int)hits);
    sigset_t set, old, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    hits = 0;
    raise(SIGUSR1);
    raise(SIGUSR1);
    sigpending(&pend);
    printf("blocked: hits=%d pending=%d\n", (int)hits, sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    sigpending(&pend);
    printf("unblocked: hits=%d pending=%d\n", (int)hits, sigismember(&pend, SIGUSR1));

    struct sigaction sa, cur;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_count;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR1, &sa, NULL);
    hits = 0;
    raise(SIGUSR1);
    sigaction(SIGUSR1, NULL, &cur);
    printf("resethand: hits=%d dfl=%d\n", (int)hits, cur.sa_handler == SIG_DFL);
    errno = 0;
    int r = sigaction(SIGKILL, &sa, NULL);
    printf("sigaction(SIGKILL): r=%d errno=%d\n", r, errno);
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    signal(SIGUSR2, SIG_DFL);
    printf("ignored SIGUSR2 survived\n");
}

static void on_usr2(int sig) {
    (void)sig;
    note('2');
}
static void on_usr1_outer(int sig) {
    (void)sig;
    note('a');
    if (olen < 2) {
        raise(SIGUSR2);
        raise(SIGUSR1);
    }
    note('b');
}
static volatile sig_atomic_t depth;
static void on_nodefer(int sig) {
    (void)sig;
    note('(');
    if (++depth < 3)
        raise(SIGUSR1);
    note(')');
}

static void nesting(void) {
    signal(SIGUSR2, on_usr2);
    signal(SIGUSR1, on_usr1_outer);
    olen = 0;
    raise(SIGUSR1);
    printf("nested order: %s\n", order);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_nodefer;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGUSR1, &sa, NULL);
    olen = 0;
    depth = 0;
    raise(SIGUSR1);
    printf("nodefer order: %s\n", order);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

static int rtv[4];
static volatile sig_atomic_t rtn;
static void on_rt(int sig, siginfo_t *si, void *uc) {
    (void)sig;
    (void)uc;
    if (rtn < 4)
        rtv[rtn] = si->si_value.sival_int * 10 + (si->si_code == SI_QUEUE);
    rtn++;
}

static void realtime(void) {
    int sig = SIGRTMIN + 2;
    act(sig, on_rt, 0);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_BLOCK, &set, &old);
    for (int i = 1; i <= 3; i++)
        sigqueue(getpid(), sig, (union sigval){.sival_int = i});
    rtn = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("rt queue: n=%d %d %d %d\n", (int)rtn, rtv[0], rtv[1], rtv[2]);

    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 99});
    siginfo_t si;
    struct timespec ts = {.tv_sec = 1};
    int r = sigtimedwait(&set, &si, &ts);
    printf("sigtimedwait: r=%d code=%d value=%d pid_ok=%d\n", r, si.si_code,
           si.si_value.sival_int, si.si_pid == getpid());
    ts.tv_sec = 0;
    ts.tv_nsec = 1000 * 1000;
    errno = 0;
    r = sigtimedwait(&set, &si, &ts);
    printf("sigtimedwait empty: r=%d errno=%d\n", r, errno);
    sigprocmask(SIG_SETMASK, &old, NULL);
    signal(sig, SIG_DFL);
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

static void timers(void) {
    signal(SIGALRM, on_alarm);
    struct itimerval it = {.it_value = {.tv_usec = 20000}};
    setitimer(ITIMER_REAL, &it, NULL);
    struct itimerval cur;
    getitimer(ITIMER_REAL, &cur);
    printf("itimer armed: %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 &&
                                     cur.it_value.tv_usec <= 20000);
    /* (Sleeping, not spinning: the test host's clock only moves when read.) */
    struct timespec ms = {.tv_nsec = 1000 * 1000};
    for (int i = 0; !alarms && i < 1000; i++)
        nanosleep(&ms, NULL);
    printf("alarm while sleeping: %d\n", (int)alarms);

    sigset_t set, old, none;
    sigemptyset(&set);
    sigaddset(&set, SIGALRM);
    sigprocmask(SIG_BLOCK, &set, &old);
    alarms = 0;
    setitimer(ITIMER_REAL, &it, NULL);
    sigemptyset(&none);
    int r = sigsuspend(&none);
    int e = errno;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("sigsuspend: r=%d errno=%d alarms=%d still_blocked=%d\n", r, e, (int)alarms,
           sigismember(&now, SIGALRM));
    sigprocmask(SIG_SETMASK, &old, NULL);
    getitimer(ITIMER_REAL, &cur);
    printf("itimer after: %ld %ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
    signal(SIGALRM, SIG_DFL);
}

static volatile double fp_in_handler;
static void on_fp(int sig) {
    (void)sig;
    volatile double x = 3.0;
    fp_in_handler = x * 7.0 + 0.25;
}

static void fp_state(void) {
    signal(SIGUSR1, on_fp);
    register double a __asm__("fs0") = 1.5;
    register double b __asm__("fs1") = -2.25;
    __asm__ volatile("" : "+f"(a), "+f"(b));
    raise(SIGUSR1);
    __asm__ volatile("" : "+f"(a), "+f"(b));
    printf("fp across handler: %g %g %g\n", a, b, fp_in_handler);
    signal(SIGUSR1, SIG_DFL);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    faults();
    context_edit();
    altstack();
    masks();
    nesting();
    realtime();
    timers();
    fp_state();
    printf("done\n");
    signal(SIGTERM, on_count);
    raise(SIGTERM);
    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM);
    printf("not reached\n");
    return 0;
}
