//! Branches, jumps (32-bit and compressed), budget exits and `instret`.

use super::asm::*;
use super::{exec, Vm, CODE};
use crate::interp::Exit;

/// `x7 = 1` if the branch is taken, else 2.
fn taken(br: fn(u32, u32, i32) -> u32, a: u64, b: u64) -> bool {
    let vm = exec(
        &[br(5, 6, 12), addi(7, 0, 2), jal(0, 8), addi(7, 0, 1)],
        &[(5, a), (6, b)],
    );
    match vm.x(7) {
        1 => true,
        2 => false,
        v => panic!("bad x7 {v}"),
    }
}

#[test]
fn branch_conditions() {
    let m1 = u64::MAX;
    assert!(taken(beq, 3, 3));
    assert!(!taken(beq, 3, 4));
    assert!(taken(bne, 3, 4));
    assert!(!taken(bne, 3, 3));
    assert!(taken(blt, m1, 0));
    assert!(!taken(blt, 0, m1));
    assert!(!taken(blt, 5, 5));
    assert!(taken(bge, 5, 5));
    assert!(taken(bge, 0, m1));
    assert!(taken(bltu, 0, m1));
    assert!(!taken(bltu, m1, 0));
    assert!(taken(bgeu, m1, 0));
    assert!(taken(bgeu, 1, 1));
}

#[test]
fn backward_branch_loop() {
    // x5 = 10; do { x6 += x5; x5 -= 1 } while x5 != 0
    let vm = exec(
        &[addi(5, 0, 10), add(6, 6, 5), addi(5, 5, -1), bne(5, 0, -8)],
        &[],
    );
    assert_eq!(vm.x(6), 55);
    // 1 + 10 * 3 + ecall
    assert_eq!(vm.cpu.instret, 32);
}

#[test]
fn jal_and_jalr_link_and_target() {
    // 0: jal ra, 12 -> 12: jalr x5, ra, 1 (bit 0 cleared -> 4): addi x6, x6, 1 ; jal 16 -> ecall
    let code = Code::new().w(&[
        jal(1, 12),
        addi(6, 6, 1),
        jal(0, 12),
        jalr(5, 1, 1),
        NOP,
        ECALL,
    ]);
    let mut vm = Vm::new(&code);
    vm.run_ecall();
    assert_eq!(vm.x(1), CODE + 4);
    assert_eq!(vm.x(5), CODE + 16);
    assert_eq!(vm.x(6), 1);
    assert_eq!(vm.cpu.pc, CODE + 24);
}

#[test]
fn jalr_with_rd_equal_rs1_uses_old_value() {
    // x5 = CODE + 12; jalr x5, x5, 0 jumps to 12 and links 8
    let code = Code::new().w(&[auipc(5, 0), addi(5, 5, 12), jalr(5, 5, 0), ECALL]);
    let mut vm = Vm::new(&code);
    vm.run_ecall();
    assert_eq!(vm.x(5), CODE + 12);
    assert_eq!(vm.cpu.pc, CODE + 16);
}

#[test]
fn compressed_branch_targets_and_pc() {
    // 0: c.li x8, 3   2: c.addi x9, 1   4: c.addi x8, -1   6: c.bnez x8, -4
    // 8: c.j +6 -> 14   10: c.li x10, 7 (skipped)   12: c.li x10, 9 (skipped)
    // 14: auipc x11, 0   18: ecall
    let code = Code::new()
        .c(&[
            c_li(8, 3),
            c_addi(9, 1),
            c_addi(8, -1),
            c_bnez(8, -4),
            c_j(6),
            c_li(10, 7),
            c_li(10, 9),
        ])
        .w(&[auipc(11, 0), ECALL]);
    let mut vm = Vm::new(&code);
    vm.run_ecall();
    assert_eq!(vm.x(8), 0);
    assert_eq!(vm.x(9), 3);
    assert_eq!(vm.x(10), 0);
    assert_eq!(vm.x(11), CODE + 14);
    assert_eq!(vm.cpu.pc, CODE + 22);
    // c.li + 3 * (addi, addi, bnez) + c.j + auipc + ecall
    assert_eq!(vm.cpu.instret, 1 + 9 + 3);
}

#[test]
fn compressed_jal_link_is_pc_plus_2() {
    // c.jalr x5 (jalr ra, x5, 0): link = pc + 2
    let code = Code::new()
        .w(&[auipc(5, 0), addi(5, 5, 12)])
        .c(&[0x9282, 0x0001])
        .w(&[ECALL]);
    // 0x9282 = c.jalr x5
    let mut vm = Vm::new(&code);
    vm.run_ecall();
    assert_eq!(vm.x(1), CODE + 10);
}

#[test]
fn budget_exit_resumes_exactly() {
    // An endless loop: x5 += 1; j -4
    let code = Code::new().w(&[addi(5, 5, 1), jal(0, -4)]);
    let mut vm = Vm::new(&code);
    assert_eq!(vm.run(100), Exit::Budget);
    // Whole blocks of 2 run: 100 instructions exactly.
    assert_eq!(vm.cpu.instret, 100);
    assert_eq!(vm.x(5), 50);
    assert_eq!(vm.cpu.pc, CODE);
    assert_eq!(vm.run(1), Exit::Budget);
    assert_eq!(vm.cpu.instret, 102);
    assert_eq!(vm.run(0), Exit::Budget);
    assert_eq!(vm.cpu.instret, 102);
    assert_eq!(vm.x(5), 51);
}

#[test]
fn long_straight_line_code_splits_into_blocks() {
    let n = crate::block::MAX_BLOCK_INSNS * 2 + 5;
    let mut insns = vec![addi(5, 5, 1); n];
    insns.push(ECALL);
    let mut vm = Vm::new(&Code::new().w(&insns));
    vm.run_ecall();
    assert_eq!(vm.x(5), n as u64);
    assert_eq!(vm.cpu.instret, n as u64 + 1);
    assert_eq!(vm.interp.stats().blocks_built, 3);
}

#[test]
fn hot_blocks_profile_counts_runs() {
    let vm = exec(
        &[addi(5, 0, 10), add(6, 6, 5), addi(5, 5, -1), bne(5, 0, -8)],
        &[],
    );
    let hot = vm.interp.hot_blocks(1);
    assert_eq!(hot, vec![(CODE + 4, 9)]);
    let s = vm.interp.stats();
    assert_eq!(s.block_runs, 1 + 9 + 1);
    assert_eq!(s.blocks_built, 3);
}
