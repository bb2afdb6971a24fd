//! Blocks that branch back to their own start (the inner loops of copies,
//! scans and counters), which the dispatch loop re-enters without a lookup:
//! every closing-branch form, taken and not taken, against the same loop
//! split into two blocks (neither of which re-enters itself), run whole and
//! in small budget slices.

use super::asm::*;
use super::{Code, Vm, CODE};
use crate::interp::lower::{lower, XOp};
use crate::interp::Exit;

/// How the loop's induction variable `x5` steps before the closing branch.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// `addi x5, x5, 1; xor x9, x9, x5`: the branch stays unfused.
    Plain,
    /// `addi x5, x5, 1` right before the branch (an `AddiB*` pair).
    Addi,
    /// `add x5, x5, x11` (x11 = 1) right before the branch (an `AddB*` pair).
    Add,
}

/// One closing-branch form: the branch (given its offset) and the op its
/// block's end lowers to for each step.
struct Form {
    name: &'static str,
    branch: fn(i32) -> u32,
    plain: XOp,
    addi: XOp,
    add: XOp,
}

fn forms() -> Vec<Form> {
    // Loops while x5 (0, 1, ...) against x6 = 10 (x10 = 1) says so.
    vec![
        Form {
            name: "beq",
            branch: |o| beq(8, 10, o),
            plain: XOp::Beq,
            addi: XOp::AddiBeq,
            add: XOp::AddBeq,
        },
        Form {
            name: "bne",
            branch: |o| bne(5, 6, o),
            plain: XOp::Bne,
            addi: XOp::AddiBne,
            add: XOp::AddBne,
        },
        Form {
            name: "blt",
            branch: |o| blt(5, 6, o),
            plain: XOp::Blt,
            addi: XOp::AddiBlt,
            add: XOp::AddBlt,
        },
        Form {
            name: "bge",
            branch: |o| bge(6, 5, o),
            plain: XOp::Bge,
            addi: XOp::AddiBge,
            add: XOp::AddBge,
        },
        Form {
            name: "bltu",
            branch: |o| bltu(5, 6, o),
            plain: XOp::Bltu,
            addi: XOp::AddiBltu,
            add: XOp::AddBltu,
        },
        Form {
            name: "bgeu",
            branch: |o| bgeu(6, 5, o),
            plain: XOp::Bgeu,
            addi: XOp::AddiBgeu,
            add: XOp::AddBgeu,
        },
        Form {
            name: "beqz",
            branch: |o| beq(8, 0, o),
            plain: XOp::Beqz,
            addi: XOp::AddiBeq,
            add: XOp::AddBeq,
        },
        Form {
            name: "bnez",
            branch: |o| bne(8, 0, o),
            plain: XOp::Bnez,
            addi: XOp::AddiBne,
            add: XOp::AddBne,
        },
    ]
}

/// The operand set-up of `f` (`beq` and `beqz`/`bnez` test x8).
fn pre(f: &Form) -> Vec<u32> {
    match f.name {
        "beq" => vec![sltu(8, 5, 6)],  // x8 = x5 < x6, loop while 1
        "beqz" => vec![sltu(8, 6, 5)], // x8 = x6 < x5, loop while 0
        "bnez" => vec![sub(8, 6, 5)],  // x8 = x6 - x5, loop while != 0
        _ => vec![],
    }
}

/// The loop body (without its closing branch).
fn body(f: &Form, step: Step) -> Vec<u32> {
    let mut v = vec![add(7, 7, 5)];
    v.extend(pre(f));
    match step {
        Step::Plain => v.extend([addi(5, 5, 1), xor(9, 9, 5)]),
        Step::Addi => v.push(addi(5, 5, 1)),
        Step::Add => v.push(add(5, 5, 11)),
    }
    v
}

/// The program: set-up, then the loop at `CODE + 16`, then `ecall`. With
/// `split`, the loop head is a `j` to the body, so the body's block branches
/// to another block's start.
fn program(body: &[u32], branch: fn(i32) -> u32, split: bool) -> Code {
    let setup = [
        addi(6, 0, 10),
        addi(10, 0, 1),
        addi(11, 0, 1),
        addi(12, 0, 0),
    ];
    let head: &[u32] = if split { &[jal(0, 4)] } else { &[] };
    let back = -4 * (body.len() + head.len()) as i32;
    Code::new()
        .w(&setup)
        .w(head)
        .w(body)
        .w(&[branch(back), ECALL])
}

/// Final registers x5..x12 and instructions retired, running in slices of
/// `slice` instructions (`None`: in one go).
fn outcome(code: &Code, slice: Option<u64>) -> ([u64; 8], u64, Vm) {
    let mut vm = Vm::new(code);
    match slice {
        None => assert_eq!(vm.run(1_000_000), Exit::Ecall),
        Some(n) => loop {
            let before = vm.cpu.instret;
            match vm.run(n) {
                // The budget is checked after every run of the loop block
                // (a block here has at most 11 instructions).
                Exit::Budget => assert!(vm.cpu.instret - before < n + 11, "slice overrun"),
                Exit::Ecall => break,
                e => panic!("stopped: {e:?}"),
            }
        },
    }
    let regs = core::array::from_fn(|k| vm.x(5 + k));
    (regs, vm.cpu.instret, vm)
}

#[test]
fn every_closing_branch_form_loops_to_its_own_block_exactly() {
    for f in forms() {
        for step in [Step::Plain, Step::Addi, Step::Add] {
            let body = body(&f, step);
            let what = format!("{} {step:?}", f.name);
            let own = program(&body, f.branch, false);
            let split = program(&body, f.branch, true);
            let (want, split_retired, split_vm) = outcome(&split, None);
            // The body's block of the split program is not a self-loop.
            let iters = split_vm
                .interp
                .cache()
                .get(CODE + 20)
                .expect("body block")
                .count();
            assert!(iters > 5, "{what}: the loop ran {iters} times");
            let (regs, retired, vm) = outcome(&own, None);
            assert_eq!(regs, want, "{what}");
            assert_eq!(
                retired + iters,
                split_retired,
                "{what}: instructions retired"
            );
            // The same loop, one block re-entering itself (the first
            // iteration ran in the set-up's block).
            let b = vm.interp.cache().get(CODE + 16).expect("loop block");
            assert_eq!(b.count(), iters - 1, "{what}: runs counted");
            let ops: Vec<XOp> = lower(&b.insns).iter().map(|x| x.op).collect();
            let expect = match step {
                Step::Plain => f.plain,
                Step::Addi => f.addi,
                Step::Add => f.add,
            };
            assert!(ops.contains(&expect), "{what}: lowered to {ops:?}");
            // Budget exits inside the loop resume exactly.
            for slice in [1, 2, 3, 5, 7, 11] {
                let (r, n, _) = outcome(&own, Some(slice));
                assert_eq!((r, n), (want, retired), "{what}, slices of {slice}");
            }
        }
    }
}

#[test]
fn addi_bnez_loops_to_its_own_block_exactly() {
    // add x7, x7, x5; addi x5, x5, 1; addi x6, x6, -1; bnez x6, loop
    let body = [add(7, 7, 5), addi(5, 5, 1), addi(6, 6, -1)];
    let (want, split_retired, _) = outcome(&program(&body, |o| bne(6, 0, o), true), None);
    let own = program(&body, |o| bne(6, 0, o), false);
    let (regs, retired, vm) = outcome(&own, None);
    assert_eq!(regs, want);
    assert_eq!((want[0], want[2]), (10, 45));
    assert_eq!(retired + 10, split_retired);
    let b = vm.interp.cache().get(CODE + 16).expect("loop block");
    assert_eq!(b.count(), 9);
    assert!(lower(&b.insns).iter().any(|x| x.op == XOp::AddiBnez));
    for slice in [1, 2, 3, 4, 5, 9] {
        let (r, n, _) = outcome(&own, Some(slice));
        assert_eq!((r, n), (want, retired), "slices of {slice}");
    }
}

#[test]
fn a_branch_to_the_start_of_a_longer_block_is_not_a_self_loop() {
    // The block at CODE + 4 starts one instruction later than the loop
    // head the branch names (CODE), so the branch leaves it: the head's
    // block is a different block.
    let code = Code::new().w(&[
        addi(5, 5, 1), // loop head, CODE
        addi(7, 7, 2), // CODE + 4 (entered once, from the jump below)
        blt(5, 6, -8), // back to CODE
        ECALL,
    ]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[6] = 10;
    vm.cpu.pc = CODE + 4;
    assert_eq!(vm.run(1000), Exit::Ecall);
    assert_eq!((vm.x(5), vm.x(7)), (10, 22));
    assert_eq!(vm.cpu.instret, 2 + 10 * 3 + 1);
    assert_eq!(vm.interp.cache().get(CODE + 4).unwrap().count(), 1);
    assert_eq!(vm.interp.cache().get(CODE).unwrap().count(), 10);
}
