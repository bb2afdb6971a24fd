//! The active CPU: where the dispatch loop keeps the running hart's state.
//!
//! In wasm, the loop runs on a copy of the caller's [`Cpu`] in a static slot
//! ([`with_active`]), copied in when `run_blocks` starts and back out when it
//! returns. A register access is then a load or store whose address is a
//! constant plus the register's byte offset, which the wasm `offset`
//! immediate encodes and V8 folds into one x86 addressing mode: no `add` per
//! operand, and one register fewer for V8's allocator in a loop that spills
//! (measured with callgrind on the interpreter benchmark: 10-11% fewer host
//! instructions per guest instruction). The copy is two 0.5 KiB memcpys per
//! call, i.e. per syscall or budget slice.
//!
//! Natively (and in a threaded wasm build) x86-64 and aarch64 cannot encode
//! a static address plus an index register in position-independent code,
//! and several interpreters may run on different threads, so the loop runs
//! on the caller's `Cpu` in place.
//!
//! Rejected: keeping every thread's `Cpu` at a fixed address permanently
//! (the runtime moves threads between tables; a context switch would copy
//! anyway). A `thread_local!` slot was not tried: a plain static is the
//! simplest way to give LLVM a constant address, and this build has no
//! threads to keep apart.

use crate::cpu::Cpu;

#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
mod slot {
    use super::Cpu;
    use core::cell::UnsafeCell;
    use core::mem::MaybeUninit;

    /// The slot. Zeroed memory is a valid `Cpu` (plain integers and arrays),
    /// and it is always overwritten before use.
    pub struct Slot(UnsafeCell<MaybeUninit<Cpu>>);

    // SAFETY: this build has no threads (no `atomics` target feature), so
    // the slot is never reached from two threads.
    unsafe impl Sync for Slot {}

    pub static ACTIVE: Slot = Slot(UnsafeCell::new(MaybeUninit::zeroed()));

    impl Slot {
        pub fn get(&self) -> *mut Cpu {
            self.0.get().cast()
        }
    }
}

/// Runs `f` on the active copy of `cpu` (see the module docs) and writes the
/// copy back afterwards. Not reentrant: `f` must not call it again (the
/// dispatch loop never does).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[inline(always)]
pub(crate) fn with_active<R>(cpu: &mut Cpu, f: impl FnOnce(&mut Cpu) -> R) -> R {
    let slot = slot::ACTIVE.get();
    // SAFETY: the slot is valid for a `Cpu` (zero-initialized, see `Slot`)
    // and, with no threads and no reentrant call, nothing else refers to it
    // while this function runs.
    unsafe {
        core::ptr::copy_nonoverlapping(cpu as *const Cpu, slot, 1);
        let r = f(&mut *slot);
        core::ptr::copy_nonoverlapping(slot as *const Cpu, cpu as *mut Cpu, 1);
        r
    }
}

/// Runs `f` on `cpu` in place (see the module docs).
#[cfg(not(all(target_family = "wasm", not(target_feature = "atomics"))))]
#[inline(always)]
pub(crate) fn with_active<R>(cpu: &mut Cpu, f: impl FnOnce(&mut Cpu) -> R) -> R {
    f(cpu)
}
