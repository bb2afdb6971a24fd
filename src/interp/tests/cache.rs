//! The block cache as the interpreter uses it: block shapes, lookups,
//! invalidation.

use super::asm::*;
use super::{exec, Vm, CODE};
use crate::block::END_MARKER;
use crate::decode::Op;
use crate::interp::Exit;
use crate::mem::Perms;

#[test]
fn blocks_end_after_control_transfers_or_get_an_end_marker() {
    let vm = exec(
        &[addi(5, 0, 3), add(0, 5, 5), addi(5, 5, -1), bne(5, 0, -4)],
        &[],
    );
    let cache = vm.interp.cache();
    let b = cache.get(CODE).expect("first block");
    // addi, add x0 (stored as a no-op), addi, bne: ends with the branch.
    assert_eq!(b.n(), 4);
    assert_eq!(b.insns.len(), 4);
    assert_eq!(b.insns[1].op, Op::Fence);
    assert_eq!(b.insns[3].op, Op::Bne);
    assert_eq!(b.end(), CODE + 16);
    // The ecall block ends in the ecall itself.
    assert_eq!(cache.get(CODE + 16).unwrap().insns.len(), 1);

    // A block cut by the length limit ends with the marker.
    let n = crate::block::MAX_BLOCK_INSNS + 1;
    let mut insns = vec![NOP; n];
    insns.push(ECALL);
    let vm = exec(&insns, &[]);
    let b = vm.interp.cache().get(CODE).unwrap();
    assert_eq!(b.n(), n as u64 - 1);
    assert_eq!(*b.insns.last().unwrap(), END_MARKER);
}

#[test]
fn loops_hit_the_jump_cache() {
    let vm = exec(&[addi(5, 0, 100), addi(5, 5, -1), bne(5, 0, -4)], &[]);
    let s = vm.interp.stats();
    assert_eq!(s.blocks_built, 3);
    // One miss per block built; the 99 loop iterations hit.
    assert_eq!(s.lookup_misses, 3);
    assert_eq!(s.block_runs, 1 + 99 + 1);
}

#[test]
fn write_to_second_page_of_a_straddling_block_invalidates_it() {
    let mut vm = Vm::with_perms(&Code::new(), Perms::RWX);
    // c.addi x5, 1 at 0xffc; addi x6, x6, 3 across the page boundary; ecall.
    let mut bytes = c_addi(5, 1).to_le_bytes().to_vec();
    bytes.extend_from_slice(&addi(6, 6, 3).to_le_bytes());
    vm.mem.write_bytes_unchecked(CODE + 0xffc, &bytes).unwrap();
    vm.mem
        .write_bytes_unchecked(CODE + 0x1002, &ECALL.to_le_bytes())
        .unwrap();
    vm.cpu.pc = CODE + 0xffc;
    assert_eq!(vm.run(100), Exit::Ecall);
    assert!(vm.interp.cache().get(CODE + 0xffc).is_some());
    vm.interp.invalidate_page(CODE + 0x1000);
    assert!(vm.interp.cache().get(CODE + 0xffc).is_none());
    assert_eq!(vm.interp.stats().invalidations, 2);
}

#[test]
fn code_written_between_runs_is_seen_and_slots_are_reused() {
    let mut vm = Vm::with_perms(&Code::new().w(&[addi(5, 0, 0), ECALL]), Perms::RWX);
    for k in 0..50 {
        // A store through the guest path (as a syscall writing guest memory would).
        vm.mem.store_u32(CODE, addi(5, 0, k) as u64).unwrap();
        vm.cpu.pc = CODE;
        assert_eq!(vm.run(100), Exit::Ecall);
        assert_eq!(vm.x(5), k as u64);
    }
    let s = vm.interp.stats();
    assert_eq!(s.live_blocks, 1);
    assert_eq!(s.blocks_built, 50);
    assert_eq!(s.invalidations, 49);
}

#[test]
fn a_self_looping_block_is_counted_and_budgeted_exactly() {
    // One block looping to itself 1000 times: re-entered without a lookup,
    // yet every run is counted and the budget stops it at a block boundary.
    let mut vm = Vm::new(&Code::new().w(&[addi(5, 5, 1), addi(6, 6, 2), bne(5, 7, -8), ECALL]));
    vm.cpu.x[7] = 1000;
    assert_eq!(vm.run(301), Exit::Budget);
    // 101 runs of 3 instructions: the budget is checked after each block.
    assert_eq!(vm.cpu.instret, 303);
    assert_eq!((vm.x(5), vm.x(6), vm.cpu.pc), (101, 202, CODE));
    vm.run_ecall();
    assert_eq!((vm.x(5), vm.x(6)), (1000, 2000));
    assert_eq!(vm.interp.cache().get(CODE).unwrap().count(), 1000);
    assert_eq!(vm.interp.stats().lookup_misses, 2);
}

#[test]
fn a_self_looping_block_that_rewrites_itself_runs_the_new_code() {
    // loop: addi x5, x5, 1; sw x7, 0(x6); blt x5, x8, loop; ecall
    // The first store replaces the `addi` with `addi x5, x5, 10`: the next
    // iteration must run the new instruction, not the cached block.
    let mut vm = Vm::with_perms(
        &Code::new().w(&[addi(5, 5, 1), sw(7, 6, 0), blt(5, 8, -8), ECALL]),
        Perms::RWX,
    );
    vm.cpu.x[6] = CODE;
    vm.cpu.x[7] = addi(5, 5, 10) as u64;
    vm.cpu.x[8] = 30;
    vm.run_ecall();
    assert_eq!(vm.x(5), 31, "1, then 11, 21, 31 with the rewritten addi");
    assert_eq!(vm.cpu.instret, 4 * 3 + 1, "four iterations and the ecall");
}

#[test]
fn jump_cache_entries_follow_the_blocks_when_the_cache_grows() {
    // 300 blocks of `addi x5, x5, 1; j next`, run three times: the block
    // table grows (and moves) while the first pass builds them, and the
    // later passes enter every block from the jump cache.
    let mut code = Code::new();
    for _ in 0..300 {
        code = code.w(&[addi(5, 5, 1), jal(0, 4)]);
    }
    let back = -(300 * 8);
    let code = code.w(&[addi(6, 6, -1), bne(6, 0, back - 4), ECALL]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[6] = 3;
    vm.run_ecall();
    assert_eq!(vm.x(5), 900);
    assert_eq!(vm.cpu.instret, 3 * (300 * 2 + 2) + 1);
    let s = vm.interp.stats();
    assert_eq!(s.blocks_built, 302);
    assert_eq!(s.lookup_misses, 302, "every later entry hit the jump cache");
}
