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
    assert_eq!(b.n, 4);
    assert_eq!(b.insns.len(), 4);
    assert_eq!(b.insns[1].op, Op::Fence);
    assert_eq!(b.insns[3].op, Op::Bne);
    assert_eq!(b.end, CODE + 16);
    // The ecall block ends in the ecall itself.
    assert_eq!(cache.get(CODE + 16).unwrap().insns.len(), 1);

    // A block cut by the length limit ends with the marker.
    let n = crate::block::MAX_BLOCK_INSNS + 1;
    let mut insns = vec![NOP; n];
    insns.push(ECALL);
    let vm = exec(&insns, &[]);
    let b = vm.interp.cache().get(CODE).unwrap();
    assert_eq!(b.n, n as u64 - 1);
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
