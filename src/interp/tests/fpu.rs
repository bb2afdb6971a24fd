//! F and D: NaN-boxing, sign injection, moves, rounding-mode checks, flags.
//! (Arithmetic itself is `crate::fpu`'s and tested there; the values here
//! are exact so any correct FPU gives them.)

use super::asm::*;
use super::{Vm, CODE};
use crate::interp::Exit;

const BOX: u64 = 0xffff_ffff_0000_0000;
const QNAN_S: u64 = BOX | 0x7fc0_0000;

fn s(v: f32) -> u64 {
    BOX | v.to_bits() as u64
}
fn d(v: f64) -> u64 {
    v.to_bits()
}

/// Runs `insns` + ecall with FP registers preset; returns the VM.
fn fexec(insns: &[u32], f: &[(usize, u64)], x: &[(usize, u64)]) -> Vm {
    let mut vm = Vm::new(&Code::new().w(insns).w(&[ECALL]));
    for &(r, v) in f {
        vm.cpu.f[r] = v;
    }
    for &(r, v) in x {
        vm.cpu.x[r] = v;
    }
    vm.run_ecall();
    vm
}

#[test]
fn single_arithmetic_boxes_results() {
    let vm = fexec(
        &[
            fp(0x00, 3, 1, 2, 0),
            fp(0x08, 4, 1, 2, 7),
            fp(0x00, 5, 1, 6, 0),
        ],
        &[(1, s(1.5)), (2, s(2.25)), (6, d(1.0))],
        &[],
    );
    assert_eq!(vm.cpu.f[3], s(3.75));
    assert_eq!(vm.cpu.f[4], s(3.375));
    // f6 holds a double, i.e. an improperly boxed single: it reads as NaN.
    assert_eq!(vm.cpu.f[5], QNAN_S);
}

#[test]
fn double_arithmetic_and_fused() {
    let vm = fexec(
        &[
            fp(0x01, 4, 1, 2, 0),
            fp(0x0d, 5, 1, 2, 0),
            fma(0x43, true, 6, 1, 2, 3, 0),
            fma(0x47, true, 7, 1, 2, 3, 0),
            fma(0x4b, true, 8, 1, 2, 3, 0),
            fma(0x4f, true, 9, 1, 2, 3, 0),
            fma(0x4f, false, 10, 11, 12, 13, 0),
        ],
        &[
            (1, d(2.0)),
            (2, d(3.0)),
            (3, d(1.0)),
            (11, s(2.0)),
            (12, s(3.0)),
            (13, s(1.0)),
        ],
        &[],
    );
    assert_eq!(vm.cpu.f[4], d(5.0));
    assert_eq!(vm.cpu.f[5], d(2.0 / 3.0));
    assert_eq!(vm.cpu.f[6], d(7.0));
    assert_eq!(vm.cpu.f[7], d(5.0));
    assert_eq!(vm.cpu.f[8], d(-5.0));
    assert_eq!(vm.cpu.f[9], d(-7.0));
    assert_eq!(vm.cpu.f[10], s(-7.0));
}

#[test]
fn sign_injection() {
    let vm = fexec(
        &[
            fp(0x10, 3, 1, 2, 0), // fsgnj.s
            fp(0x10, 4, 1, 2, 1), // fsgnjn.s
            fp(0x10, 5, 2, 2, 2), // fsgnjx.s (-x * -x sign = +)
            fp(0x10, 6, 7, 2, 0), // fsgnj.s from a badly boxed value: -NaN
            fp(0x11, 8, 9, 10, 0),
            fp(0x11, 11, 9, 10, 1),
            fp(0x11, 12, 10, 10, 2),
        ],
        &[
            (1, s(1.0)),
            (2, s(-2.0)),
            (7, 0x3f80_0000),
            (9, d(1.0)),
            (10, d(-2.0)),
        ],
        &[],
    );
    assert_eq!(vm.cpu.f[3], s(-1.0));
    assert_eq!(vm.cpu.f[4], s(1.0));
    assert_eq!(vm.cpu.f[5], s(2.0));
    assert_eq!(vm.cpu.f[6], BOX | 0xffc0_0000);
    assert_eq!(vm.cpu.f[8], d(-1.0));
    assert_eq!(vm.cpu.f[11], d(1.0));
    assert_eq!(vm.cpu.f[12], d(2.0));
}

#[test]
fn moves_are_raw() {
    let vm = fexec(
        &[
            fp(0x70, 5, 1, 0, 0), // fmv.x.w x5, f1 (sign-extends)
            fp(0x70, 6, 2, 0, 0), // fmv.x.w of a badly boxed value: raw low bits
            fp(0x78, 3, 7, 0, 0), // fmv.w.x f3, x7
            fp(0x71, 8, 2, 0, 0), // fmv.x.d
            fp(0x79, 4, 9, 0, 0), // fmv.d.x
        ],
        &[(1, s(-0.0)), (2, 0x1234_5678_3f80_0000)],
        &[(7, 0xdead_beef_4000_0000), (9, 0x7ff0_0000_0000_0001)],
    );
    assert_eq!(vm.x(5), 0xffff_ffff_8000_0000);
    assert_eq!(vm.x(6), 0x3f80_0000);
    assert_eq!(vm.cpu.f[3], s(2.0));
    assert_eq!(vm.x(8), 0x1234_5678_3f80_0000);
    assert_eq!(vm.cpu.f[4], 0x7ff0_0000_0000_0001);
}

#[test]
fn conversions_and_compares() {
    let vm = fexec(
        &[
            fp(0x60, 5, 1, 0, 1),   // fcvt.w.s x5, f1 (rtz)
            fp(0x60, 6, 2, 1, 1),   // fcvt.wu.s x6, f2: 32-bit result sign-extended
            fp(0x68, 3, 7, 0, 0),   // fcvt.s.w f3, x7
            fp(0x69, 4, 7, 2, 0),   // fcvt.d.l f4, x7
            fp(0x21, 8, 1, 0, 0),   // fcvt.d.s f8, f1
            fp(0x20, 9, 4, 1, 0),   // fcvt.s.d f9, f4
            fp(0x50, 10, 1, 1, 2),  // feq.s x10, f1, f1
            fp(0x51, 11, 4, 8, 1),  // flt.d x11, f4, f8
            fp(0x51, 12, 4, 4, 0),  // fle.d x12, f4, f4
            fp(0x70, 13, 1, 0, 1),  // fclass.s x13, f1
            fp(0x70, 14, 15, 0, 1), // fclass.s of a badly boxed value: quiet NaN
            fp(0x71, 16, 4, 0, 1),  // fclass.d x16, f4 (negative normal)
        ],
        &[(1, s(3.5)), (2, s(4294967040.0)), (15, d(1.0))],
        &[(7, -3i64 as u64)],
    );
    assert_eq!(vm.x(5), 3);
    assert_eq!(vm.x(6), 0xffff_ffff_ffff_ff00);
    assert_eq!(vm.cpu.f[3], s(-3.0));
    assert_eq!(vm.cpu.f[4], d(-3.0));
    assert_eq!(vm.cpu.f[8], d(3.5));
    assert_eq!(vm.cpu.f[9], s(-3.0));
    assert_eq!((vm.x(10), vm.x(11), vm.x(12)), (1, 1, 1));
    assert_eq!(vm.x(13), 1 << 6);
    assert_eq!(vm.x(14), 1 << 9);
    assert_eq!(vm.x(16), 1 << 1);
}

#[test]
fn flags_accumulate() {
    // fdiv.d 1/0 raises DZ; an existing NX stays.
    let mut vm = Vm::new(&Code::new().w(&[fp(0x0d, 3, 1, 2, 0), ECALL]));
    vm.cpu.f[1] = d(1.0);
    vm.cpu.f[2] = d(0.0);
    vm.cpu.fcsr = 1 | 2 << 5;
    vm.run_ecall();
    assert_eq!(vm.cpu.f[3], d(f64::INFINITY));
    assert_eq!(vm.cpu.fcsr, 1 | 8 | 2 << 5);
}

#[test]
fn reserved_rounding_modes_are_illegal() {
    // Static rm 5 and 6, and dynamic rm with frm 5..7.
    for (insn, frm) in [
        (fp(0x01, 3, 1, 2, 5), 0),
        (fp(0x01, 3, 1, 2, 6), 0),
        (fp(0x01, 3, 1, 2, 7), 5),
        (fp(0x68, 3, 1, 0, 7), 7),
    ] {
        let mut vm = Vm::new(&Code::new().w(&[NOP, insn, ECALL]));
        vm.cpu.fcsr = frm << 5;
        assert_eq!(
            vm.run(10),
            Exit::Illegal {
                pc: CODE + 4,
                bits: insn
            }
        );
        assert_eq!(vm.cpu.f[3], 0);
        assert_eq!(vm.cpu.instret, 1);
    }
    // Dynamic rm with a valid frm is fine; sign injection ignores rm.
    let vm = fexec(&[fp(0x01, 3, 1, 2, 7)], &[(1, d(1.0)), (2, d(2.0))], &[]);
    assert_eq!(vm.cpu.f[3], d(3.0));
}
