//! A block's interpreter code: its [`XInsn`] slots, then a [`Tail`] with what
//! the dispatch loop needs at the block's end, in one allocation.
//!
//! The loop holds one pointer, to the slot it runs. Every block ends with a
//! closing unit of two slots: a fused pair whose second half is the closing
//! branch, or the slot that leaves the block (a control transfer, the end
//! marker, a stop) and a pad slot that never runs. The tail lies right after
//! it, so at the block's end the tail is two slots from the loop's pointer,
//! whichever arm left: the end and taken addresses for the jump and branch
//! arms, the length for the budget, the run counter, and the start pc and
//! first slot for re-entering a block that loops to itself. The loop needs no pointer
//! to the [`Block`](crate::block::Block) itself, which V8 would otherwise
//! keep in a stack slot and reload at every block end. An `auipc` reaches
//! the tail by the slot distance it carries, and so do the out-of-line
//! paths from a slot that left the loop (see [`tail_of`]); the tail holds
//! the block's index in the cache.

use core::mem::size_of;

use super::lower::{is_cond_branch, is_fused_branch, XInsn, XOp};

/// What the dispatch loop reads at a block's end, stored after the last slot.
#[repr(C)]
pub(crate) struct Tail {
    /// Marks the tail for a forward scan: `op` is [`XOp::Tail`], which no
    /// slot has; `imm` is the block's index in the cache.
    head: XInsn,
    /// Address after the block's last instruction.
    pub end: u64,
    /// Where the closing jump or branch goes when taken (`end` for a block
    /// that closes otherwise): static, so the arms need not add an offset.
    pub taken: u64,
    /// The block's start pc.
    pub pc: u64,
    /// Number of guest instructions (without the end marker).
    pub n: u64,
    /// How many times the block ran (the JIT profile): counted at its end,
    /// or where it stopped.
    pub count: u64,
    /// The first slot.
    pub start: *mut XInsn,
}

/// Words (8 bytes, the size of a slot) a [`Tail`] takes.
const TAIL_WORDS: usize = size_of::<Tail>().div_ceil(8);

/// A block's slots and tail. Stored as words, so that every part is
/// aligned for its fields and no word is ever read as anything but what was
/// written there.
pub(crate) struct Code {
    words: Box<[u64]>,
    /// Number of slots.
    len: usize,
}

const _: () = assert!(size_of::<XInsn>() == 8 && core::mem::align_of::<XInsn>() <= 8);
const _: () = assert!(core::mem::align_of::<Tail>() <= 8);

impl Code {
    /// The slots (a block's lowered instructions, see
    /// [`lower`](super::lower::lower)) with a tail for a block at `pc`..`end`
    /// of `n` guest instructions; the block's index is set by
    /// [`set_index`](Self::set_index).
    pub fn new(mut slots: Vec<XInsn>, pc: u64, end: u64, n: u64) -> Code {
        debug_assert!(!slots.is_empty() && slots.iter().all(|s| s.op != XOp::Tail));
        // The closing op is the last slot (a fused pair keeps the branch's
        // single form in its second slot); its offset is from the end.
        let last = slots[slots.len() - 1];
        let taken = if is_cond_branch(last.op) || matches!(last.op, XOp::J | XOp::Jal) {
            end.wrapping_add(last.imm as i64 as u64)
        } else {
            end
        };
        // The closing unit: a fused closing pair, or the last slot and a pad.
        let k = slots.len();
        if !(k >= 2 && is_fused_branch(slots[k - 2].op)) {
            slots.push(XInsn::bare(XOp::Nop));
        }
        let len = slots.len();
        // An `auipc` finds the block's start pc in the tail, and the
        // out-of-line path the block of a slot that may go there (see
        // `tail_of`), by the distance in a field their op does not use.
        for (k, x) in slots.iter_mut().enumerate() {
            let d = u8::try_from(len - k).expect("the distance to the tail fits a byte");
            match distance_field(x.op) {
                Some(Field::Rd) => x.rd = d,
                Some(Field::Rs1) => x.rs1 = d,
                Some(Field::Rs2) => x.rs2 = d,
                Some(Field::ImmHigh) => x.imm = (x.imm & 0xffff) | (d as i32) << 16,
                None => {}
            }
        }
        let mut words = vec![0u64; len + TAIL_WORDS].into_boxed_slice();
        let base = words.as_mut_ptr().cast::<XInsn>();
        // SAFETY: `words` has room for `len` slots and a tail after them,
        // all 8-aligned (asserted above), and nothing else refers to it yet.
        unsafe {
            core::ptr::copy_nonoverlapping(slots.as_ptr(), base, len);
            base.add(len).cast::<Tail>().write(Tail {
                head: XInsn::bare(XOp::Tail),
                end,
                taken,
                pc,
                n,
                count: 0,
                start: base,
            });
        }
        Code { words, len }
    }

    /// No slots and no tail (a dead block's).
    pub fn empty() -> Code {
        Code {
            words: Box::new([]),
            len: 0,
        }
    }

    /// Records the block's index in the cache in the tail.
    pub fn set_index(&mut self, idx: u32) {
        self.tail_mut().head.imm = idx as i32;
    }

    /// The slots.
    pub fn slots(&self) -> &[XInsn] {
        // SAFETY: the first `len` words hold slots (see `new`).
        unsafe { core::slice::from_raw_parts(self.words.as_ptr().cast::<XInsn>(), self.len) }
    }

    /// The first slot, where the dispatch loop enters (also the tail's
    /// `start`).
    pub fn entry(&mut self) -> *mut XInsn {
        debug_assert!(!self.words.is_empty());
        self.words.as_mut_ptr().cast::<XInsn>()
    }

    /// The tail.
    pub fn tail(&self) -> &Tail {
        assert!(!self.words.is_empty(), "a dead block has no tail");
        // SAFETY: a tail was written after the `len` slots (see `new`).
        unsafe { &*self.words.as_ptr().add(self.len).cast::<Tail>() }
    }

    fn tail_mut(&mut self) -> &mut Tail {
        assert!(!self.words.is_empty(), "a dead block has no tail");
        // SAFETY: as in `tail`.
        unsafe { &mut *self.words.as_mut_ptr().add(self.len).cast::<Tail>() }
    }

    /// Runs counted (0 for a dead block).
    pub fn count(&self) -> u64 {
        if self.words.is_empty() {
            0
        } else {
            self.tail().count
        }
    }
}

impl core::fmt::Debug for Code {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.slots()).finish()
    }
}

/// Where a slot keeps its distance to the tail: a field its op leaves
/// unused.
enum Field {
    Rd,
    Rs1,
    Rs2,
    /// Bits 16..24 of `imm` (the FP ops keep `rm << 8 | rs3` below).
    ImmHigh,
}

/// The field that holds the distance to the tail in the slots that need
/// it: `auipc` (for the start pc) and the ops that may leave the dispatch
/// loop for the out-of-line path or stop there.
fn distance_field(op: XOp) -> Option<Field> {
    use XOp::*;
    match op {
        Auipc | Generic | Ecall => Some(Field::Rs1),
        Lb | Lh | Lw | Ld | Lbu | Lhu | Lwu | Flw | Fld | LdLd | LbuAddi => Some(Field::Rs2),
        Sb | Sh | Sw | Sd | Fsw | Fsd | SdSd | SbAdd => Some(Field::Rd),
        FaddD | FsubD | FmulD | FdivD | FmaddD | FmsubD | FnmsubD | FnmaddD => Some(Field::ImmHigh),
        _ => None,
    }
}

/// The tail of the block whose slot `at` is (a slot of a live block): at
/// the distance the slot carries (see [`distance_field`]), or else found by
/// a scan for the tail's marker.
///
/// # Safety
/// `at` must point at a slot of a live block's [`Code`].
#[inline(always)]
pub(crate) unsafe fn tail_of(at: *const XInsn) -> *mut Tail {
    // SAFETY: the caller's slot is followed, after the block's other
    // slots, by the tail (see `Code::new` for the distances), whose marker
    // stops the scan.
    unsafe {
        let i = &*at;
        let d = match distance_field(i.op) {
            Some(Field::Rd) => i.rd,
            Some(Field::Rs1) => i.rs1,
            Some(Field::Rs2) => i.rs2,
            Some(Field::ImmHigh) => (i.imm >> 16) as u8,
            None => 0,
        };
        // (A distance past the tail would read beyond it: checked here in
        // debug builds, which the tests run.)
        debug_assert!((0..d as usize).all(|j| (*at.add(j)).op != XOp::Tail));
        let mut q = at.add(d as usize);
        while (*q).op != XOp::Tail {
            q = q.add(1);
        }
        q.cast_mut().cast::<Tail>()
    }
}

/// The index in the cache of the block whose tail is `t`.
///
/// # Safety
/// `t` must point at a live block's tail.
#[inline(always)]
pub(crate) unsafe fn block_index(t: *const Tail) -> u32 {
    // SAFETY: the caller's promise.
    unsafe { (*t).head.imm as u32 }
}

/// The tail after a block's closing unit, whose first slot is `last`.
///
/// # Safety
/// `last` must point at the first slot of a live block's closing unit.
#[inline(always)]
pub(crate) unsafe fn tail_after(last: *const XInsn) -> *mut Tail {
    // SAFETY: the tail follows the two slots of the closing unit (see
    // `Code::new`).
    unsafe { last.add(2).cast_mut().cast::<Tail>() }
}
