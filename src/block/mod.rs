//! Block cache and execution profile.
//!
//! Guest code is decoded once into basic blocks of pre-decoded [`Insn`]s
//! ([`cache`]) which the interpreter then runs many times; every block counts
//! how often it ran ([`profile`]), which is the profile the JIT tier reads to
//! pick hot code. Blocks are invalidated per page when guest stores hit
//! decoded code, and all at once on `fence.i`.
//!
//! [`Insn`]: crate::decode::Insn

pub mod cache;
pub mod profile;

pub use cache::{Block, BlockCache, BuildError, END_MARKER, JUMP_CACHE_SIZE, MAX_BLOCK_INSNS};
pub use profile::{Counters, Stat, Stats};
