//! ecall/ebreak, fences, self-modifying code, and the Zicsr CSRs.

use super::asm::*;
use super::{exec, Vm, CODE};
use crate::interp::Exit;
use crate::mem::Perms;

const FFLAGS: u32 = 1;
const FRM: u32 = 2;
const FCSR: u32 = 3;
const CYCLE: u32 = 0xc00;
const TIME: u32 = 0xc01;
const INSTRET: u32 = 0xc02;

#[test]
fn ecall_and_ebreak_exits() {
    let mut vm = Vm::new(&Code::new().w(&[addi(17, 0, 93), ECALL, EBREAK]));
    assert_eq!(vm.run(100), Exit::Ecall);
    assert_eq!(vm.cpu.pc, CODE + 8);
    assert_eq!(vm.cpu.instret, 2);
    assert_eq!(vm.run(100), Exit::Ebreak);
    assert_eq!(vm.cpu.pc, CODE + 8);
    assert_eq!(vm.cpu.instret, 2);
}

#[test]
fn fence_is_a_no_op() {
    let vm = exec(&[addi(5, 0, 1), FENCE, addi(5, 5, 1)], &[]);
    assert_eq!(vm.x(5), 2);
}

/// Code that patches its own instruction at `CODE + 16`: `addi x5, x0, 1`
/// becomes `addi x5, x0, 2`, then jumps back to run it again.
fn patching_program(with_fence: bool) -> Code {
    let fence = if with_fence { FENCE_I } else { NOP };
    Code::new().w(&[
        // 0: jal x0, 16 (run the target once first, so its block is cached)
        jal(0, 16),
        // 4: sw x6, 16(x10) -- patch
        sw(6, 10, 16),
        // 8: fence.i (or nop)
        fence,
        // 12: jal x0, 4 -> 16
        jal(0, 4),
        // 16: addi x5, x0, 1 (patched to addi x5, x0, 2)
        addi(5, 0, 1),
        // 20: add x7, x7, x5
        add(7, 7, 5),
        // 24: bne x8, x0, -> ecall at 36 (second pass)
        bne(8, 0, 12),
        // 28: addi x8, x0, 1
        addi(8, 0, 1),
        // 32: jal x0, -28 -> 4
        jal(0, -28),
        // 36: ecall
        ECALL,
    ])
}

fn run_patching(with_fence: bool) -> Vm {
    let mut vm = Vm::with_perms(&patching_program(with_fence), Perms::RWX);
    vm.cpu.x[10] = CODE;
    vm.cpu.x[6] = addi(5, 0, 2) as u64;
    vm.run_ecall();
    vm
}

#[test]
fn self_modifying_code_after_fence_i_runs_new_code() {
    let vm = run_patching(true);
    assert_eq!(vm.x(7), 1 + 2);
    assert!(vm.interp.stats().flushes >= 1);
}

#[test]
fn code_writes_invalidate_blocks_even_without_fence_i() {
    // The store is in a different block from the patched code, so the
    // per-block code-write check drops the stale block.
    let vm = run_patching(false);
    assert_eq!(vm.x(7), 1 + 2);
    assert!(vm.interp.stats().invalidations >= 1);
}

#[test]
fn explicit_flush_and_invalidate() {
    let mut vm = Vm::new(&Code::new().w(&[addi(5, 5, 1), ECALL]));
    vm.run_ecall();
    assert_eq!(vm.interp.stats().live_blocks, 1);
    vm.interp.invalidate_page(CODE);
    assert_eq!(vm.interp.stats().live_blocks, 0);
    vm.mem
        .write_bytes_unchecked(CODE, &addi(5, 5, 10).to_le_bytes())
        .unwrap();
    vm.cpu.pc = CODE;
    vm.run_ecall();
    assert_eq!(vm.x(5), 11);
    vm.interp.flush();
    assert_eq!(vm.interp.stats().live_blocks, 0);
    assert!(vm.interp.hot_blocks(10).is_empty());
}

#[test]
fn fcsr_fields() {
    let vm = exec(
        &[
            csr(5, 0, FRM, 3),       // csrrwi frm, 3
            csr(6, 0, FFLAGS, 0x15), // csrrsi fflags, 0b10101
            csr(2, 5, FCSR, 0),      // csrr x5, fcsr
            csr(2, 6, FRM, 0),       // csrr x6, frm
            csr(7, 7, FFLAGS, 1),    // csrrci x7, fflags, 1 -> old 0x15
            csr(2, 8, FFLAGS, 0),
            csr(1, 9, FCSR, 11), // csrrw x9, fcsr, x11 (0x1ff -> 0xff)
            csr(2, 12, FCSR, 0),
            csr(1, 0, FFLAGS, 0), // csrrw x0, fflags, x0: clears flags
            csr(2, 13, FCSR, 0),
        ],
        &[(11, 0x1ff)],
    );
    assert_eq!(vm.x(5), 3 << 5 | 0x15);
    assert_eq!(vm.x(6), 3);
    assert_eq!(vm.x(7), 0x15);
    assert_eq!(vm.x(8), 0x14);
    assert_eq!(vm.x(9), 3 << 5 | 0x14);
    assert_eq!(vm.x(12), 0xff);
    assert_eq!(vm.x(13), 0xe0);
    assert_eq!(vm.cpu.fcsr, 0xe0);
}

#[test]
fn counters_read_exact_instret() {
    let vm = exec(
        &[
            NOP,
            NOP,
            csr(2, 5, INSTRET, 0),
            csr(2, 6, CYCLE, 0),
            csr(6, 7, TIME, 0),
        ],
        &[],
    );
    assert_eq!(vm.x(5), 2);
    assert_eq!(vm.x(6), 3);
    // Default clock is instret.
    assert_eq!(vm.x(7), 4);
}

#[test]
fn time_reads_the_clock() {
    let mut vm = Vm::new(&Code::new().w(&[csr(2, 5, TIME, 0), csr(2, 6, TIME, 0), ECALL]));
    let mut t = 1000;
    vm.interp.set_clock(Box::new(move || {
        t += 5;
        t
    }));
    vm.run_ecall();
    assert_eq!((vm.x(5), vm.x(6)), (1005, 1010));
}

#[test]
fn illegal_csr_accesses() {
    for insn in [
        csr(1, 5, CYCLE, 0),   // csrrw to a read-only counter, even from x0
        csr(2, 5, INSTRET, 6), // csrrs with rs1 != x0 writes
        csr(6, 5, TIME, 1),    // csrrsi with uimm != 0
        csr(2, 5, 0x300, 0),   // mstatus: not a user CSR
        csr(2, 5, 0x004, 0),   // unknown
    ] {
        let mut vm = Vm::new(&Code::new().w(&[addi(6, 0, 1), insn, ECALL]));
        vm.cpu.x[5] = 77;
        assert_eq!(
            vm.run(10),
            Exit::Illegal {
                pc: CODE + 4,
                bits: insn
            },
            "{insn:#x}"
        );
        assert_eq!(vm.x(5), 77);
        assert_eq!(vm.cpu.instret, 1);
        assert_eq!(vm.cpu.pc, CODE + 4);
    }
}
