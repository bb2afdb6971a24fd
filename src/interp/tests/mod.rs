//! Interpreter tests: little hand-assembled programs run from a fresh
//! address space, checked against the RISC-V specification's results.

mod asm;
mod atomic;
mod cache;
mod control;
mod fpu;
mod fused;
mod integer;
mod memory;
mod qemu;
mod resume;
mod self_loop;
mod system;
mod tail;

use super::{Exit, Interp};
use crate::cpu::Cpu;
use crate::mem::{AddressSpace, Perms};
use asm::Code;

/// Where test code is loaded.
pub const CODE: u64 = 0x10000;
/// A 64 KiB read-write data area.
pub const DATA: u64 = 0x40000;

/// A hart, its memory and an interpreter.
pub struct Vm {
    pub cpu: Cpu,
    pub mem: AddressSpace,
    pub interp: Interp,
}

impl Vm {
    /// Loads `code` at [`CODE`] (read+execute, 16 KiB) with [`DATA`] mapped.
    pub fn new(code: &Code) -> Vm {
        Self::with_perms(code, Perms::RX)
    }

    /// Like [`new`](Self::new) with the code pages' permissions given.
    pub fn with_perms(code: &Code, perms: Perms) -> Vm {
        let mut mem = AddressSpace::new();
        mem.map_fixed(CODE, 0x4000, perms).unwrap();
        mem.map_fixed(DATA, 0x10000, Perms::RW).unwrap();
        mem.write_bytes_unchecked(CODE, &code.0).unwrap();
        Vm {
            cpu: Cpu::new(CODE),
            mem,
            interp: Interp::new(),
        }
    }

    pub fn run(&mut self, budget: u64) -> Exit {
        self.interp.run(&mut self.cpu, &mut self.mem, budget)
    }

    /// Runs until the program's `ecall`, asserting that is how it stops.
    pub fn run_ecall(&mut self) -> &mut Self {
        assert_eq!(self.run(1_000_000), Exit::Ecall);
        self
    }

    pub fn x(&self, r: usize) -> u64 {
        self.cpu.x[r]
    }
}

/// Runs `insns` followed by `ecall` with registers preset by `regs`
/// (`(reg, value)` pairs) and returns the final register file.
pub fn exec(insns: &[u32], regs: &[(usize, u64)]) -> Vm {
    let mut vm = Vm::new(&Code::new().w(insns).w(&[asm::ECALL]));
    for &(r, v) in regs {
        vm.cpu.x[r] = v;
    }
    vm.cpu.x[2] = DATA + 0x8000;
    for &(r, v) in regs {
        vm.cpu.x[r] = v;
    }
    vm.run_ecall();
    assert_eq!(vm.cpu.x[0], 0, "x0 must stay zero");
    vm
}
