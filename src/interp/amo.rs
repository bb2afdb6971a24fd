//! The A extension: LR/SC and AMOs.
//!
//! This machine runs one hart at a time, so an AMO is a plain load, compute,
//! store. Natural alignment is required (misaligned -> `FaultKind::Misaligned`,
//! which the runtime turns into SIGBUS). Faults of the read half of an AMO are
//! reported as `Access::Write`, as an AMO is a store-class access. The
//! reservation is an address in [`Cpu::reservation`]; `sc` succeeds when it
//! matches and always clears it. A runtime that switches between guest threads
//! must clear the reservation of the thread it switches to, which turns the
//! reservation into a sound (if conservative) monitor.

use crate::cpu::{Cpu, NO_RESERVATION};
use crate::decode::{Insn, Op};
use crate::mem::{Access, AddressSpace, FaultKind, MemFault};

/// Executes one A-extension instruction. On `Err` nothing changed.
#[inline(never)]
pub(crate) fn exec(cpu: &mut Cpu, mem: &mut AddressSpace, i: Insn) -> Result<(), MemFault> {
    let addr = cpu.x[(i.rs1 & 31) as usize];
    let src = cpu.x[(i.rs2 & 31) as usize];
    let word = matches!(
        i.op,
        Op::LrW
            | Op::ScW
            | Op::AmoswapW
            | Op::AmoaddW
            | Op::AmoxorW
            | Op::AmoandW
            | Op::AmoorW
            | Op::AmominW
            | Op::AmomaxW
            | Op::AmominuW
            | Op::AmomaxuW
    );
    let size = if word { 4 } else { 8 };
    let is_lr = matches!(i.op, Op::LrW | Op::LrD);
    let access = if is_lr { Access::Read } else { Access::Write };
    if addr & (size - 1) != 0 {
        return Err(MemFault {
            addr,
            access,
            kind: FaultKind::Misaligned,
        });
    }
    let as_write = |f: MemFault| MemFault { access, ..f };
    let result = match i.op {
        Op::LrW | Op::LrD => {
            let v = load(mem, addr, word)?;
            cpu.reservation = addr;
            v
        }
        Op::ScW | Op::ScD => {
            if cpu.reservation == addr {
                if word {
                    mem.store_u32(addr, src)?;
                } else {
                    mem.store_u64(addr, src)?;
                }
                cpu.reservation = NO_RESERVATION;
                0
            } else {
                cpu.reservation = NO_RESERVATION;
                1
            }
        }
        _ => {
            let old = load(mem, addr, word).map_err(as_write)?;
            let new = if word {
                op_w(i.op, old, src)
            } else {
                op_d(i.op, old, src)
            };
            if word {
                mem.store_u32(addr, new)?;
            } else {
                mem.store_u64(addr, new)?;
            }
            old
        }
    };
    cpu.x[(i.rd & 31) as usize] = result;
    cpu.x[0] = 0;
    Ok(())
}

/// Loads a word (sign-extended) or doubleword.
fn load(mem: &mut AddressSpace, addr: u64, word: bool) -> Result<u64, MemFault> {
    if word {
        Ok(mem.load_u32(addr)? as i32 as i64 as u64)
    } else {
        mem.load_u64(addr)
    }
}

/// The new memory word of a `.w` AMO (`old` is sign-extended).
fn op_w(op: Op, old: u64, src: u64) -> u64 {
    let (a, b) = (old as i32, src as i32);
    let r = match op {
        Op::AmoswapW => b,
        Op::AmoaddW => a.wrapping_add(b),
        Op::AmoxorW => a ^ b,
        Op::AmoandW => a & b,
        Op::AmoorW => a | b,
        Op::AmominW => a.min(b),
        Op::AmomaxW => a.max(b),
        Op::AmominuW => (a as u32).min(b as u32) as i32,
        _ => (a as u32).max(b as u32) as i32,
    };
    r as u32 as u64
}

/// The new memory doubleword of a `.d` AMO.
fn op_d(op: Op, a: u64, b: u64) -> u64 {
    match op {
        Op::AmoswapD => b,
        Op::AmoaddD => a.wrapping_add(b),
        Op::AmoxorD => a ^ b,
        Op::AmoandD => a & b,
        Op::AmoorD => a | b,
        Op::AmominD => (a as i64).min(b as i64) as u64,
        Op::AmomaxD => (a as i64).max(b as i64) as u64,
        Op::AmominuD => a.min(b),
        _ => a.max(b),
    }
}
