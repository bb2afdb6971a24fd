//! Guest loads, stores and fetches: the inline TLB-hit fast paths and the
//! cold slow path (`translate`) that walks the region map and page table,
//! allocates zero frames on first touch, copies copy-on-write frames, records
//! writes to code pages and refills the TLB.

use super::frame::{alloc_frame, host_ptr, Page};
use super::perms::{Access, Perms};
use super::space::AddressSpace;
use super::tlb::{Tlb, TlbEntry};
use super::{FaultKind, MemFault, PAGE_MASK, PAGE_SHIFT, PAGE_SIZE};
use core::ptr;
use hashbrown::hash_map::Entry;
use std::rc::Rc;

/// Reads `N` (1, 2, 4 or 8) little-endian bytes at `p`, zero-extended.
///
/// # Safety
/// `p..p+N` must be readable host memory.
#[inline(always)]
unsafe fn read_le<const N: usize>(p: *const u8) -> u64 {
    // SAFETY: the caller guarantees N readable bytes at p; read_unaligned
    // has no alignment requirement.
    unsafe {
        match N {
            1 => *p as u64,
            2 => u16::from_le(ptr::read_unaligned(p as *const u16)) as u64,
            4 => u32::from_le(ptr::read_unaligned(p as *const u32)) as u64,
            _ => u64::from_le(ptr::read_unaligned(p as *const u64)),
        }
    }
}

/// Writes the low `N` (1, 2, 4 or 8) bytes of `v` little-endian at `p`.
///
/// # Safety
/// `p..p+N` must be writable host memory not aliased by a live reference.
#[inline(always)]
unsafe fn write_le<const N: usize>(p: *mut u8, v: u64) {
    // SAFETY: the caller guarantees N writable bytes at p; write_unaligned
    // has no alignment requirement.
    unsafe {
        match N {
            1 => *p = v as u8,
            2 => ptr::write_unaligned(p as *mut u16, (v as u16).to_le()),
            4 => ptr::write_unaligned(p as *mut u32, (v as u32).to_le()),
            _ => ptr::write_unaligned(p as *mut u64, v.to_le()),
        }
    }
}

/// Host address for `addr` if `e` (the entry of `addr`'s page) is a hit for
/// an `n`-byte access. The tag is compared with the page of the access's
/// *last* byte: equal only if the entry is for `addr`'s page and the access
/// stays inside it, so one compare also rules out page-crossing accesses
/// (which take the slow path).
#[inline(always)]
fn hit(e: &TlbEntry, addr: u64, n: usize) -> Option<usize> {
    let last = addr.wrapping_add(n as u64 - 1) >> PAGE_SHIFT;
    if e.tag == last {
        // In `usize` arithmetic (the same sum, truncated): in wasm a 32-bit
        // add of the addend's low half, without a 64-bit add and a wrap.
        Some((addr as usize).wrapping_add(e.addend as usize))
    } else {
        None
    }
}

impl AddressSpace {
    #[inline(always)]
    fn load_n<const N: usize>(&mut self, addr: u64) -> Result<u64, MemFault> {
        let e = &self.tlb.read[Tlb::index(addr >> PAGE_SHIFT)];
        if let Some(h) = hit(e, addr, N) {
            // SAFETY: a read entry exists only for a page whose frame is held
            // by the page table (entries are flushed before a frame is
            // dropped), and `hit` checked that the N bytes stay in the page.
            return Ok(unsafe { read_le::<N>(h as *const u8) });
        }
        self.load_slow(addr, N, Access::Read, true)
    }

    #[inline(always)]
    fn store_n<const N: usize>(&mut self, addr: u64, val: u64) -> Result<(), MemFault> {
        let e = &self.tlb.write[Tlb::index(addr >> PAGE_SHIFT)];
        if let Some(h) = hit(e, addr, N) {
            // SAFETY: a write entry exists only for a writable page whose
            // frame is exclusively ours (or a shared mapping's) and held by
            // the page table; `hit` checked the N bytes stay in the page. No
            // Rust reference into frame bytes is alive across this call.
            unsafe { write_le::<N>(h as *mut u8, val) };
            return Ok(());
        }
        self.store_slow(addr, N, val, true)
    }

    /// A load on the TLB-hit path only: `None` where [`load_n`] would take
    /// its slow path (which the caller must then take, by any other load).
    #[inline(always)]
    fn load_fast_n<const N: usize>(&self, addr: u64) -> Option<u64> {
        let e = &self.tlb.read[Tlb::index(addr >> PAGE_SHIFT)];
        let h = hit(e, addr, N)?;
        // SAFETY: as in `load_n`.
        Some(unsafe { read_le::<N>(h as *const u8) })
    }

    /// A store on the TLB-hit path only: `None`, with nothing written,
    /// where [`store_n`] would take its slow path.
    #[inline(always)]
    fn store_fast_n<const N: usize>(&mut self, addr: u64, val: u64) -> Option<()> {
        let e = &self.tlb.write[Tlb::index(addr >> PAGE_SHIFT)];
        let h = hit(e, addr, N)?;
        // SAFETY: as in `store_n`.
        unsafe { write_le::<N>(h as *mut u8, val) };
        Some(())
    }

    /// [`load_u8`](Self::load_u8) if it hits the TLB; `None` (and no
    /// effect) otherwise. For callers that keep calls off their hot path.
    #[inline(always)]
    pub fn load_fast_u8(&self, addr: u64) -> Option<u64> {
        self.load_fast_n::<1>(addr)
    }
    /// [`load_u16`](Self::load_u16) if it hits the TLB.
    #[inline(always)]
    pub fn load_fast_u16(&self, addr: u64) -> Option<u64> {
        self.load_fast_n::<2>(addr)
    }
    /// [`load_u32`](Self::load_u32) if it hits the TLB.
    #[inline(always)]
    pub fn load_fast_u32(&self, addr: u64) -> Option<u64> {
        self.load_fast_n::<4>(addr)
    }
    /// [`load_u64`](Self::load_u64) if it hits the TLB.
    #[inline(always)]
    pub fn load_fast_u64(&self, addr: u64) -> Option<u64> {
        self.load_fast_n::<8>(addr)
    }
    /// [`store_u8`](Self::store_u8) if it hits the TLB; `None` (nothing
    /// written) otherwise.
    #[inline(always)]
    pub fn store_fast_u8(&mut self, addr: u64, val: u64) -> Option<()> {
        self.store_fast_n::<1>(addr, val)
    }
    /// [`store_u16`](Self::store_u16) if it hits the TLB.
    #[inline(always)]
    pub fn store_fast_u16(&mut self, addr: u64, val: u64) -> Option<()> {
        self.store_fast_n::<2>(addr, val)
    }
    /// [`store_u32`](Self::store_u32) if it hits the TLB.
    #[inline(always)]
    pub fn store_fast_u32(&mut self, addr: u64, val: u64) -> Option<()> {
        self.store_fast_n::<4>(addr, val)
    }
    /// [`store_u64`](Self::store_u64) if it hits the TLB.
    #[inline(always)]
    pub fn store_fast_u64(&mut self, addr: u64, val: u64) -> Option<()> {
        self.store_fast_n::<8>(addr, val)
    }

    /// Loads a byte (zero-extended).
    #[inline(always)]
    pub fn load_u8(&mut self, addr: u64) -> Result<u64, MemFault> {
        self.load_n::<1>(addr)
    }
    /// Loads a little-endian halfword (zero-extended); any alignment.
    #[inline(always)]
    pub fn load_u16(&mut self, addr: u64) -> Result<u64, MemFault> {
        self.load_n::<2>(addr)
    }
    /// Loads a little-endian word (zero-extended); any alignment.
    #[inline(always)]
    pub fn load_u32(&mut self, addr: u64) -> Result<u64, MemFault> {
        self.load_n::<4>(addr)
    }
    /// Loads a little-endian doubleword; any alignment.
    #[inline(always)]
    pub fn load_u64(&mut self, addr: u64) -> Result<u64, MemFault> {
        self.load_n::<8>(addr)
    }
    /// Stores the low byte of `val`.
    #[inline(always)]
    pub fn store_u8(&mut self, addr: u64, val: u64) -> Result<(), MemFault> {
        self.store_n::<1>(addr, val)
    }
    /// Stores the low halfword of `val`; any alignment.
    #[inline(always)]
    pub fn store_u16(&mut self, addr: u64, val: u64) -> Result<(), MemFault> {
        self.store_n::<2>(addr, val)
    }
    /// Stores the low word of `val`; any alignment.
    #[inline(always)]
    pub fn store_u32(&mut self, addr: u64, val: u64) -> Result<(), MemFault> {
        self.store_n::<4>(addr, val)
    }
    /// Stores `val`; any alignment.
    #[inline(always)]
    pub fn store_u64(&mut self, addr: u64, val: u64) -> Result<(), MemFault> {
        self.store_n::<8>(addr, val)
    }

    /// Fetches an instruction halfword (needs execute permission).
    #[inline(always)]
    pub fn fetch_u16(&mut self, addr: u64) -> Result<u16, MemFault> {
        let e = &self.tlb.exec[Tlb::index(addr >> PAGE_SHIFT)];
        if let Some(h) = hit(e, addr, 2) {
            // SAFETY: as for loads: exec entries point into live frames and
            // `hit` checked both bytes are inside the page.
            return Ok(unsafe { read_le::<2>(h as *const u8) } as u16);
        }
        self.load_slow(addr, 2, Access::Exec, true)
            .map(|v| v as u16)
    }

    /// Slow load of `size` (<= 8) bytes, possibly crossing a page.
    #[cold]
    #[inline(never)]
    fn load_slow(
        &mut self,
        addr: u64,
        size: usize,
        access: Access,
        check: bool,
    ) -> Result<u64, MemFault> {
        let mut buf = [0u8; 8];
        self.copy_in(addr, &mut buf[..size], access, check)?;
        Ok(u64::from_le_bytes(buf))
    }

    /// Slow store of the low `size` (<= 8) bytes of `val`, possibly crossing
    /// a page. Both pages are translated before any byte is written, so a
    /// faulting store changes nothing.
    #[cold]
    #[inline(never)]
    fn store_slow(
        &mut self,
        addr: u64,
        size: usize,
        val: u64,
        check: bool,
    ) -> Result<(), MemFault> {
        let bytes = val.to_le_bytes();
        let off = (addr & PAGE_MASK) as usize;
        let first = size.min(PAGE_SIZE - off);
        let h1 = self.translate(addr, Access::Write, check)?;
        let h2 = if first < size {
            Some(self.translate(addr.wrapping_add(first as u64), Access::Write, check)?)
        } else {
            None
        };
        // SAFETY: h1 and h2 are page bases of live frames held by our page
        // table (translating the second page does not drop the first frame);
        // `off + first <= PAGE_SIZE` and `size - first <= 8`.
        unsafe {
            ptr::copy_nonoverlapping(bytes.as_ptr(), h1.add(off), first);
            if let Some(h2) = h2 {
                ptr::copy_nonoverlapping(bytes.as_ptr().add(first), h2, size - first);
            }
        }
        Ok(())
    }

    /// Copies guest memory into `buf`, page by page.
    fn copy_in(
        &mut self,
        addr: u64,
        buf: &mut [u8],
        access: Access,
        check: bool,
    ) -> Result<(), MemFault> {
        let mut done = 0;
        while done < buf.len() {
            let a = addr.wrapping_add(done as u64);
            let off = (a & PAGE_MASK) as usize;
            let n = (buf.len() - done).min(PAGE_SIZE - off);
            let h = self.translate(a, access, check)?;
            // SAFETY: h is the base of a live PAGE_SIZE frame and
            // off + n <= PAGE_SIZE; buf is a distinct Rust buffer.
            unsafe { ptr::copy_nonoverlapping(h.add(off), buf[done..].as_mut_ptr(), n) };
            done += n;
        }
        Ok(())
    }

    /// Copies `data` into guest memory, page by page (earlier pages stay
    /// written if a later page faults, like Linux's `copy_to_user`).
    fn copy_out(&mut self, addr: u64, data: &[u8], check: bool) -> Result<(), MemFault> {
        let mut done = 0;
        while done < data.len() {
            let a = addr.wrapping_add(done as u64);
            let off = (a & PAGE_MASK) as usize;
            let n = (data.len() - done).min(PAGE_SIZE - off);
            let h = self.translate(a, Access::Write, check)?;
            // SAFETY: h is the base of a live frame that we may write (COW
            // already resolved by translate) and off + n <= PAGE_SIZE.
            unsafe { ptr::copy_nonoverlapping(data[done..].as_ptr(), h.add(off), n) };
            done += n;
        }
        Ok(())
    }

    /// Reads `buf.len()` bytes at `addr` with user permissions (for syscalls).
    pub fn read_bytes(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), MemFault> {
        self.copy_in(addr, buf, Access::Read, true)
    }

    /// Writes `data` at `addr` with user permissions (for syscalls).
    pub fn write_bytes(&mut self, addr: u64, data: &[u8]) -> Result<(), MemFault> {
        self.copy_out(addr, data, true)
    }

    /// Reads ignoring permissions; only needs a mapping.
    pub fn read_bytes_unchecked(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), MemFault> {
        self.copy_in(addr, buf, Access::Read, false)
    }

    /// Writes ignoring permissions (the ELF loader); only needs a mapping.
    /// Copy-on-write and code-page tracking still apply.
    pub fn write_bytes_unchecked(&mut self, addr: u64, data: &[u8]) -> Result<(), MemFault> {
        self.copy_out(addr, data, false)
    }

    /// Reads a NUL-terminated string at `addr` (user permissions), without
    /// the NUL. At most `max` bytes are examined: if none of them is NUL the
    /// result has length `max` (the caller reports `ENAMETOOLONG` or similar).
    pub fn read_cstr(&mut self, addr: u64, max: usize) -> Result<Vec<u8>, MemFault> {
        let mut out = Vec::new();
        while out.len() < max {
            let a = addr.wrapping_add(out.len() as u64);
            let off = (a & PAGE_MASK) as usize;
            let n = (max - out.len()).min(PAGE_SIZE - off);
            let h = self.translate(a, Access::Read, true)?;
            // SAFETY: h is the base of a live PAGE_SIZE frame and
            // off + n <= PAGE_SIZE; no write happens while the slice lives.
            let chunk = unsafe { core::slice::from_raw_parts(h.add(off), n) };
            if let Some(z) = chunk.iter().position(|&b| b == 0) {
                out.extend_from_slice(&chunk[..z]);
                return Ok(out);
            }
            out.extend_from_slice(chunk);
        }
        Ok(out)
    }

    /// The slow path: finds the page of `addr`, checks `access` against its
    /// permissions (unless `check` is false), allocates it on first touch,
    /// resolves copy-on-write and code tracking for writes, refills the TLB
    /// and returns the host address of the page's first byte.
    #[cold]
    #[inline(never)]
    pub(crate) fn translate(
        &mut self,
        addr: u64,
        access: Access,
        check: bool,
    ) -> Result<*mut u8, MemFault> {
        let fault = |kind| MemFault { addr, access, kind };
        let vpn = addr >> PAGE_SHIFT;
        let Some((vstart, vma)) = self.vmas.find(addr) else {
            return Err(fault(FaultKind::Unmapped));
        };
        let perms = vma.perms;
        if check && !perms.contains(access.required()) {
            return Err(fault(FaultKind::Protection));
        }
        let shared = vma.shared.is_some();
        let page = match self.pages.entry(vpn) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                let frame = match &vma.shared {
                    Some((obj, base)) => {
                        let idx = base + (vpn - (vstart >> PAGE_SHIFT));
                        let mut objpages = obj.pages.borrow_mut();
                        match objpages.get(&idx) {
                            Some(f) => f.clone(),
                            None if idx >= obj.size_pages.get() => {
                                return Err(fault(FaultKind::PastEof))
                            }
                            None => {
                                let f = alloc_frame(&self.pool, None)
                                    .ok_or(fault(FaultKind::OutOfMemory))?;
                                objpages.insert(idx, f.clone());
                                f
                            }
                        }
                    }
                    None if vma.past_eof => return Err(fault(FaultKind::PastEof)),
                    None => alloc_frame(&self.pool, None).ok_or(fault(FaultKind::OutOfMemory))?,
                };
                v.insert(Page { frame, code: false })
            }
        };
        if access == Access::Write {
            if !shared && Rc::strong_count(&page.frame) > 1 {
                page.frame = alloc_frame(&self.pool, Some(&page.frame))
                    .ok_or(fault(FaultKind::OutOfMemory))?;
            }
            if page.code {
                page.code = false;
                self.code_writes.push(vpn << PAGE_SHIFT);
            }
        }
        let host = host_ptr(&page.frame);
        let direct_write = perms.contains(Perms::W)
            && !page.code
            && (shared || Rc::strong_count(&page.frame) == 1);
        self.tlb.fill(
            vpn,
            host,
            perms.contains(Perms::R),
            direct_write,
            perms.contains(Perms::X),
        );
        Ok(host)
    }
}
