//! The A extension.

use super::asm::*;
use super::{exec, Vm, CODE, DATA};
use crate::cpu::NO_RESERVATION;
use crate::interp::Exit;
use crate::mem::{Access, FaultKind};

/// Runs one AMO on memory holding `mem` with `src` in x6; returns (rd, new memory).
fn amo1(f5: u32, d: bool, mem: u64, src: u64) -> (u64, u64) {
    let load = if d { ld(12, 10, 0) } else { lwu(12, 10, 0) };
    let vm = exec(
        &[sd(11, 10, 0), amo(f5, d, 7, 10, 6), load],
        &[(10, DATA), (11, mem), (6, src)],
    );
    (vm.x(7), vm.x(12))
}

#[test]
fn amo_doubleword() {
    assert_eq!(amo1(SWAP, true, 5, 9), (5, 9));
    assert_eq!(amo1(ADD, true, u64::MAX, 2), (u64::MAX, 1));
    assert_eq!(amo1(XOR, true, 0b1100, 0b1010), (0b1100, 0b0110));
    assert_eq!(amo1(AND, true, 0b1100, 0b1010), (0b1100, 0b1000));
    assert_eq!(amo1(OR, true, 0b1100, 0b1010), (0b1100, 0b1110));
    // Signed vs unsigned min/max.
    assert_eq!(amo1(MIN, true, u64::MAX, 1), (u64::MAX, u64::MAX));
    assert_eq!(amo1(MAX, true, u64::MAX, 1), (u64::MAX, 1));
    assert_eq!(amo1(MINU, true, u64::MAX, 1), (u64::MAX, 1));
    assert_eq!(amo1(MAXU, true, u64::MAX, 1), (u64::MAX, u64::MAX));
}

#[test]
fn amo_word_sign_extends_and_compares_32_bits() {
    assert_eq!(
        amo1(SWAP, false, 0x8000_0000, 1),
        (0xffff_ffff_8000_0000, 1)
    );
    assert_eq!(amo1(ADD, false, 0xffff_ffff, 1), (u64::MAX, 0));
    // The upper half of the source register is ignored.
    assert_eq!(amo1(ADD, false, 1, 0x1_0000_0001), (1, 2));
    assert_eq!(amo1(MIN, false, 0xffff_ffff, 1), (u64::MAX, 0xffff_ffff));
    assert_eq!(amo1(MAX, false, 0xffff_ffff, 1), (u64::MAX, 1));
    assert_eq!(amo1(MINU, false, 0xffff_ffff, 1), (u64::MAX, 1));
    assert_eq!(
        amo1(MAXU, false, 0xffff_ffff, 0x1_0000_0001),
        (u64::MAX, 0xffff_ffff)
    );
    // Upper memory word untouched.
    let vm = exec(
        &[sd(11, 10, 0), amo(SWAP, false, 7, 10, 6), ld(12, 10, 0)],
        &[(10, DATA), (11, u64::MAX), (6, 0)],
    );
    assert_eq!(vm.x(12), 0xffff_ffff_0000_0000);
}

#[test]
fn lr_sc_success_and_failure() {
    let vm = exec(
        &[
            sd(11, 10, 0),
            amo(LR, true, 7, 10, 0),
            addi(7, 7, 1),
            amo(SC, true, 8, 10, 7), // succeeds: x8 = 0
            amo(SC, true, 9, 10, 6), // no reservation: x9 = 1
            ld(12, 10, 0),
            amo(LR, false, 13, 10, 0),
            amo(SC, false, 14, 15, 6), // other address: fails
            amo(SC, false, 16, 10, 6), // reservation was cleared: fails
        ],
        &[(10, DATA), (11, 41), (6, 7), (15, DATA + 8)],
    );
    assert_eq!(vm.x(8), 0);
    assert_eq!(vm.x(9), 1);
    assert_eq!(vm.x(12), 42);
    assert_eq!(vm.x(13), 42);
    assert_eq!(vm.x(14), 1);
    assert_eq!(vm.x(16), 1);
    assert_eq!(vm.cpu.reservation, NO_RESERVATION);
}

#[test]
fn misaligned_atomics_fault() {
    for insn in [
        amo(ADD, true, 7, 10, 6),
        amo(ADD, false, 7, 10, 6),
        amo(LR, false, 7, 10, 0),
        amo(SC, true, 7, 10, 6),
    ] {
        let mut vm = Vm::new(&Code::new().w(&[addi(5, 0, 1), insn, ECALL]));
        vm.cpu.x[10] = DATA + 2;
        vm.cpu.x[7] = 123;
        match vm.run(10) {
            Exit::Fault { pc, fault } => {
                assert_eq!(pc, CODE + 4);
                assert_eq!(fault.kind, FaultKind::Misaligned);
                assert_eq!(fault.addr, vm.cpu.x[10]);
            }
            e => panic!("{e:?}"),
        }
        assert_eq!(vm.x(7), 123);
        assert_eq!(vm.cpu.instret, 1);
    }
}

#[test]
fn amo_on_read_only_memory_faults_as_write() {
    let mut vm = Vm::new(&Code::new().w(&[amo(ADD, false, 7, 10, 6), ECALL]));
    vm.cpu.x[10] = CODE;
    match vm.run(10) {
        Exit::Fault { fault, .. } => {
            assert_eq!(fault.access, Access::Write);
            assert_eq!(fault.kind, FaultKind::Protection);
        }
        e => panic!("{e:?}"),
    }
    assert_eq!(vm.x(7), 0);
}
