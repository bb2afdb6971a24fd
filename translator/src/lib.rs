//! NanoVM's second execution tier: translates hot basic blocks (as decoded by
//! [`nanovm::decode`]) into WebAssembly modules that share the guest memory.
//!
//! This crate is a placeholder in the workspace layout: the translator is the
//! subject of its own issue. The interpreter in `nanovm` runs everything until
//! then, and the CPU-state layout it needs is fixed in [`nanovm::cpu`].

/// The CPU-state layout compiled code will read; re-exported so that the
/// translator and the machine can never disagree on offsets.
pub use nanovm::cpu::offsets as cpu_offsets;
