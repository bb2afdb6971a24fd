//! Page frames (4 KiB of host memory each), the resident-memory pool that
//! counts and limits them, shared-memory objects, and the per-space page table
//! that maps a guest page number to its frame.
//!
//! A frame is an `Rc` allocation that never moves while referenced, so the TLB
//! may hold raw host pointers into it. Copy-on-write is the reference count:
//! a private page whose frame has `strong_count > 1` is shared with another
//! address space (after `fork`) and is copied on the first write.
//!
//! The page table is a hash map keyed by page number with a one-multiply
//! hasher. It is only consulted on a TLB miss; the alternative of a radix tree
//! was rejected as more code for no gain at this level (the hot path is the TLB).

use super::PAGE_SIZE;
use core::cell::{Cell, RefCell, UnsafeCell};
use core::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// Counts the frames of a family of address spaces (one `new()` plus its
/// forks and `new_sibling`s) and enforces the resident limit.
#[derive(Debug)]
pub(crate) struct Pool {
    frames: Cell<u64>,
    limit_frames: Cell<u64>,
}

impl Pool {
    pub(crate) fn new() -> Rc<Pool> {
        Rc::new(Pool {
            frames: Cell::new(0),
            limit_frames: Cell::new(u64::MAX),
        })
    }

    pub(crate) fn set_limit_bytes(&self, bytes: u64) {
        self.limit_frames.set(bytes / PAGE_SIZE as u64);
    }

    pub(crate) fn frames(&self) -> u64 {
        self.frames.get()
    }
}

/// The 4 KiB of one page, in their own heap block.
type Bytes = UnsafeCell<[u8; PAGE_SIZE]>;

/// The bytes of one guest page plus the pool it is counted in.
pub(crate) struct FrameData {
    bytes: Box<Bytes>,
    pool: Rc<Pool>,
}

impl Drop for FrameData {
    fn drop(&mut self) {
        self.pool.frames.set(self.pool.frames.get() - 1);
    }
}

/// A reference-counted page frame.
pub(crate) type Frame = Rc<FrameData>;

/// Allocates a frame filled with zeros, or with a copy of `from`; `None` when
/// the pool's limit is reached or the host has no memory left.
///
/// The page's bytes come from a *fallible* allocation: on wasm32, a failed
/// `memory.grow` makes the global allocator return null here instead of
/// trapping the instance (`handle_alloc_error` aborts), so running out of
/// host memory becomes the guest's out-of-memory fault (the OOM killer), not a
/// crash. The small `Rc` header and the page-table entry are infallible
/// allocations; [`reserve`] keeps room for them.
pub(crate) fn alloc_frame(pool: &Rc<Pool>, from: Option<&Frame>) -> Option<Frame> {
    let n = pool.frames.get();
    if n >= pool.limit_frames.get() {
        return None;
    }
    let layout = std::alloc::Layout::new::<Bytes>();
    // SAFETY: `layout` has a nonzero size. The result is checked for null.
    let raw = unsafe {
        match from {
            None => std::alloc::alloc_zeroed(layout),
            Some(_) => std::alloc::alloc(layout),
        }
    } as *mut Bytes;
    if raw.is_null() {
        reserve::release();
        return None;
    }
    reserve::refill();
    if let Some(f) = from {
        // SAFETY: `raw` is a fresh, exclusive allocation of PAGE_SIZE bytes;
        // the source frame's bytes are only written through pointers derived
        // from the TLB or `host_ptr` by this single-threaded space, and no
        // such write is in progress while we copy.
        unsafe { core::ptr::copy_nonoverlapping(host_ptr(f), raw as *mut u8, PAGE_SIZE) };
    }
    // SAFETY: `raw` was allocated by the global allocator with the layout of
    // `Bytes` and is initialised (zeroed or copied), so a Box may own it.
    let bytes = unsafe { Box::from_raw(raw) };
    pool.frames.set(n + 1);
    Some(Rc::new(FrameData {
        bytes,
        pool: pool.clone(),
    }))
}

/// An emergency reserve of host memory (wasm32 only), taken at the first
/// frame allocation and freed as soon as a frame allocation fails, so that
/// the infallible allocations that follow (page-table entries, the kernel's
/// own bookkeeping while the OOM killer runs) still find memory. It is taken
/// again later on a best-effort basis (a fragmented heap may not give 16 MiB
/// in one piece): frames are never refused for want of it.
mod reserve {
    #[cfg(target_arch = "wasm32")]
    mod imp {
        use std::cell::{Cell, RefCell};

        /// Size of the reserve.
        const SIZE: usize = 16 << 20;
        /// While the reserve is not held, frame allocations between two
        /// attempts to take it again.
        const RETRY_EVERY: u32 = 1024;

        thread_local! {
            static HELD: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
            static UNTIL_RETRY: Cell<u32> = const { Cell::new(0) };
        }

        /// Takes the reserve if it is not held (not at every call).
        pub(crate) fn refill() {
            HELD.with(|h| {
                let mut h = h.borrow_mut();
                if h.is_some() {
                    return;
                }
                let wait = UNTIL_RETRY.with(|u| {
                    let n = u.get();
                    u.set(n.saturating_sub(1));
                    n
                });
                if wait > 0 {
                    return;
                }
                let mut v: Vec<u8> = Vec::new();
                if v.try_reserve_exact(SIZE).is_ok() {
                    *h = Some(v);
                } else {
                    UNTIL_RETRY.with(|u| u.set(RETRY_EVERY));
                }
            })
        }

        /// Frees the reserve.
        pub(crate) fn release() {
            HELD.with(|h| h.borrow_mut().take());
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod imp {
        /// Native hosts overcommit and have their own OOM killer: no reserve.
        pub(crate) fn refill() {}
        /// Nothing to free.
        pub(crate) fn release() {}
    }

    pub(crate) use imp::{refill, release};
}

/// Host address of the first byte of the frame; stable while the `Rc` lives.
#[inline]
pub(crate) fn host_ptr(f: &Frame) -> *mut u8 {
    f.bytes.get() as *mut u8
}

/// The frames of one anonymous `MAP_SHARED` mapping, indexed by page offset
/// inside the original mapping. Every address space that maps it (through
/// `fork`) finds or creates the same frame here on first touch.
pub(crate) struct SharedObj {
    pub(crate) pages: RefCell<PageMap<Frame>>,
    /// Pages of the file behind the object (`u64::MAX` for anonymous
    /// memory): a page at or past it that has no frame yet faults with
    /// `FaultKind::PastEof`.
    pub(crate) size_pages: Cell<u64>,
}

impl Default for SharedObj {
    fn default() -> Self {
        SharedObj {
            pages: RefCell::default(),
            size_pages: Cell::new(u64::MAX),
        }
    }
}

/// A page-table entry.
#[derive(Clone)]
pub(crate) struct Page {
    pub(crate) frame: Frame,
    /// The interpreter decoded code from this page (`mark_code`): writes take
    /// the slow path and are recorded.
    pub(crate) code: bool,
}

/// Hasher for page numbers: one multiply by an odd constant (Fibonacci
/// hashing); hashbrown takes the top bits for the group tag.
#[derive(Default, Clone, Copy)]
pub(crate) struct PageHasher(u64);

impl Hasher for PageHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.0 = (v ^ self.0).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// A hash map keyed by page number.
pub(crate) type PageMap<V> = hashbrown::HashMap<u64, V, BuildHasherDefault<PageHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_counts_and_limits() {
        let pool = Pool::new();
        pool.set_limit_bytes(2 * PAGE_SIZE as u64);
        let a = alloc_frame(&pool, None).unwrap();
        // SAFETY: `a` is the only reference; nothing else touches the bytes.
        unsafe { *host_ptr(&a).add(7) = 9 };
        let b = alloc_frame(&pool, Some(&a)).unwrap();
        // SAFETY: `b` is a live frame of PAGE_SIZE bytes.
        assert_eq!(unsafe { *host_ptr(&b).add(7) }, 9);
        assert_eq!(pool.frames(), 2);
        assert!(alloc_frame(&pool, None).is_none());
        drop(a);
        assert_eq!(pool.frames(), 1);
        assert!(alloc_frame(&pool, None).is_some());
        drop(b);
        assert_eq!(pool.frames(), 0);
    }
}
