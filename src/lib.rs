//! # nanovm: the RV64GC machine
//!
//! The machine half of NanoVM: instruction decoder, CPU state, guest memory
//! with page permissions, the interpreter with its block cache and profiler.
//! It knows nothing of Linux or of the host: a run stops at `ecall`, at a
//! fault or when its instruction budget is spent, and the caller (the Linux
//! personality in `nanovm-runtime`) decides what happens next.
//!
//! ```ignore
//! use nanovm::{cpu::Cpu, mem::{AddressSpace, Perms}, interp::{Interp, Exit}};
//! let mut mem = AddressSpace::new();
//! mem.map_fixed(0x1000, 0x1000, Perms::RX).unwrap();
//! // addi a0, zero, 42 ; ecall
//! mem.write_bytes_unchecked(0x1000, &[0x13, 0x05, 0xa0, 0x02, 0x73, 0x00, 0x00, 0x00]).unwrap();
//! let mut cpu = Cpu::new(0x1000);
//! let mut interp = Interp::new();
//! assert_eq!(interp.run(&mut cpu, &mut mem, 1000), Exit::Ecall);
//! assert_eq!(cpu.x[10], 42);
//! ```

pub mod block;
pub mod cpu;
pub mod decode;
pub mod fpu;
pub mod interp;
pub mod mem;
