//! The interpreter's private form: specialised ops (`li`, `j`, `jr`,
//! branches against zero, loads into `x0`) and fused pairs (`addi`+`bnez`,
//! `add`+`lbu`, `add`+`sb`), including precise faults in a fused pair's
//! second half.

use super::asm::*;
use super::{exec, Code, Vm, CODE, DATA};
use crate::interp::lower::{lower, XOp};
use crate::interp::Exit;
use crate::mem::{Access, FaultKind, MemFault};

/// The ops the block at `CODE` was lowered to.
fn lowered(vm: &Vm) -> Vec<XOp> {
    let b = vm.interp.cache().get(CODE).expect("block at CODE");
    lower(&b.insns).iter().map(|x| x.op).collect()
}

#[test]
fn pairs_are_fused_and_run_correctly() {
    // x5 = 3; loop: x6 += x5 (via add+lbu/add+sb on DATA); x5 -= 1; bnez x5
    let code = Code::new().w(&[
        addi(5, 0, 3),   // li
        add(9, 10, 5),   // add x9 = DATA + x5
        sb(5, 9, 0),     // sb x5, 0(x9)  (fused with the add)
        add(11, 10, 5),  // add x11 = DATA + x5
        lbu(12, 11, 0),  // lbu x12, 0(x11) (fused)
        add(13, 13, 12), // x13 += x12
        addi(5, 5, -1),  // fused with bnez
        bne(5, 0, -24),  // back to the first add
        ECALL,
    ]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[10] = DATA;
    assert_eq!(vm.run(1000), Exit::Ecall);
    assert_eq!(vm.x(13), 3 + 2 + 1);
    assert_eq!(vm.x(5), 0);
    assert_eq!(vm.x(9), DATA + 1);
    assert_eq!(vm.x(12), 1);
    assert_eq!(vm.cpu.instret, 1 + 3 * 7 + 1);
    // The loop body is its own block: check it was fused.
    let b = vm.interp.cache().get(CODE + 4).expect("loop block");
    let ops: Vec<XOp> = lower(&b.insns).iter().map(|x| x.op).collect();
    assert_eq!(
        ops,
        [
            XOp::AddSb,
            XOp::Sb,
            XOp::AddLbu,
            XOp::Lbu,
            XOp::Add,
            XOp::AddiBnez,
            XOp::Bnez
        ]
    );
}

#[test]
fn addi_bnez_falls_through_at_zero() {
    let vm = exec(
        &[addi(5, 0, 1), addi(5, 5, -1), bne(5, 0, 8), addi(6, 0, 7)],
        &[],
    );
    assert_eq!((vm.x(5), vm.x(6)), (0, 7));
    assert_eq!(vm.cpu.instret, 5);
}

fn unmapped(addr: u64, access: Access) -> MemFault {
    MemFault {
        addr,
        access,
        kind: FaultKind::Unmapped,
    }
}

#[test]
fn fault_in_second_half_of_add_lbu_is_precise() {
    // add x9 = x10 + x11 (= 8, unmapped), lbu x12, 0(x9) faults.
    let code = Code::new().w(&[addi(5, 0, 1), add(9, 10, 11), lbu(12, 9, 0), ECALL]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[11] = 8;
    vm.cpu.x[12] = 99;
    let exit = vm.run(100);
    assert_eq!(
        exit,
        Exit::Fault {
            pc: CODE + 8,
            fault: unmapped(8, Access::Read)
        }
    );
    assert_eq!(lowered(&vm)[1], XOp::AddLbu);
    // The add happened, the load did not; instret counts li and add.
    assert_eq!((vm.x(9), vm.x(12)), (8, 99));
    assert_eq!(vm.cpu.pc, CODE + 8);
    assert_eq!(vm.cpu.instret, 2);
    // Resuming at the load (a new block starting mid-pair) works.
    vm.cpu.x[9] = DATA;
    assert_eq!(vm.run(100), Exit::Ecall);
    assert_eq!(vm.x(12), 0);
    assert_eq!(vm.cpu.instret, 4);
}

#[test]
fn fault_in_second_half_of_add_sb_is_precise() {
    let code = Code::new().w(&[add(9, 10, 11), sb(5, 9, 3), ECALL]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[10] = 0x100;
    vm.cpu.x[11] = 0x20;
    let exit = vm.run(100);
    assert_eq!(
        exit,
        Exit::Fault {
            pc: CODE + 4,
            fault: unmapped(0x123, Access::Write)
        }
    );
    assert_eq!(lowered(&vm)[0], XOp::AddSb);
    assert_eq!(vm.x(9), 0x120);
    assert_eq!(vm.cpu.instret, 1);
}

#[test]
fn specialised_forms() {
    // li via lui and addi x0; j; jr; beqz; load into x0 (Generic).
    let code = Code::new().w(&[
        lui(5, 0x12345 << 12),
        addi(6, 0, -5),
        jal(0, 8),     // j over the next
        addi(7, 0, 1), // skipped
        beq(7, 0, 8),  // beqz taken
        addi(8, 0, 1), // skipped
        lbu(0, 10, 0), // load into x0: accesses memory, x0 stays 0
        auipc(11, 0),
        jalr(0, 12, 0), // jr x12 -> the ecall
        addi(13, 0, 1), // skipped
        ECALL,
    ]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[10] = DATA;
    vm.cpu.x[12] = CODE + 40;
    assert_eq!(vm.run(100), Exit::Ecall);
    assert_eq!(vm.x(5), 0x1234_5000);
    assert_eq!(vm.x(6), (-5i64) as u64);
    assert_eq!((vm.x(7), vm.x(8), vm.x(13)), (0, 0, 0));
    assert_eq!(vm.x(11), CODE + 28);
    assert_eq!(vm.x(0), 0);
    assert_eq!(vm.cpu.instret, 8);
    // A load into x0 still faults.
    let code = Code::new().w(&[lbu(0, 0, 16), ECALL]);
    let mut vm = Vm::new(&code);
    assert_eq!(
        vm.run(100),
        Exit::Fault {
            pc: CODE,
            fault: unmapped(16, Access::Read)
        }
    );
}

/// Runs a counted loop `x5 = 0; do { x5 = x5 <op> ...; } while (x5 <cond> x6)`
/// with the given first half and branch; returns the machine and the ops
/// the pair was lowered to.
fn counted_loop(first: u32, branch: u32, x6: u64) -> (Vm, Vec<XOp>) {
    let code = Code::new().w(&[addi(7, 0, 2), first, branch, ECALL]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[6] = x6;
    assert_eq!(vm.run(1000), Exit::Ecall);
    // The first block (li; pair) holds the fused pair at slot 1.
    let b = vm.interp.cache().get(CODE).expect("first block");
    let ops = lower(&b.insns).iter().skip(1).map(|x| x.op).collect();
    (vm, ops)
}

#[test]
fn add_and_branch_pairs() {
    // addi x5, x5, 2; bne x5, x6 -> loop: 5 iterations to reach 10.
    let (vm, ops) = counted_loop(addi(5, 5, 2), bne(5, 6, -4), 10);
    assert_eq!(ops[0], XOp::AddiBne);
    assert_eq!((vm.x(5), vm.cpu.instret), (10, 1 + 5 * 2 + 1));
    // addi; bltu (unsigned): stops at 10.
    let (vm, ops) = counted_loop(addi(5, 5, 2), bltu(5, 6, -4), 9);
    assert_eq!(ops[0], XOp::AddiBltu);
    assert_eq!((vm.x(5), vm.cpu.instret), (10, 1 + 5 * 2 + 1));
    // addi; blt (signed): with x6 = -1 the first compare 2 < -1 fails;
    // unsigned it would loop.
    let (vm, ops) = counted_loop(addi(5, 5, 2), blt(5, 6, -4), u64::MAX);
    assert_eq!(ops[0], XOp::AddiBlt);
    assert_eq!((vm.x(5), vm.cpu.instret), (2, 1 + 2 + 1));
    // add x5, x5, x7 (x7 = 2); bne / bltu.
    let (vm, ops) = counted_loop(add(5, 5, 7), bne(5, 6, -4), 6);
    assert_eq!(ops[0], XOp::AddBne);
    assert_eq!((vm.x(5), vm.cpu.instret), (6, 1 + 3 * 2 + 1));
    let (vm, ops) = counted_loop(add(5, 5, 7), bltu(5, 6, -4), 5);
    assert_eq!(ops[0], XOp::AddBltu);
    assert_eq!((vm.x(5), vm.cpu.instret), (6, 1 + 3 * 2 + 1));
    // The branch compares against its own rs2 read after the add: here rs2
    // is the add's rd, so the branch is never taken (x5 == x5).
    let (vm, ops) = counted_loop(addi(5, 5, 2), bne(5, 5, -4), 0);
    assert_eq!(ops[0], XOp::AddiBne);
    assert_eq!((vm.x(5), vm.cpu.instret), (2, 4));
}

/// Runs `pre` then `tail` (with `split`, a `nop` between the first two
/// instructions of `tail`, which keeps them from fusing) from the given
/// registers; returns the registers and the instructions retired, not
/// counting the `nop`.
fn run_pair(tail: &[u32], split: bool, regs: &[u64; 4]) -> ([u64; 32], u64) {
    let mut words = vec![tail[0]];
    if split {
        words.push(NOP);
    }
    words.extend_from_slice(&tail[1..]);
    let mut vm = Vm::new(&Code::new().w(&words));
    vm.cpu.x[5..9].copy_from_slice(regs);
    assert_eq!(vm.run(100), Exit::Ecall);
    (vm.cpu.x, vm.cpu.instret - split as u64)
}

#[test]
fn add_and_branch_pairs_match_their_unfused_form() {
    // Every (addi | add, conditional branch) pair, with the branch reading
    // the add's destination as rs1, as rs2, as both or not at all, taken
    // and not taken: the fused form must do exactly what the two
    // instructions do one after the other.
    type B = fn(u32, u32, i32) -> u32;
    let branches: [(B, &str); 6] = [
        (beq, "beq"),
        (bne, "bne"),
        (blt, "blt"),
        (bge, "bge"),
        (bltu, "bltu"),
        (bgeu, "bgeu"),
    ];
    let firsts = [addi(5, 6, -3), addi(5, 5, 1), add(5, 6, 7), add(5, 5, 8)];
    let operands = [(5, 6), (6, 5), (5, 5), (7, 8), (5, 0), (0, 5)];
    let values: [[u64; 4]; 5] = [
        [0, 3, 0, 0],
        [u64::MAX, 2, 1, u64::MAX],
        [7, 7, 7, 7],
        [1 << 63, 10, (1 << 63) - 1, 1],
        [5, 2, u64::MAX - 1, 3],
    ];
    let mut fused = 0;
    for &(br, name) in &branches {
        for &first in &firsts {
            for &(r1, r2) in &operands {
                // first; b<cond> r1, r2, +8 (over the addi); addi x20 = 1; ecall
                let tail = [first, br(r1, r2, 8), addi(20, 0, 1), ECALL];
                for v in &values {
                    let (a, na) = run_pair(&tail, false, v);
                    let (b, nb) = run_pair(&tail, true, v);
                    assert_eq!(
                        (a, na),
                        (b, nb),
                        "{name} x{r1}, x{r2} after {first:#010x} from {v:x?}"
                    );
                }
                let mut vm = Vm::new(&Code::new().w(&tail));
                assert_eq!(vm.run(100), Exit::Ecall);
                let op = lowered(&vm)[0];
                fused += (op != XOp::Addi && op != XOp::Add) as u32;
            }
        }
    }
    // Every pair fuses (the loop-counter idiom has its own form).
    assert_eq!(fused, 6 * 4 * 6);
}

#[test]
fn moves_and_sign_extensions_have_their_own_forms() {
    let code = Code::new().w(&[
        addi(5, 6, 0),  // mv
        addiw(7, 6, 0), // sext.w
        addi(10, 0, 1),
        addiw(8, 9, 0),
        ECALL,
    ]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[6] = 0x1234_5678_9abc_def0;
    vm.cpu.x[9] = 0x7fff_ffff;
    assert_eq!(vm.run(100), Exit::Ecall);
    assert_eq!(
        &lowered(&vm)[..4],
        &[XOp::Mv, XOp::SextW, XOp::Li, XOp::SextW]
    );
    assert_eq!(vm.x(5), 0x1234_5678_9abc_def0);
    assert_eq!(vm.x(7), 0xffff_ffff_9abc_def0);
    assert_eq!(vm.x(8), 0x7fff_ffff);
}

#[test]
fn op_pairs_match_their_unfused_form() {
    // Each pair, with the second op reading the first's destination (and
    // writing a register the first reads), against the same two ops split
    // by a `nop`. The memory pairs touch fresh pages, so each half also
    // takes the out-of-line path once.
    let pairs: [([u32; 2], XOp); 10] = [
        ([addiw(5, 6, 0), addiw(6, 5, 0)], XOp::SextWSextW),
        ([add(5, 6, 7), add(7, 5, 5)], XOp::AddAdd),
        ([addw(5, 6, 7), addw(6, 5, 8)], XOp::AddwAddw),
        ([slli(5, 6, 3), add(5, 5, 7)], XOp::SlliAdd),
        ([ld(5, 8, 0), ld(6, 5, 8)], XOp::LdLd),
        ([sd(6, 8, 0), sd(8, 8, 0x1008)], XOp::SdSd),
        // The post-increment byte load, and an addi reading the loaded byte.
        ([lbu(5, 8, 1), addi(8, 8, 1)], XOp::LbuAddi),
        ([lbu(5, 8, 0), addi(6, 5, -3)], XOp::LbuAddi),
        // A byte store, then a strided step of its base, or an add of its value.
        ([sb(6, 8, 0), add(8, 8, 7)], XOp::SbAdd),
        ([sb(5, 8, 3), add(5, 5, 6)], XOp::SbAdd),
    ];
    let values: [[u64; 4]; 3] = [
        [1, 0x8000_0001, 0x7fff_ffff, DATA + 0x100],
        [u64::MAX, 5, 3, DATA + 0x2ff8],
        [0, 1 << 40, 0xffff_ffff, DATA + 0x4000],
    ];
    for (pair, op) in pairs {
        let tail = [pair[0], pair[1], ECALL];
        for v in &values {
            // Memory the loads read: the address of the next word, so the
            // second load depends on the first.
            let prep = |vm: &mut Vm| {
                let a = v[3];
                vm.mem
                    .write_bytes_unchecked(a, &(a + 16).to_le_bytes())
                    .unwrap();
                vm.mem
                    .write_bytes_unchecked(a + 24, &0x1122_3344u64.to_le_bytes())
                    .unwrap();
            };
            let run = |split: bool| {
                let mut words = vec![tail[0]];
                if split {
                    words.push(NOP);
                }
                words.extend_from_slice(&tail[1..]);
                let mut vm = Vm::new(&Code::new().w(&words));
                prep(&mut vm);
                vm.cpu.x[5..9].copy_from_slice(v);
                assert_eq!(vm.run(100), Exit::Ecall);
                let mut m = vec![0u8; 0x2000];
                vm.mem.read_bytes_unchecked(v[3], &mut m).unwrap();
                let ops = lowered(&vm);
                (vm.cpu.x, vm.cpu.instret - split as u64, m, ops[0])
            };
            let (xa, na, ma, fused) = run(false);
            let (xb, nb, mb, _) = run(true);
            assert_eq!(fused, op);
            assert_eq!((xa, na), (xb, nb), "{op:?} from {v:x?}");
            assert!(ma == mb, "{op:?} memory from {v:x?}");
        }
    }
}

#[test]
fn a_closing_branch_pairs_before_other_pairs() {
    // add; add; bne: the second add goes with the branch.
    let code = Code::new().w(&[add(5, 5, 6), add(7, 7, 6), bne(7, 8, 8), ECALL, ECALL]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[6] = 1;
    assert_eq!(vm.run(100), Exit::Ecall);
    assert_eq!(&lowered(&vm)[..2], &[XOp::Add, XOp::AddBne]);
}
