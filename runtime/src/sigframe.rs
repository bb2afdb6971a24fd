//! The riscv64 signal frame (`struct rt_sigframe` of
//! arch/riscv/kernel/signal.c) and the alternate signal stack: building the
//! frame when a handler is entered and reading it back in `rt_sigreturn`.
//!
//! Layout (Linux 6.x uapi headers; checked against glibc's `ucontext_t` with
//! `offsetof` in a riscv64 program, see the tests):
//!
//! | offset | field |
//! |---|---|
//! | 0 | `siginfo_t info` (128 bytes) |
//! | 128 | `ucontext`: `uc_flags`, `uc_link`, `uc_stack` (24 bytes) |
//! | 168 | `uc_sigmask` (8 bytes, padded to the 128-byte glibc `sigset_t`) |
//! | 304 | `uc_mcontext.sc_regs`: pc, x1..x31 |
//! | 560 | `__riscv_d_ext_state`: f0..f31, then `fcsr` (u32) at 816 |
//! | 1076 | `sc_extdesc.reserved` (must stay 0) |
//! | 1080 | end-of-extensions header (`END_MAGIC` 0, size 0) |
//!
//! The handler returns through `ra`. Linux points it at the vDSO's
//! `__vdso_rt_sigreturn`; glibc on riscv64 sets no `sa_restorer` and relies on
//! it. We have no vDSO, so a one-page trampoline (`li a7, 139; ecall`) is
//! mapped read+execute at [`TRAMPOLINE`] the first time a frame is built in an
//! address space (lazily, so exec and fork need not know about it; rejected:
//! mapping it at load time, which every new address space would have to repeat).

use crate::signal::{SigInfo, SA_ONSTACK, UNBLOCKABLE};
use crate::task::SigAction;
use crate::Errno;
use nanovm::cpu::{Cpu, NO_RESERVATION};
use nanovm::mem::{AddressSpace, Perms};

/// Offset of `info`.
pub const INFO: u64 = 0;
/// Offset of `uc` (the `ucontext`).
pub const UC: u64 = 128;
/// Offset of `uc.uc_stack`.
pub const UC_STACK: u64 = UC + 16;
/// Offset of `uc.uc_sigmask`.
pub const UC_SIGMASK: u64 = UC + 40;
/// Offset of `uc.uc_mcontext.sc_regs` (pc, then x1..x31).
pub const GREGS: u64 = UC + 176;
/// Offset of the FP registers f0..f31.
pub const FPREGS: u64 = GREGS + 256;
/// Offset of `fcsr`.
pub const FCSR: u64 = FPREGS + 256;
/// Offset of `sc_extdesc.reserved`.
pub const EXT_RESERVED: u64 = FPREGS + 516;
/// Offset of the end-of-extensions `__riscv_ctx_hdr` (magic, size).
pub const EXT_HDR: u64 = FPREGS + 520;
/// Size of the frame (`sizeof(struct rt_sigframe)`).
pub const FRAME_SIZE: u64 = UC + 960;

/// Where the sigreturn trampoline page is mapped: the top of the mmap area,
/// which the allocator never hands out (it allocates below it).
pub const TRAMPOLINE: u64 = crate::layout::MMAP_TOP;
/// `li a7, 139` (`addi a7, zero, 139`); `ecall`.
const TRAMPOLINE_CODE: [u32; 2] = [0x08b0_0893, 0x0000_0073];

/// `SS_ONSTACK`.
pub const SS_ONSTACK: u32 = 1;
/// `SS_DISABLE`.
pub const SS_DISABLE: u32 = 2;
/// `SS_AUTODISARM`.
pub const SS_AUTODISARM: u32 = 1 << 31;
/// `MINSIGSTKSZ` (asm-generic).
pub const MINSIGSTKSZ: u64 = 2048;

/// The alternate stack as stored per thread: base, flags, size.
pub type AltStack = (u64, u32, u64);

/// Whether `sp` is on the alternate stack (Linux `on_sig_stack`).
pub fn on_alt_stack(alt: AltStack, sp: u64) -> bool {
    alt.1 & SS_AUTODISARM == 0 && sp > alt.0 && sp - alt.0 <= alt.2
}

/// The flags `sigaltstack` reports for `sp` (Linux `sas_ss_flags`).
pub fn alt_flags(alt: AltStack, sp: u64) -> u32 {
    if alt.2 == 0 {
        SS_DISABLE
    } else if on_alt_stack(alt, sp) {
        SS_ONSTACK
    } else {
        0
    }
}

/// Changes the alternate stack to `new` while the thread's sp is `sp`
/// (Linux `do_sigaltstack` without the reporting half).
pub fn set_alt_stack(alt: &mut AltStack, sp: u64, new: AltStack) -> Result<(), Errno> {
    if on_alt_stack(*alt, sp) {
        return Err(Errno::EPERM);
    }
    let mode = new.1 & !SS_AUTODISARM;
    if mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0 {
        return Err(Errno::EINVAL);
    }
    if mode == SS_DISABLE {
        *alt = (0, new.1, 0);
    } else {
        if new.2 < MINSIGSTKSZ {
            return Err(Errno::ENOMEM);
        }
        *alt = new;
    }
    Ok(())
}

/// The frame could not be written or read (the guest gets SIGSEGV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadFrame;

fn put(buf: &mut [u8], off: u64, v: u64) {
    buf[off as usize..off as usize + 8].copy_from_slice(&v.to_le_bytes());
}

fn get(buf: &[u8], off: u64) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&buf[off as usize..off as usize + 8]);
    u64::from_le_bytes(w)
}

fn get32(buf: &[u8], off: u64) -> u32 {
    get(buf, off) as u32
}

/// Maps the sigreturn trampoline into `mem` unless it is there already.
pub fn ensure_trampoline(mem: &mut AddressSpace) -> Result<(), BadFrame> {
    if mem.is_mapped(TRAMPOLINE, 8) {
        return Ok(());
    }
    mem.map_fixed(TRAMPOLINE, crate::layout::PAGE, Perms::RX)
        .map_err(|_| BadFrame)?;
    let code: Vec<u8> = TRAMPOLINE_CODE
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .collect();
    mem.write_bytes_unchecked(TRAMPOLINE, &code)
        .map_err(|_| BadFrame)
}

/// Builds the frame for a handler of `info` under `act` and points the
/// registers at the handler (Linux `setup_rt_frame`): `saved_mask` is the
/// mask `rt_sigreturn` restores.
pub fn setup(
    mem: &mut AddressSpace,
    cpu: &mut Cpu,
    alt: &mut AltStack,
    info: &SigInfo,
    act: SigAction,
    saved_mask: u64,
) -> Result<(), BadFrame> {
    let sp = cpu.x[2];
    if on_alt_stack(*alt, sp) && !on_alt_stack(*alt, sp.wrapping_sub(FRAME_SIZE)) {
        return Err(BadFrame); // the alternate stack would overflow
    }
    let top = if act.flags & SA_ONSTACK != 0 && alt_flags(*alt, sp) == 0 {
        alt.0.wrapping_add(alt.2)
    } else {
        sp
    };
    let frame = top.wrapping_sub(FRAME_SIZE) & !0xf;
    let mut buf = [0u8; FRAME_SIZE as usize];
    buf[..128].copy_from_slice(&info.0);
    put(&mut buf, UC_STACK, alt.0);
    put(&mut buf, UC_STACK + 8, alt.1 as u64);
    put(&mut buf, UC_STACK + 16, alt.2);
    put(&mut buf, UC_SIGMASK, saved_mask);
    put(&mut buf, GREGS, cpu.pc);
    for i in 1..32 {
        put(&mut buf, GREGS + 8 * i as u64, cpu.x[i]);
    }
    for i in 0..32 {
        put(&mut buf, FPREGS + 8 * i as u64, cpu.f[i]);
    }
    put(&mut buf, FCSR, cpu.fcsr & 0xff);
    mem.write_bytes(frame, &buf).map_err(|_| BadFrame)?;
    ensure_trampoline(mem)?;
    if alt.1 & SS_AUTODISARM != 0 {
        *alt = (0, SS_DISABLE, 0);
    }
    cpu.x[1] = TRAMPOLINE;
    cpu.x[2] = frame;
    cpu.x[10] = info.signo() as u64;
    cpu.x[11] = frame + INFO;
    cpu.x[12] = frame + UC;
    cpu.pc = act.handler;
    cpu.reservation = NO_RESERVATION;
    Ok(())
}

/// Reads the frame at `sp` back (Linux `rt_sigreturn`): restores every
/// integer and FP register, `fcsr` and the pc (edits the handler made are
/// honoured), and the alternate stack; returns the signal mask to restore
/// (without SIGKILL/SIGSTOP). Nothing changes when the frame is bad.
pub fn restore(mem: &mut AddressSpace, cpu: &mut Cpu, alt: &mut AltStack) -> Result<u64, BadFrame> {
    let frame = cpu.x[2];
    let mut buf = [0u8; FRAME_SIZE as usize];
    mem.read_bytes(frame, &mut buf).map_err(|_| BadFrame)?;
    if get32(&buf, EXT_RESERVED) != 0 || get(&buf, EXT_HDR) != 0 {
        return Err(BadFrame); // unknown extension context (e.g. vector state)
    }
    cpu.pc = get(&buf, GREGS);
    for i in 1..32 {
        cpu.x[i] = get(&buf, GREGS + 8 * i as u64);
    }
    for i in 0..32 {
        cpu.f[i] = get(&buf, FPREGS + 8 * i as u64);
    }
    cpu.fcsr = (get32(&buf, FCSR) & 0xff) as u64;
    cpu.reservation = NO_RESERVATION;
    let stack = (
        get(&buf, UC_STACK),
        get32(&buf, UC_STACK + 8),
        get(&buf, UC_STACK + 16),
    );
    // Linux ignores a failure here (restore_altstack).
    let _ = set_alt_stack(alt, cpu.x[2], stack);
    Ok(get(&buf, UC_SIGMASK) & !UNBLOCKABLE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signal::{SA_SIGINFO, SEGV_MAPERR, SIGSEGV};

    const STACK: u64 = 0x10_0000;

    fn space() -> AddressSpace {
        let mut m = AddressSpace::new();
        m.map_fixed(STACK, 0x10_0000, Perms::RW).unwrap();
        m
    }

    /// Offsets derived from the kernel's uapi headers; the glibc
    /// `ucontext_t` offsets (`offsetof` under riscv64-linux-gnu-gcc) are
    /// uc_stack 16, uc_sigmask 40, uc_mcontext 176, __fpregs 432, __fcsr 688,
    /// size 960; siginfo is 128 bytes.
    #[test]
    fn layout_matches_linux() {
        assert_eq!(UC, 128);
        assert_eq!(UC_STACK - UC, 16);
        assert_eq!(UC_SIGMASK - UC, 40);
        assert_eq!(GREGS - UC, 176);
        assert_eq!(FPREGS - UC, 432);
        assert_eq!(FCSR - UC, 688);
        // __riscv_extra_ext_header: __u32 __padding[129] (aligned 16), reserved, hdr.
        assert_eq!(EXT_RESERVED - FPREGS, 129 * 4);
        assert_eq!(EXT_HDR + 8, FRAME_SIZE);
        assert_eq!(FRAME_SIZE, 1088);
    }

    fn full_cpu() -> Cpu {
        let mut c = Cpu::new(0x1234);
        for i in 1..32 {
            c.x[i] = 0x1111_0000_0000_0000 * (i as u64 % 15) + i as u64;
            c.f[i] = !(i as u64) << 7;
        }
        c.f[0] = 0xffff_ffff_3f80_0000;
        c.x[2] = STACK + 0x8000 + 8; // deliberately misaligned by 8
        c.fcsr = 0x7f;
        c
    }

    #[test]
    fn frame_roundtrips_every_register() {
        let mut m = space();
        let mut cpu = full_cpu();
        let before = cpu.clone();
        let mut alt = (0, SS_DISABLE, 0);
        let act = SigAction {
            handler: 0x5000,
            flags: SA_SIGINFO,
            mask: 0,
        };
        let info = SigInfo::fault(SIGSEGV, SEGV_MAPERR, 0x10);
        setup(&mut m, &mut cpu, &mut alt, &info, act, 0xabc).unwrap();
        let frame = cpu.x[2];
        assert_eq!(frame % 16, 0);
        assert!(frame + FRAME_SIZE <= before.x[2]);
        assert_eq!(cpu.pc, 0x5000);
        assert_eq!(cpu.x[1], TRAMPOLINE);
        assert_eq!(cpu.x[10], SIGSEGV as u64);
        assert_eq!((cpu.x[11], cpu.x[12]), (frame, frame + UC));
        assert_eq!(m.load_u64(frame + 16).unwrap(), 0x10); // si_addr
        assert_eq!(m.load_u64(frame + GREGS).unwrap(), 0x1234);
        assert_eq!(m.load_u64(frame + GREGS + 8 * 2).unwrap(), before.x[2]);
        assert_eq!(m.load_u32(frame + FCSR).unwrap(), 0x7f);
        assert_eq!(m.load_u32(TRAMPOLINE).unwrap(), 0x08b0_0893);
        // The handler clobbers everything; sigreturn brings it all back.
        for i in 1..32 {
            cpu.x[i] = 0xdead;
            cpu.f[i] = 0xbeef;
        }
        cpu.x[2] = frame;
        cpu.fcsr = 0;
        let mask = restore(&mut m, &mut cpu, &mut alt).unwrap();
        assert_eq!(mask, 0xabc);
        assert_eq!(cpu, before);
    }

    #[test]
    fn edited_context_is_honoured_and_bad_frames_rejected() {
        let mut m = space();
        let mut cpu = full_cpu();
        let mut alt = (0, SS_DISABLE, 0);
        let act = SigAction {
            handler: 0x5000,
            flags: 0,
            mask: 0,
        };
        let info = SigInfo::kernel(10);
        setup(&mut m, &mut cpu, &mut alt, &info, act, 1 << 8 | 1 << 9).unwrap();
        let frame = cpu.x[2];
        m.store_u64(frame + GREGS, 0x1238).unwrap();
        m.store_u64(frame + GREGS + 8 * 10, 4242).unwrap();
        let mask = restore(&mut m, &mut cpu, &mut alt).unwrap();
        assert_eq!(mask, 1 << 9, "SIGKILL cannot be restored into the mask");
        assert_eq!((cpu.pc, cpu.x[10]), (0x1238, 4242));
        // A frame with an unknown extension header is refused untouched.
        let mut cpu2 = full_cpu();
        setup(&mut m, &mut cpu2, &mut alt, &info, act, 0).unwrap();
        let frame = cpu2.x[2];
        m.store_u32(frame + EXT_HDR, 0x5346_5457).unwrap();
        let snapshot = cpu2.clone();
        assert_eq!(restore(&mut m, &mut cpu2, &mut alt), Err(BadFrame));
        assert_eq!(cpu2, snapshot);
        // An unmapped stack cannot take a frame.
        cpu2.x[2] = 0x100;
        assert_eq!(
            setup(&mut m, &mut cpu2, &mut alt, &info, act, 0),
            Err(BadFrame)
        );
    }

    #[test]
    fn onstack_uses_the_alternate_stack_once() {
        let mut m = space();
        let mut cpu = full_cpu();
        let base = STACK + 0x4_0000;
        let mut alt = (base, 0, 0x4000);
        let act = SigAction {
            handler: 0x5000,
            flags: SA_ONSTACK,
            mask: 0,
        };
        let info = SigInfo::kernel(10);
        setup(&mut m, &mut cpu, &mut alt, &info, act, 0).unwrap();
        let f1 = cpu.x[2];
        assert!(f1 > base && f1 < base + 0x4000);
        assert_eq!(alt_flags(alt, f1), SS_ONSTACK);
        assert_eq!(
            set_alt_stack(&mut alt, f1, (0, SS_DISABLE, 0)),
            Err(Errno::EPERM)
        );
        // Nested: continues below the current frame on the same stack.
        setup(&mut m, &mut cpu, &mut alt, &info, act, 0).unwrap();
        assert!(cpu.x[2] < f1 && cpu.x[2] > base);
        // Too small to nest again: refused rather than overflowing.
        cpu.x[2] = base + 0x100;
        assert_eq!(
            setup(&mut m, &mut cpu, &mut alt, &info, act, 0),
            Err(BadFrame)
        );
        assert_eq!(
            set_alt_stack(&mut (0, SS_DISABLE, 0), 0, (base, 0, 100)),
            Err(Errno::ENOMEM)
        );
    }
}
