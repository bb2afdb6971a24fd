//! # nanovm-runtime: NanoVM's Linux personality
//!
//! Turns the bare RV64GC machine of the `nanovm` crate into a Linux process:
//! validates and loads static riscv64 ELF programs ([`elf`], [`loader`]),
//! builds the initial stack Linux would ([`stack`]), answers system calls
//! ([`syscall`]) and maps faults to signals. [`Vm`] ties it together;
//! [`Host`] is everything it needs from the outside world, so the same code
//! runs natively (`nanovm run`, tests) and in wasm under JS.
//!
//! ```no_run
//! use nanovm_runtime::{CaptureHost, Options, RunState, Vm};
//! let elf = std::fs::read("hello").unwrap();
//! let mut vm = Vm::load(&elf, &[b"hello".to_vec()], &[], &Options::default()).unwrap();
//! let mut host = CaptureHost::default();
//! while vm.run(&mut host, 1 << 24) == RunState::Running {}
//! ```
//!
//! Files: the guest sees the [`vfs`] through [`fsctx`] (an in-memory tree
//! by default, or a host directory with `--root`). Processes and threads are
//! scheduled by [`Vm`] over the [`kernel`]'s tables; blocking calls park
//! threads ([`sched`]). Signals are delivered to handlers with the kernel's
//! riscv64 signal frame ([`signal`]).
//!
//! Not yet: dynamic linking.

pub mod elf;
pub mod errno;
pub mod fsctx;
pub mod host;
#[cfg(not(target_arch = "wasm32"))]
pub mod host_tty;
pub mod itimer;
pub mod kernel;
pub mod layout;
pub mod loader;
pub mod procview;
pub mod sched;
pub mod sigframe;
pub mod signal;
pub mod stack;
pub mod syscall;
pub mod task;
pub mod tty;
pub mod vfs;
pub mod vm;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use errno::Errno;
#[cfg(not(target_arch = "wasm32"))]
pub use host::StdHost;
pub use host::{CaptureHost, Host, StdioKind};
pub use vm::{KillInfo, LoadError, Options, RunState, Vm, VmStats};
