//! [`AddressSpace`]: the state of one guest process's memory and its mapping
//! operations (map, unmap, protect, fork, find_free). The access paths (loads,
//! stores, fetches, byte copies) are in `access.rs`.

use super::frame::{host_ptr, Page, PageMap, Pool, SharedObj};
use super::perms::Perms;
use super::tlb::Tlb;
use super::vma::{Region, Vma, VmaMap};
use super::{MapError, PAGE_MASK, PAGE_SHIFT, PAGE_SIZE};
use std::rc::Rc;

/// One past the highest user address a mapping may cover (2^47, as on a
/// 4-level page table).
pub const USER_TOP: u64 = 1 << 47;
/// Lowest address `find_free` hands out (Linux's default `mmap_min_addr`).
pub const MMAP_MIN: u64 = 0x1_0000;
/// Default top of the `find_free` search: 256 MiB below 2^38 (the Sv39 user
/// limit), leaving room above for the stack.
pub const DEFAULT_MMAP_TOP: u64 = 0x3f_f000_0000;

/// The memory of one guest process: regions, page table, frames and TLB.
pub struct AddressSpace {
    /// Boxed so its address stays fixed for compiled code.
    pub(crate) tlb: Box<Tlb>,
    pub(crate) vmas: VmaMap,
    pub(crate) pages: PageMap<Page>,
    pub(crate) pool: Rc<Pool>,
    pub(crate) code_writes: Vec<u64>,
    mmap_top: u64,
}

impl Default for AddressSpace {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for AddressSpace {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AddressSpace")
            .field("regions", &self.regions().len())
            .field("resident_bytes", &self.resident_bytes())
            .field("mmap_top", &self.mmap_top)
            .finish()
    }
}

/// Validates `addr`/`len` of a mapping call and returns `[start, end)`.
fn range(addr: u64, len: u64) -> Result<(u64, u64), MapError> {
    if addr & PAGE_MASK != 0 || len == 0 {
        return Err(MapError::Invalid);
    }
    let len = len.checked_add(PAGE_MASK).ok_or(MapError::Invalid)? & !PAGE_MASK;
    let end = addr.checked_add(len).ok_or(MapError::Invalid)?;
    if end > USER_TOP {
        return Err(MapError::Invalid);
    }
    Ok((addr, end))
}

impl AddressSpace {
    /// An empty address space with no resident limit.
    pub fn new() -> Self {
        Self::with_pool(Pool::new())
    }

    fn with_pool(pool: Rc<Pool>) -> Self {
        AddressSpace {
            tlb: Tlb::new_boxed(),
            vmas: VmaMap::default(),
            pages: PageMap::default(),
            pool,
            code_writes: Vec::new(),
            mmap_top: DEFAULT_MMAP_TOP,
        }
    }

    /// An empty address space that shares this one's frame pool and limit
    /// (for `execve`: the new image stays under the same memory limit).
    pub fn new_sibling(&self) -> Self {
        Self::with_pool(self.pool.clone())
    }

    /// Caps the frames resident in this space's pool (shared with its forks
    /// and siblings) at `bytes`, rounded down to pages. A first touch or
    /// copy-on-write past it faults with `FaultKind::OutOfMemory`.
    pub fn set_limit(&mut self, bytes: u64) {
        self.pool.set_limit_bytes(bytes);
    }

    /// Bytes of pages present in this space (like Linux RSS: a frame shared
    /// with another space counts in both).
    pub fn resident_bytes(&self) -> u64 {
        self.pages.len() as u64 * PAGE_SIZE as u64
    }

    /// Bytes of distinct frames allocated by this space's pool (all forks).
    pub fn pool_resident_bytes(&self) -> u64 {
        self.pool.frames() * PAGE_SIZE as u64
    }

    /// The software TLB (layout in `nanovm::mem::tlb`).
    pub fn tlb(&self) -> &Tlb {
        &self.tlb
    }

    /// Sets the top of the top-down `find_free` search.
    pub fn set_mmap_top(&mut self, addr: u64) {
        self.mmap_top = (addr & !PAGE_MASK).min(USER_TOP);
    }

    /// The top of the `find_free` search.
    pub fn mmap_top(&self) -> u64 {
        self.mmap_top
    }

    /// Drops pages, regions and TLB entries of `[start, end)`; pages marked
    /// as code are reported through `take_code_writes`.
    fn clear(&mut self, start: u64, end: u64) {
        let (svpn, evpn) = (start >> PAGE_SHIFT, end >> PAGE_SHIFT);
        if evpn - svpn <= self.pages.len() as u64 {
            for vpn in svpn..evpn {
                if let Some(p) = self.pages.remove(&vpn) {
                    if p.code {
                        self.code_writes.push(vpn << PAGE_SHIFT);
                    }
                }
            }
        } else {
            let writes = &mut self.code_writes;
            self.pages.retain(|&vpn, p| {
                let inside = vpn >= svpn && vpn < evpn;
                if inside && p.code {
                    writes.push(vpn << PAGE_SHIFT);
                }
                !inside
            });
        }
        self.vmas.remove(start, end);
        self.tlb.flush_range(svpn, evpn);
    }

    fn map_with(&mut self, addr: u64, len: u64, vma: Vma) -> Result<(), MapError> {
        let (start, end) = range(addr, len)?;
        self.clear(start, end);
        self.vmas.insert(start, Vma { end, ..vma });
        Ok(())
    }

    /// Maps anonymous zero-filled memory at `[addr, addr+len)`, replacing any
    /// mapping there (`MAP_FIXED`). Frames are allocated on first touch.
    pub fn map_fixed(&mut self, addr: u64, len: u64, perms: Perms) -> Result<(), MapError> {
        let vma = Vma {
            end: 0,
            perms,
            shared: None,
            past_eof: false,
        };
        self.map_with(addr, len, vma)
    }

    /// Maps `[addr, addr+len)` as the part of a private file mapping that
    /// lies wholly past the end of the file (replacing what was there): any
    /// access, checked or not, faults with `FaultKind::PastEof` (Linux's
    /// SIGBUS).
    pub fn map_past_eof(&mut self, addr: u64, len: u64, perms: Perms) -> Result<(), MapError> {
        let vma = Vma {
            end: 0,
            perms,
            shared: None,
            past_eof: true,
        };
        self.map_with(addr, len, vma)
    }

    /// Like [`map_fixed`](Self::map_fixed) but fails with `Exists` if any page
    /// of the range is already mapped.
    pub fn map_fixed_noreplace(
        &mut self,
        addr: u64,
        len: u64,
        perms: Perms,
    ) -> Result<(), MapError> {
        let (start, end) = range(addr, len)?;
        if self.vmas.overlaps(start, end) {
            return Err(MapError::Exists);
        }
        self.map_fixed(addr, len, perms)
    }

    /// Maps anonymous shared memory (`MAP_SHARED|MAP_ANONYMOUS|MAP_FIXED`):
    /// after `fork` both spaces see the same frames.
    pub fn map_shared_fixed(&mut self, addr: u64, len: u64, perms: Perms) -> Result<(), MapError> {
        let vma = Vma {
            end: 0,
            perms,
            shared: Some((Rc::new(SharedObj::default()), 0)),
            past_eof: false,
        };
        self.map_with(addr, len, vma)
    }

    /// Maps pages `[first_page, first_page + len/PAGE)` of an existing shared
    /// object at `[addr, addr+len)` (`MAP_SHARED` of a file: every mapping of
    /// the same file, in any space, sees the same frames).
    pub fn map_shared_obj(
        &mut self,
        addr: u64,
        len: u64,
        perms: Perms,
        obj: &SharedMem,
        first_page: u64,
    ) -> Result<(), MapError> {
        let vma = Vma {
            end: 0,
            perms,
            shared: Some((obj.0.clone(), first_page)),
            past_eof: false,
        };
        self.map_with(addr, len, vma)
    }

    /// Gives shared object `obj` page `idx` filled with `data` (at most a
    /// page, the rest zero) unless it has one; the frame counts in this
    /// space's pool. False when no frame could be had.
    pub fn fill_shared_page(&mut self, obj: &SharedMem, idx: u64, data: &[u8]) -> bool {
        let mut pages = obj.0.pages.borrow_mut();
        if pages.contains_key(&idx) {
            return true;
        }
        let Some(f) = super::frame::alloc_frame(&self.pool, None) else {
            return false;
        };
        let n = data.len().min(PAGE_SIZE);
        // SAFETY: `f` is a fresh PAGE_SIZE frame nobody else references yet.
        unsafe { core::ptr::copy_nonoverlapping(data.as_ptr(), host_ptr(&f), n) };
        pages.insert(idx, f);
        true
    }

    /// The shared object mapped at `addr` and the index in it of the page
    /// holding `addr`, or `None` when `addr` is unmapped or private.
    pub fn shared_at(&self, addr: u64) -> Option<(SharedMem, u64)> {
        let (start, vma) = self.vmas.find(addr)?;
        let (obj, base) = vma.shared.as_ref()?;
        Some((
            SharedMem(obj.clone()),
            base + ((addr - start) >> PAGE_SHIFT),
        ))
    }

    /// A free page-aligned range of `len` bytes: `hint` if it is page aligned,
    /// nonzero, below [`USER_TOP`] and free; otherwise the highest free range
    /// below `mmap_top` (and at or above [`MMAP_MIN`]).
    pub fn find_free(&self, hint: u64, len: u64) -> Option<u64> {
        if len == 0 {
            return None;
        }
        let len = len.checked_add(PAGE_MASK)? & !PAGE_MASK;
        if hint != 0 && hint >= MMAP_MIN {
            if let Ok((s, e)) = range(hint, len) {
                if !self.vmas.overlaps(s, e) {
                    return Some(s);
                }
            }
        }
        self.vmas.find_free_below(self.mmap_top, MMAP_MIN, len)
    }

    /// Unmaps `[addr, addr+len)`; unmapped holes in the range are fine.
    pub fn unmap(&mut self, addr: u64, len: u64) -> Result<(), MapError> {
        let (start, end) = range(addr, len)?;
        self.clear(start, end);
        Ok(())
    }

    /// Changes the permissions of `[addr, addr+len)`. `NoMemory` (and no
    /// change) if part of the range is unmapped. Pages marked as code whose
    /// execute permission is removed are reported through `take_code_writes`.
    pub fn protect(&mut self, addr: u64, len: u64, perms: Perms) -> Result<(), MapError> {
        if len == 0 {
            return if addr & PAGE_MASK == 0 {
                Ok(())
            } else {
                Err(MapError::Invalid)
            };
        }
        let (start, end) = range(addr, len)?;
        if !self.vmas.covers(start, end) {
            return Err(MapError::NoMemory);
        }
        let (svpn, evpn) = (start >> PAGE_SHIFT, end >> PAGE_SHIFT);
        if !perms.contains(Perms::X) {
            self.record_code_in(svpn, evpn);
        }
        self.vmas.protect(start, end, perms);
        self.tlb.flush_range(svpn, evpn);
        Ok(())
    }

    /// Reports (and unmarks) the code pages in `[svpn, evpn)`.
    fn record_code_in(&mut self, svpn: u64, evpn: u64) {
        if evpn - svpn <= self.pages.len() as u64 {
            for vpn in svpn..evpn {
                if let Some(p) = self.pages.get_mut(&vpn) {
                    if p.code {
                        p.code = false;
                        self.code_writes.push(vpn << PAGE_SHIFT);
                    }
                }
            }
        } else {
            for (&vpn, p) in self.pages.iter_mut() {
                if vpn >= svpn && vpn < evpn && p.code {
                    p.code = false;
                    self.code_writes.push(vpn << PAGE_SHIFT);
                }
            }
        }
    }

    /// True if every byte of `[addr, addr+len)` is mapped (any permissions).
    pub fn is_mapped(&self, addr: u64, len: u64) -> bool {
        match addr.checked_add(len) {
            Some(end) => self.vmas.covers(addr, end),
            None => false,
        }
    }

    /// The mapped regions in address order (adjacent private regions with the
    /// same permissions are merged, as Linux shows them).
    pub fn regions(&self) -> Vec<Region> {
        let mut out: Vec<Region> = Vec::new();
        for (start, v) in self.vmas.iter() {
            let r = Region {
                start,
                end: v.end,
                perms: v.perms,
                shared: v.shared.is_some(),
            };
            match out.last_mut() {
                Some(l) if l.end == start && !l.shared && !r.shared && l.perms == r.perms => {
                    l.end = r.end
                }
                _ => out.push(r),
            }
        }
        out
    }

    /// A copy-on-write copy of this space (for `fork`). Private pages become
    /// copy-on-write in both; shared mappings keep sharing frames; code marks
    /// and pending code writes are copied. The limit pool is shared.
    pub fn fork(&mut self) -> AddressSpace {
        // Our frames are now referenced twice: no direct writes any more.
        self.tlb.flush_writes();
        AddressSpace {
            tlb: Tlb::new_boxed(),
            vmas: self.vmas.clone(),
            pages: self.pages.clone(),
            pool: self.pool.clone(),
            code_writes: self.code_writes.clone(),
            mmap_top: self.mmap_top,
        }
    }

    /// Marks the page holding `addr` as containing decoded code: the next
    /// store to it takes the slow path, unmarks it and records the page for
    /// [`take_code_writes`](Self::take_code_writes). Unmapping or removing X
    /// from a marked page records it too. Marks are per address space.
    pub fn mark_code(&mut self, addr: u64) {
        let vpn = addr >> PAGE_SHIFT;
        if let Some(p) = self.pages.get_mut(&vpn) {
            p.code = true;
            self.tlb.flush_page_write(vpn);
        }
    }

    /// True if code pages were written (or unmapped) since the last
    /// [`take_code_writes`](Self::take_code_writes).
    #[inline(always)]
    pub fn code_writes_pending(&self) -> bool {
        !self.code_writes.is_empty()
    }

    /// Page addresses of code pages written since the last call, or `None`.
    #[inline]
    pub fn take_code_writes(&mut self) -> Option<Vec<u64>> {
        if self.code_writes.is_empty() {
            None
        } else {
            let mut v = core::mem::take(&mut self.code_writes);
            v.sort_unstable();
            v.dedup();
            Some(v)
        }
    }

    /// Number of regions kept internally (tests check merging).
    #[cfg(test)]
    pub(crate) fn vma_count(&self) -> usize {
        self.vmas.len()
    }
}

/// A handle on a shared-memory object: the frames behind `MAP_SHARED`
/// mappings, indexed by page. Clones name the same object.
#[derive(Clone, Default)]
pub struct SharedMem(pub(crate) Rc<SharedObj>);

impl SharedMem {
    /// A new, empty object (pages are created on first touch).
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether page `idx` has a frame yet (was touched through a mapping).
    pub fn has_page(&self, idx: u64) -> bool {
        self.0.pages.borrow().contains_key(&idx)
    }

    /// Overwrites the start of page `idx` with `data` (at most a page) if
    /// the page has a frame; returns whether it had one. Every mapping sees
    /// the new bytes at once (no decoded-code invalidation: for data pages,
    /// e.g. keeping a file's shared mapping in step with `write`).
    pub fn write_page(&self, idx: u64, data: &[u8]) -> bool {
        let pages = self.0.pages.borrow();
        let Some(f) = pages.get(&idx) else {
            return false;
        };
        let n = data.len().min(super::PAGE_SIZE);
        // SAFETY: the frame is a live PAGE_SIZE allocation held by `pages`;
        // `n` is at most PAGE_SIZE; guest accesses run on this thread and none
        // is in progress while a syscall runs.
        unsafe { core::ptr::copy_nonoverlapping(data.as_ptr(), host_ptr(f), n) };
        true
    }

    /// Declares the object a file of `n` pages: a page at index `n` or
    /// more that has no frame yet faults with `FaultKind::PastEof` when
    /// touched through a mapping (Linux's SIGBUS past the end of a file).
    /// Objects start unbounded (anonymous shared memory).
    pub fn set_size_pages(&self, n: u64) {
        self.0.size_pages.set(n);
    }

    /// Pages of the file behind the object (`u64::MAX` when unbounded).
    pub fn size_pages(&self) -> u64 {
        self.0.size_pages.get()
    }

    /// Whether both handles name the same object.
    pub fn same(&self, other: &SharedMem) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// Number of handles and mappings referring to the object (1: only this one).
    pub fn users(&self) -> usize {
        Rc::strong_count(&self.0)
    }
}
