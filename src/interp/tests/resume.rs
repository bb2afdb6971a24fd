//! Instructions that leave the dispatch loop's fast path in the middle of a
//! block (a TLB miss, an FP operation outside the host-float fast path, a
//! rare op, a fused pair whose second half misses) and the block going on
//! after them: every later instruction of the block sees their results, and
//! `instret` and the pcs of later stops stay exact.

use super::asm::*;
use super::{Code, Vm, CODE, DATA};
use crate::interp::Exit;
use crate::mem::{Access, FaultKind};

/// `csrrs rd, instret, x0`.
fn rdinstret(rd: u32) -> u32 {
    csr(2, rd, 0xc02, 0)
}

#[test]
fn tlb_misses_mid_block_resume_at_the_next_instruction() {
    // Every access touches a page for the first time: each is a TLB miss.
    let code = Code::new().w(&[
        addi(5, 0, 7),
        sd(5, 10, 0),
        ld(6, 10, 0),
        addi(6, 6, 1),
        sb(6, 11, 0), // another page
        lbu(7, 11, 0),
        add(8, 6, 7),
        rdinstret(9), // counts the 7 instructions before it
        addi(8, 8, 1),
        ECALL,
    ]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[10] = DATA + 0x3000;
    vm.cpu.x[11] = DATA + 0x5008;
    assert_eq!(vm.run(1000), Exit::Ecall);
    assert_eq!((vm.x(6), vm.x(7), vm.x(8)), (8, 8, 17));
    assert_eq!(vm.x(9), 7);
    assert_eq!(vm.cpu.instret, 10);
    assert_eq!(vm.cpu.pc, CODE + 40);
}

#[test]
fn a_fused_pair_whose_load_misses_keeps_the_add() {
    // add+lbu and add+sb are fused; both memory halves miss the TLB.
    let code = Code::new().w(&[
        add(9, 10, 11),
        lbu(12, 9, 1),
        addi(12, 12, 1),
        add(13, 10, 11),
        sb(12, 13, 0x100),
        lbu(14, 13, 0x100),
        ECALL,
    ]);
    let mut vm = Vm::new(&code);
    vm.mem.write_bytes_unchecked(DATA + 0x6001, &[41]).unwrap();
    vm.cpu.x[10] = DATA;
    vm.cpu.x[11] = 0x6000;
    assert_eq!(vm.run(1000), Exit::Ecall);
    assert_eq!(
        (vm.x(9), vm.x(12), vm.x(13), vm.x(14)),
        (DATA + 0x6000, 42, DATA + 0x6000, 42)
    );
    assert_eq!(vm.cpu.instret, 7);
}

#[test]
fn slow_fp_and_rare_ops_mid_block_resume() {
    // fadd.d in round-towards-zero (not the host's mode), then fmul.d in
    // the dynamic mode (RNE: fast path), a csr read and more integer work.
    let one = 1.0f64.to_bits();
    let tenth = 0.1f64.to_bits();
    let code = Code::new().w(&[
        addi(5, 0, 1),
        fp(0x01, 3, 1, 2, 1), // fadd.d f3, f1, f2, rtz
        fp(0x09, 4, 3, 3, 7), // fmul.d f4, f3, f3, dyn
        csr(2, 6, 0x001, 0),  // frflags x6
        rdinstret(7),
        fp(0x71, 8, 3, 0, 0), // fmv.x.d x8, f3
        addi(5, 5, 1),
        ECALL,
    ]);
    let mut vm = Vm::new(&code);
    vm.cpu.f[1] = one;
    vm.cpu.f[2] = tenth;
    assert_eq!(vm.run(1000), Exit::Ecall);
    // 1 + 0.1 rounds up to nearest, so towards zero is one ulp below.
    let near = (1.0f64 + 0.1).to_bits();
    assert_eq!(vm.x(8), near - 1);
    let f3 = f64::from_bits(near - 1);
    assert_eq!(vm.cpu.f[4], (f3 * f3).to_bits());
    assert_eq!(vm.x(6), 1, "NX from the inexact add and multiply");
    assert_eq!(vm.x(7), 4);
    assert_eq!(vm.x(5), 2);
    assert_eq!(vm.cpu.instret, 8);
}

#[test]
fn a_fault_after_a_slow_instruction_is_precise() {
    let code = Code::new().w(&[
        addi(5, 0, 3),
        sd(5, 10, 0), // TLB miss, served by the slow path
        addi(5, 5, 1),
        ld(6, 11, 0), // unmapped: faults
        addi(5, 5, 1),
        ECALL,
    ]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[10] = DATA + 0x7000;
    vm.cpu.x[11] = 0x7000_0000;
    match vm.run(1000) {
        Exit::Fault { pc, fault } => {
            assert_eq!(pc, CODE + 12);
            assert_eq!(fault.addr, 0x7000_0000);
            assert_eq!(fault.access, Access::Read);
            assert_eq!(fault.kind, FaultKind::Unmapped);
        }
        e => panic!("expected a fault, got {e:?}"),
    }
    assert_eq!(vm.x(5), 4);
    assert_eq!(vm.cpu.instret, 3);
    assert_eq!(vm.cpu.pc, CODE + 12);
}

#[test]
fn a_budget_ending_inside_a_loop_with_misses_resumes_exactly() {
    // A loop whose store walks pages: a miss on every fourth iteration.
    let code = Code::new().w(&[
        addi(5, 0, 16),
        sd(5, 10, 0),
        addi(10, 10, 0x400),
        addi(5, 5, -1),
        bne(5, 0, -12),
        ECALL,
    ]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[10] = DATA;
    let mut runs = 0;
    loop {
        runs += 1;
        match vm.run(5) {
            Exit::Budget => continue,
            Exit::Ecall => break,
            e => panic!("{e:?}"),
        }
    }
    assert!(runs > 5);
    assert_eq!(vm.cpu.instret, 1 + 16 * 4 + 1);
    assert_eq!(vm.x(10), DATA + 16 * 0x400);
    for k in 0..16u64 {
        let mut b = [0u8; 8];
        vm.mem
            .read_bytes_unchecked(DATA + k * 0x400, &mut b)
            .unwrap();
        assert_eq!(u64::from_le_bytes(b), 16 - k);
    }
}

#[test]
fn integer_and_fp_loops_hand_blocks_over_mid_block() {
    // A loop mixing M ops (the integer loop's own dispatch site, the FP
    // loop's inline arms) with FP loads, arithmetic and stores (which move
    // a block to the FP loop at that slot), then an integer-only loop.
    //   loop: mul x6, x5, x5; div x7, x6, x9; fld f1, 0(x10);
    //         fadd.d f2, f2, f1; rem x8, x6, x9; fsd f2, 8(x10);
    //         add x11, x11, x7; add x12, x12, x8; addi x5, x5, -1; bnez x5, loop
    //   loop2: mulhu x13, x5, x14; add x15, x15, x13; addi x5, x5, 1; blt x5, x9, loop2
    let code = Code::new().w(&[
        addi(5, 0, 40),
        mul(6, 5, 5),
        div(7, 6, 9),
        fld(1, 10, 0),
        fp(0x01, 2, 2, 1, 0), // fadd.d f2, f2, f1, rne
        rem(8, 6, 9),
        fsd(2, 10, 8),
        add(11, 11, 7),
        add(12, 12, 8),
        addi(5, 5, -1),
        bne(5, 0, -36),
        mulhu(13, 5, 14),
        add(15, 15, 13),
        addi(5, 5, 1),
        blt(5, 9, -12),
        ECALL,
    ]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[9] = 7;
    vm.cpu.x[10] = DATA;
    vm.cpu.x[14] = u64::MAX - 12345;
    vm.mem
        .write_bytes_unchecked(DATA, &1.5f64.to_bits().to_le_bytes())
        .unwrap();
    assert_eq!(vm.run(10_000), Exit::Ecall);
    let (mut q, mut r, mut h) = (0u64, 0u64, 0u64);
    for k in 1..=40u64 {
        q += k * k / 7;
        r += k * k % 7;
    }
    for k in 0..7u64 {
        h += ((k as u128 * (u64::MAX - 12345) as u128) >> 64) as u64;
    }
    assert_eq!((vm.x(11), vm.x(12), vm.x(15)), (q, r, h));
    assert_eq!(vm.cpu.f[2], 60.0f64.to_bits());
    let mut b = [0u8; 8];
    vm.mem.read_bytes_unchecked(DATA + 8, &mut b).unwrap();
    assert_eq!(u64::from_le_bytes(b), 60.0f64.to_bits());
    assert_eq!(vm.cpu.instret, 1 + 40 * 10 + 7 * 4 + 1);
}

#[test]
fn pairs_of_loads_and_stores_resume_after_a_miss_in_either_half() {
    // ld;ld and sd;sd pairs whose halves touch pages for the first time
    // (TLB misses in the first, then in the second half), in the integer
    // loop and, after an fadd.d, in the FP loop.
    for fp_first in [false, true] {
        let lead = if fp_first { fp(0x01, 3, 1, 2, 0) } else { NOP };
        let code = Code::new().w(&[
            lead,
            sd(5, 10, 0), // page 0, miss
            sd(6, 12, 0), // page 1, miss (second half)
            ld(7, 10, 0),
            ld(8, 12, 0),
            sd(8, 13, 8), // page 2, miss (first half)
            sd(7, 13, 16),
            ld(9, 13, 8),
            ld(11, 14, 0), // page 3, miss (second half): zero
            ld(15, 15, 0), // x15 = the pointer at DATA + 24 (the first
            ld(16, 15, 8), // half wrote the second's base): page 4, miss
            ECALL,
        ]);
        let mut vm = Vm::new(&code);
        for (r, page) in [(10, 0), (12, 1), (13, 2), (14, 3)] {
            vm.cpu.x[r] = DATA + page * 0x1000;
        }
        vm.cpu.x[5] = 0x1111;
        vm.cpu.x[6] = 0x2222;
        vm.cpu.x[11] = 99;
        vm.cpu.x[15] = DATA + 24;
        let ptr = (DATA + 0x4000).to_le_bytes();
        vm.mem.write_bytes_unchecked(DATA + 24, &ptr).unwrap();
        vm.cpu.x[16] = 99;
        assert_eq!(vm.run(100), Exit::Ecall);
        assert_eq!(
            (vm.x(7), vm.x(8), vm.x(9), vm.x(11)),
            (0x1111, 0x2222, 0x2222, 0),
            "fp first: {fp_first}"
        );
        let mut b = [0u8; 8];
        vm.mem.read_bytes_unchecked(DATA + 0x2010, &mut b).unwrap();
        assert_eq!(u64::from_le_bytes(b), 0x1111);
        assert_eq!((vm.x(15), vm.x(16)), (DATA + 0x4000, 0));
        assert_eq!(vm.cpu.instret, 12);
        let ops = super::super::lower::lower(&vm.interp.cache().get(CODE).unwrap().insns);
        let pairs = ops
            .iter()
            .filter(|x| {
                matches!(
                    x.op,
                    crate::interp::lower::XOp::LdLd | crate::interp::lower::XOp::SdSd
                )
            })
            .count();
        assert_eq!(pairs, 5);
    }
}
