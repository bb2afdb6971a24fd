//! Memory-management calls: `brk`, `mmap`/`munmap`/`mprotect`, `mremap`,
//! `madvise`, `msync`, all with Linux's semantics on top of the
//! [`nanovm::mem::AddressSpace`] API. File-backed mappings are in
//! `mm_file.rs` (submodule [`file`]).
//!
//! Free ranges are found here, from `regions()`, top-down below
//! [`layout::MMAP_TOP`] like Linux's default allocator, so placement does not
//! depend on the memory module's own search heuristics.

use super::{Args, Ctx, SysResult};
use crate::layout::{self, page_up, MMAP_MIN_ADDR, PAGE, USER_LIMIT};
use crate::Errno;
use nanovm::mem::{AddressSpace, MapError, Perms, Region};

#[path = "mm_file.rs"]
pub mod file;

/// `PROT_READ`.
pub const PROT_READ: u64 = 1;
/// `PROT_WRITE`.
pub const PROT_WRITE: u64 = 2;
/// `PROT_EXEC`.
pub const PROT_EXEC: u64 = 4;
const PROT_GROWSDOWN: u64 = 0x0100_0000;
const PROT_GROWSUP: u64 = 0x0200_0000;

/// `MAP_SHARED`.
pub const MAP_SHARED: u64 = 0x01;
/// `MAP_PRIVATE`.
pub const MAP_PRIVATE: u64 = 0x02;
const MAP_SHARED_VALIDATE: u64 = 0x03;
/// `MAP_FIXED`.
pub const MAP_FIXED: u64 = 0x10;
/// `MAP_ANONYMOUS`.
pub const MAP_ANONYMOUS: u64 = 0x20;
/// `MAP_FIXED_NOREPLACE`.
pub const MAP_FIXED_NOREPLACE: u64 = 0x10_0000;
/// Every flag Linux knows (checked for `MAP_SHARED_VALIDATE`).
const MAP_KNOWN: u64 = 0x1f_ff3f;

/// `MAP_NORESERVE`: no commit accounting for the mapping.
const MAP_NORESERVE: u64 = 0x4000;
const MREMAP_MAYMOVE: u64 = 1;
const MREMAP_FIXED: u64 = 2;

const MADV_DONTNEED: u64 = 4;
const MADV_FREE: u64 = 8;

/// Page permissions for `PROT_*` bits. RISC-V has no write-only pages: write implies read.
pub fn perms_of_prot(prot: u64) -> Perms {
    let mut p = Perms::NONE;
    if prot & (PROT_READ | PROT_WRITE) != 0 {
        p = p | Perms::R;
    }
    if prot & PROT_WRITE != 0 {
        p = p | Perms::W;
    }
    if prot & PROT_EXEC != 0 {
        p = p | Perms::X;
    }
    p
}

fn sorted_regions(mem: &AddressSpace) -> Vec<Region> {
    let mut r = mem.regions();
    r.sort_by_key(|r| r.start);
    r
}

/// Whether any page of `[start, end)` is mapped.
fn any_mapped(regions: &[Region], start: u64, end: u64) -> bool {
    regions.iter().any(|r| r.start < end && start < r.end)
}

/// Whether `[start, end)` overlaps an executable mapping (decoded code may be stale after a change).
fn touches_code(mem: &AddressSpace, start: u64, end: u64) -> bool {
    mem.regions()
        .iter()
        .any(|r| r.start < end && start < r.end && r.perms.contains(Perms::X))
}

/// Highest free range of `len` bytes ending at or below `top`, at or above `MMAP_MIN_ADDR`.
pub fn find_gap(regions: &[Region], len: u64, top: u64) -> Option<u64> {
    let mut hi = top;
    for r in regions.iter().rev() {
        if r.start >= hi {
            continue;
        }
        if r.end <= hi && hi - r.end >= len {
            return Some(hi - len);
        }
        hi = hi.min(r.start);
    }
    (hi >= MMAP_MIN_ADDR + len).then(|| hi - len)
}

fn map_err(e: MapError) -> Errno {
    match e {
        MapError::Invalid => Errno::EINVAL,
        MapError::NoMemory => Errno::ENOMEM,
        MapError::Exists => Errno::EEXIST,
    }
}

/// Linux's heuristic overcommit (`vm.overcommit_memory` 0, `__vm_enough_memory`
/// in `OVERCOMMIT_GUESS` mode): one accounted request for more pages than
/// all of RAM plus swap fails with ENOMEM. RAM is the guest memory cap
/// (`--memory`; there is no swap); without a cap anything goes, as the host
/// overcommits.
fn enough_memory(ctx: &Ctx, len: u64) -> bool {
    ctx.proc.memory_limit.is_none_or(|cap| len <= cap)
}

/// `brk(addr)`: moves the program break; returns the (possibly unchanged) break.
pub fn brk(ctx: &mut Ctx, a: &Args) -> SysResult {
    let b = ctx.proc.brk;
    let want = a[0];
    if want < b.start {
        return Ok(b.cur);
    }
    let (Some(old_end), Some(new_end)) = (page_up(b.cur), page_up(want)) else {
        return Ok(b.cur);
    };
    if new_end > USER_LIMIT {
        return Ok(b.cur);
    }
    if new_end > old_end && !enough_memory(ctx, new_end - old_end) {
        return Ok(b.cur);
    }
    let mem = &mut ctx.proc.mem;
    if new_end > old_end {
        if mem
            .map_fixed_noreplace(old_end, new_end - old_end, Perms::RW)
            .is_err()
        {
            return Ok(b.cur);
        }
    } else if new_end < old_end && mem.unmap(new_end, old_end - new_end).is_err() {
        return Ok(b.cur);
    }
    ctx.proc.brk.cur = want;
    Ok(want)
}

/// `mmap(addr, length, prot, flags, fd, offset)`.
pub fn mmap(ctx: &mut Ctx, a: &Args) -> SysResult {
    let [addr, len, prot, flags, fd, off] = *a;
    if prot & !(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP) != 0 {
        return Err(Errno::EINVAL);
    }
    if len == 0 || off & (PAGE - 1) != 0 {
        return Err(Errno::EINVAL);
    }
    let len = page_up(len)
        .filter(|&l| l <= USER_LIMIT)
        .ok_or(Errno::ENOMEM)?;
    let shared = match flags & 0x0f {
        MAP_SHARED => true,
        MAP_PRIVATE => false,
        MAP_SHARED_VALIDATE if flags & !MAP_KNOWN == 0 => true,
        MAP_SHARED_VALIDATE => return Err(Errno::EOPNOTSUPP),
        _ => return Err(Errno::EINVAL),
    };
    let src = if flags & MAP_ANONYMOUS == 0 {
        match file::source(ctx, fd, prot, shared)? {
            file::Source::Zero => None,
            file::Source::File(f) => Some(f),
        }
    } else {
        None
    };
    // Accounted as Linux does: private writable mappings (unless
    // MAP_NORESERVE) and shared anonymous memory.
    let accounted = if shared {
        src.is_none()
    } else {
        prot & PROT_WRITE != 0 && flags & MAP_NORESERVE == 0
    };
    if accounted && !enough_memory(ctx, len) {
        return Err(Errno::ENOMEM);
    }
    let perms = perms_of_prot(prot);
    let mem = &mut ctx.proc.mem;
    let start = if flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) != 0 {
        if addr & (PAGE - 1) != 0 {
            return Err(Errno::EINVAL);
        }
        if addr < MMAP_MIN_ADDR {
            return Err(Errno::EPERM);
        }
        if addr.checked_add(len).is_none_or(|e| e > USER_LIMIT) {
            return Err(Errno::ENOMEM);
        }
        if flags & MAP_FIXED_NOREPLACE != 0 {
            if any_mapped(&sorted_regions(mem), addr, addr + len) {
                return Err(Errno::EEXIST);
            }
        } else if touches_code(mem, addr, addr + len) {
            ctx.code_changed = true;
        }
        addr
    } else {
        let regions = sorted_regions(mem);
        let hint = page_up(addr).unwrap_or(0);
        let hint_ok = hint >= MMAP_MIN_ADDR
            && hint.checked_add(len).is_some_and(|e| e <= USER_LIMIT)
            && !any_mapped(&regions, hint, hint + len);
        if hint_ok {
            hint
        } else {
            find_gap(&regions, len, layout::MMAP_TOP).ok_or(Errno::ENOMEM)?
        }
    };
    if flags & MAP_FIXED != 0 {
        file::write_back(mem, start, start + len)?;
    }
    if let Some(f) = src {
        file::map(ctx, &f, start, len, perms, shared, off)?;
        let backing = crate::procview::maps::Backing::File(f);
        ctx.proc.file_maps.add(start, start + len, off, backing);
        return Ok(start);
    }
    let res = if shared {
        mem.map_shared_fixed(start, len, perms)
    } else {
        mem.map_fixed(start, len, perms)
    };
    res.map_err(map_err)?;
    ctx.proc.file_maps.clear(start, start + len);
    Ok(start)
}

/// `munmap(addr, length)`.
pub fn munmap(ctx: &mut Ctx, a: &Args) -> SysResult {
    let [addr, len, ..] = *a;
    if addr & (PAGE - 1) != 0 || len == 0 {
        return Err(Errno::EINVAL);
    }
    let len = page_up(len).ok_or(Errno::EINVAL)?;
    if addr.checked_add(len).is_none_or(|e| e > USER_LIMIT) {
        return Err(Errno::EINVAL);
    }
    if touches_code(&ctx.proc.mem, addr, addr + len) {
        ctx.code_changed = true;
    }
    file::write_back(&mut ctx.proc.mem, addr, addr + len)?;
    ctx.proc.mem.unmap(addr, len).map_err(map_err)?;
    ctx.proc.file_maps.clear(addr, addr + len);
    Ok(0)
}

/// `mprotect(addr, length, prot)`.
pub fn mprotect(ctx: &mut Ctx, a: &Args) -> SysResult {
    let [addr, len, prot, ..] = *a;
    if addr & (PAGE - 1) != 0 {
        return Err(Errno::EINVAL);
    }
    if prot & !(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP) != 0 {
        return Err(Errno::EINVAL);
    }
    if prot & PROT_GROWSDOWN != 0 && prot & PROT_GROWSUP != 0 {
        return Err(Errno::EINVAL);
    }
    if len == 0 {
        return Ok(0);
    }
    let len = page_up(len).ok_or(Errno::ENOMEM)?;
    if addr.checked_add(len).is_none_or(|e| e > USER_LIMIT) {
        return Err(Errno::ENOMEM);
    }
    if touches_code(&ctx.proc.mem, addr, addr + len) {
        ctx.code_changed = true;
    }
    ctx.proc
        .mem
        .protect(addr, len, perms_of_prot(prot))
        .map_err(map_err)?;
    Ok(0)
}

/// `madvise(addr, length, advice)`: `MADV_DONTNEED`/`MADV_FREE` drop the
/// contents of private pages (they read as zero again); other advice is accepted.
pub fn madvise(ctx: &mut Ctx, a: &Args) -> SysResult {
    let [addr, len, advice, ..] = *a;
    if addr & (PAGE - 1) != 0 {
        return Err(Errno::EINVAL);
    }
    let len = page_up(len).ok_or(Errno::EINVAL)?;
    let end = addr.checked_add(len).ok_or(Errno::EINVAL)?;
    if len == 0 {
        return Ok(0);
    }
    if !ctx.proc.mem.is_mapped(addr, len) {
        return Err(Errno::ENOMEM);
    }
    if advice == MADV_DONTNEED || advice == MADV_FREE {
        for r in sorted_regions(&ctx.proc.mem) {
            let (s, e) = (r.start.max(addr), r.end.min(end));
            if s < e && !r.shared {
                ctx.proc.mem.map_fixed(s, e - s, r.perms).map_err(map_err)?;
            }
        }
    }
    Ok(0)
}

/// `msync`, `mlock`, `munlock`: nothing to write back or pin, but the
/// range is checked as Linux does (`EINVAL` unaligned for `msync`, `ENOMEM`
/// when not all mapped).
pub fn check_range(ctx: &mut Ctx, a: &Args) -> SysResult {
    let [addr, len, ..] = *a;
    let start = addr & !(PAGE - 1);
    let end = addr
        .checked_add(len)
        .and_then(page_up)
        .ok_or(Errno::ENOMEM)?;
    if end > start && !ctx.proc.mem.is_mapped(start, end - start) {
        return Err(Errno::ENOMEM);
    }
    Ok(0)
}

/// `msync(addr, len, flags)`.
pub fn msync(ctx: &mut Ctx, a: &Args) -> SysResult {
    const MS_ASYNC: u64 = 1;
    const MS_INVALIDATE: u64 = 2;
    const MS_SYNC: u64 = 4;
    let flags = a[2];
    if a[0] & (PAGE - 1) != 0
        || flags & !(MS_ASYNC | MS_INVALIDATE | MS_SYNC) != 0
        || flags & (MS_ASYNC | MS_SYNC) == MS_ASYNC | MS_SYNC
    {
        return Err(Errno::EINVAL);
    }
    check_range(ctx, a)?;
    let start = a[0];
    let end = start.saturating_add(a[1]);
    file::write_back(&mut ctx.proc.mem, start, end)?;
    Ok(0)
}

/// `riscv_flush_icache(start, end, flags)`: drops decoded code (the guest
/// wrote instructions).
pub fn riscv_flush_icache(ctx: &mut Ctx, a: &Args) -> SysResult {
    if a[2] & !1 != 0 {
        return Err(Errno::EINVAL);
    }
    ctx.code_changed = true;
    Ok(0)
}

/// `mremap(old, old_len, new_len, flags, new_addr)`: shrink, grow in place,
/// or (with `MREMAP_MAYMOVE`) move by copying.
pub fn mremap(ctx: &mut Ctx, a: &Args) -> SysResult {
    let [old, old_len, new_len, flags, new_addr, _] = *a;
    if flags & !(MREMAP_MAYMOVE | MREMAP_FIXED) != 0
        || (flags & MREMAP_FIXED != 0 && flags & MREMAP_MAYMOVE == 0)
        || old & (PAGE - 1) != 0
    {
        return Err(Errno::EINVAL);
    }
    let old_len = page_up(old_len).ok_or(Errno::EINVAL)?;
    let new_len = page_up(new_len)
        .filter(|&l| l > 0 && l <= USER_LIMIT)
        .ok_or(Errno::EINVAL)?;
    if old_len == 0 || old.checked_add(old_len).is_none() {
        return Err(Errno::EINVAL);
    }
    let regions = sorted_regions(&ctx.proc.mem);
    // The old range must lie within one mapping.
    let region = *regions
        .iter()
        .find(|r| r.start <= old && old + old_len <= r.end)
        .ok_or(Errno::EFAULT)?;
    if region.shared {
        return Err(Errno::EINVAL);
    }
    if region.perms.contains(Perms::X) {
        ctx.code_changed = true;
    }
    let mem = &mut ctx.proc.mem;
    if flags & MREMAP_FIXED == 0 {
        if new_len <= old_len {
            if new_len < old_len {
                mem.unmap(old + new_len, old_len - new_len)
                    .map_err(map_err)?;
                ctx.proc.file_maps.clear(old + new_len, old + old_len);
            }
            return Ok(old);
        }
        let grow_end = old.checked_add(new_len).ok_or(Errno::ENOMEM)?;
        if grow_end <= USER_LIMIT && !any_mapped(&regions, old + old_len, grow_end) {
            mem.map_fixed(old + old_len, new_len - old_len, region.perms)
                .map_err(map_err)?;
            return Ok(old);
        }
        if flags & MREMAP_MAYMOVE == 0 {
            return Err(Errno::ENOMEM);
        }
    }
    let dest = if flags & MREMAP_FIXED != 0 {
        if new_addr & (PAGE - 1) != 0
            || new_addr < MMAP_MIN_ADDR
            || new_addr.checked_add(new_len).is_none_or(|e| e > USER_LIMIT)
        {
            return Err(Errno::EINVAL);
        }
        if new_addr < old + old_len && old < new_addr + new_len {
            return Err(Errno::EINVAL);
        }
        new_addr
    } else {
        find_gap(&regions, new_len, layout::MMAP_TOP).ok_or(Errno::ENOMEM)?
    };
    mem.map_fixed(dest, new_len, region.perms)
        .map_err(map_err)?;
    let copy = old_len.min(new_len);
    let mut buf = vec![0u8; 64 * 1024];
    let mut done = 0;
    while done < copy {
        let n = (copy - done).min(buf.len() as u64) as usize;
        mem.read_bytes_unchecked(old + done, &mut buf[..n])
            .map_err(|_| Errno::EFAULT)?;
        mem.write_bytes_unchecked(dest + done, &buf[..n])
            .map_err(|_| Errno::ENOMEM)?;
        done += n as u64;
    }
    mem.unmap(old, old_len).map_err(map_err)?;
    let maps = &mut ctx.proc.file_maps;
    maps.clear(dest, dest + new_len);
    maps.moved(old, copy, dest);
    maps.clear(old, old + old_len);
    Ok(dest)
}

#[cfg(test)]
mod tests {
    use super::super::tests::TestVm;
    use super::*;
    use crate::syscall::table::nr;

    const ANON: u64 = MAP_PRIVATE | MAP_ANONYMOUS;
    const RW: u64 = PROT_READ | PROT_WRITE;

    #[test]
    fn brk_grows_and_shrinks() {
        let mut t = TestVm::new();
        let start = t.call(nr::BRK, [0; 6]).unwrap();
        assert_eq!(start % PAGE, 0);
        assert_eq!(t.call(nr::BRK, [start - 1, 0, 0, 0, 0, 0]), Ok(start));
        assert_eq!(
            t.call(nr::BRK, [start + 0x2100, 0, 0, 0, 0, 0]),
            Ok(start + 0x2100)
        );
        t.proc.mem.store_u64(start + 0x2000, 7).unwrap();
        assert_eq!(t.call(nr::BRK, [start + 8, 0, 0, 0, 0, 0]), Ok(start + 8));
        assert!(t.proc.mem.load_u8(start + 0x1000).is_err());
        assert_eq!(t.proc.mem.load_u8(start).unwrap(), 0);
        // Growing into an existing mapping fails and leaves the break alone.
        let fixed = start + 0x10000;
        let r = t.call(nr::MMAP, [fixed, PAGE, RW, ANON | MAP_FIXED, !0, 0]);
        assert_eq!(r, Ok(fixed));
        assert_eq!(t.call(nr::BRK, [fixed + 8, 0, 0, 0, 0, 0]), Ok(start + 8));
    }

    #[test]
    fn overcommit_heuristic_under_a_memory_cap() {
        let mut t = TestVm::new();
        t.proc.memory_limit = Some(64 << 20);
        let big = 65 << 20;
        // Private writable and shared anonymous are accounted...
        assert_eq!(
            t.call(nr::MMAP, [0, big, RW, ANON, !0, 0]),
            Err(Errno::ENOMEM)
        );
        let shared_anon = MAP_SHARED | MAP_ANONYMOUS;
        let r = t.call(nr::MMAP, [0, big, RW, shared_anon, !0, 0]);
        assert_eq!(r, Err(Errno::ENOMEM));
        // ...reservations, read-only and MAP_NORESERVE mappings are not.
        assert!(t.call(nr::MMAP, [0, big, 0, ANON, !0, 0]).is_ok());
        assert!(t.call(nr::MMAP, [0, big, PROT_READ, ANON, !0, 0]).is_ok());
        let noreserve = ANON | MAP_NORESERVE;
        assert!(t.call(nr::MMAP, [0, big, RW, noreserve, !0, 0]).is_ok());
        assert!(t.call(nr::MMAP, [0, 64 << 20, RW, ANON, !0, 0]).is_ok());
        // brk: a step bigger than the cap leaves the break where it was.
        let cur = t.call(nr::BRK, [0; 6]).unwrap();
        assert_eq!(t.call(nr::BRK, [cur + big, 0, 0, 0, 0, 0]), Ok(cur));
        assert_eq!(t.call(nr::BRK, [cur + PAGE, 0, 0, 0, 0, 0]), Ok(cur + PAGE));
    }

    #[test]
    fn mmap_placement_and_errors() {
        let mut t = TestVm::new();
        let a = t.call(nr::MMAP, [0, 3 * PAGE, RW, ANON, !0, 0]).unwrap();
        assert_eq!(a, layout::MMAP_TOP - 3 * PAGE);
        let b = t.call(nr::MMAP, [0, 100, RW, ANON, !0, 0]).unwrap();
        assert_eq!(b, a - PAGE);
        // A free hint is honoured, a busy one is not.
        let h = 0x7000_0000;
        assert_eq!(t.call(nr::MMAP, [h, PAGE, RW, ANON, !0, 0]), Ok(h));
        assert_eq!(t.call(nr::MMAP, [h, PAGE, RW, ANON, !0, 0]), Ok(b - PAGE));
        assert_eq!(
            t.call(nr::MMAP, [h, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, !0, 0]),
            Err(Errno::EEXIST)
        );
        assert_eq!(
            t.call(nr::MMAP, [h, PAGE, RW, ANON | MAP_FIXED, !0, 0]),
            Ok(h)
        );
        assert_eq!(
            t.call(nr::MMAP, [h + 1, PAGE, RW, ANON | MAP_FIXED, !0, 0]),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            t.call(nr::MMAP, [0, 0, RW, ANON, !0, 0]),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            t.call(nr::MMAP, [0, PAGE, RW, MAP_ANONYMOUS, !0, 0]),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            t.call(nr::MMAP, [0, PAGE, 0x80, ANON, !0, 0]),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            t.call(nr::MMAP, [0, PAGE, RW, ANON, !0, 1]),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            t.call(nr::MMAP, [0, 1 << 48, RW, ANON, !0, 0]),
            Err(Errno::ENOMEM)
        );
        assert_eq!(
            t.call(nr::MMAP, [0, PAGE, RW, MAP_PRIVATE, 1, 0]),
            Err(Errno::ENODEV)
        );
        assert_eq!(
            t.call(nr::MMAP, [0, PAGE, RW, MAP_PRIVATE, 5, 0]),
            Err(Errno::EBADF)
        );
        assert_eq!(
            t.call(nr::MMAP, [0, PAGE, RW, ANON | MAP_FIXED, !0, 0]),
            Err(Errno::EPERM)
        );
        // Memory is zeroed and has the asked permissions.
        t.proc.mem.store_u64(a, 5).unwrap();
        let ro = t.call(nr::MMAP, [0, PAGE, PROT_READ, ANON, !0, 0]).unwrap();
        assert_eq!(t.proc.mem.load_u64(ro).unwrap(), 0);
        assert!(t.proc.mem.store_u8(ro, 1).is_err());
    }

    #[test]
    fn munmap_mprotect_madvise() {
        let mut t = TestVm::new();
        let a = t.call(nr::MMAP, [0, 4 * PAGE, RW, ANON, !0, 0]).unwrap();
        assert_eq!(t.call(nr::MUNMAP, [a + PAGE, PAGE, 0, 0, 0, 0]), Ok(0));
        assert!(t.proc.mem.load_u8(a + PAGE).is_err());
        assert_eq!(
            t.call(nr::MUNMAP, [a + 1, PAGE, 0, 0, 0, 0]),
            Err(Errno::EINVAL)
        );
        assert_eq!(t.call(nr::MUNMAP, [a, 0, 0, 0, 0, 0]), Err(Errno::EINVAL));
        assert_eq!(t.call(nr::MPROTECT, [a, PAGE, PROT_READ, 0, 0, 0]), Ok(0));
        assert!(t.proc.mem.store_u8(a, 1).is_err());
        assert_eq!(
            t.call(nr::MPROTECT, [a, 2 * PAGE, PROT_READ, 0, 0, 0]),
            Err(Errno::ENOMEM)
        );
        assert_eq!(
            t.call(nr::MPROTECT, [a + 8, PAGE, PROT_READ, 0, 0, 0]),
            Err(Errno::EINVAL)
        );
        t.proc.mem.store_u64(a + 2 * PAGE, 9).unwrap();
        assert_eq!(
            t.call(nr::MADVISE, [a + 2 * PAGE, PAGE, MADV_DONTNEED, 0, 0, 0]),
            Ok(0)
        );
        assert_eq!(t.proc.mem.load_u64(a + 2 * PAGE).unwrap(), 0);
    }

    #[test]
    fn msync_mlock_flush_icache() {
        let mut t = TestVm::new();
        let a = t.call(nr::MMAP, [0, 2 * PAGE, RW, ANON, !0, 0]).unwrap();
        assert_eq!(t.call(nr::MSYNC, [a, 2 * PAGE, 4, 0, 0, 0]), Ok(0));
        assert_eq!(
            t.call(nr::MSYNC, [a + 1, PAGE, 4, 0, 0, 0]),
            Err(Errno::EINVAL)
        );
        assert_eq!(t.call(nr::MSYNC, [a, PAGE, 5, 0, 0, 0]), Err(Errno::EINVAL));
        assert_eq!(
            t.call(nr::MSYNC, [a, 3 * PAGE, 4, 0, 0, 0]),
            Err(Errno::ENOMEM)
        );
        assert_eq!(t.call(nr::MLOCK, [a + 10, 100, 0, 0, 0, 0]), Ok(0));
        assert_eq!(
            t.call(nr::MUNLOCK, [a - PAGE, 100, 0, 0, 0, 0]),
            Err(Errno::ENOMEM)
        );
        assert_eq!(
            t.call(nr::RISCV_FLUSH_ICACHE, [a, a + 8, 0, 0, 0, 0]),
            Ok(0)
        );
        assert_eq!(
            t.call(nr::RISCV_FLUSH_ICACHE, [a, a + 8, 2, 0, 0, 0]),
            Err(Errno::EINVAL)
        );
    }

    #[test]
    fn mremap_grows_and_moves() {
        let mut t = TestVm::new();
        let above = t.call(nr::MMAP, [0, PAGE, RW, ANON, !0, 0]).unwrap();
        let a = t.call(nr::MMAP, [0, 2 * PAGE, RW, ANON, !0, 0]).unwrap();
        assert_eq!(a + 2 * PAGE, above);
        t.proc.mem.store_u64(a + 8, 0x1234).unwrap();
        // The mapping right above blocks growing in place.
        let r = t.call(nr::MREMAP, [a, 2 * PAGE, 8 * PAGE, 0, 0, 0]);
        assert_eq!(r, Err(Errno::ENOMEM));
        let b = t
            .call(nr::MREMAP, [a, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE, 0, 0])
            .unwrap();
        assert_ne!(a, b);
        assert_eq!(t.proc.mem.load_u64(b + 8).unwrap(), 0x1234);
        assert!(t.proc.mem.load_u8(a).is_err());
        assert_eq!(t.call(nr::MREMAP, [b, 8 * PAGE, PAGE, 0, 0, 0]), Ok(b));
        assert!(t.proc.mem.load_u8(b + PAGE).is_err());
        // With room above, growing happens in place.
        assert_eq!(t.call(nr::MREMAP, [b, PAGE, 3 * PAGE, 0, 0, 0]), Ok(b));
        t.proc.mem.store_u8(b + 2 * PAGE, 1).unwrap();
    }

    #[test]
    fn gap_finder() {
        let r = |s, e| Region {
            start: s,
            end: e,
            perms: Perms::RW,
            shared: false,
        };
        let regions = vec![r(0x10000, 0x20000), r(0x30000, 0x40000)];
        assert_eq!(find_gap(&regions, 0x1000, 0x40000), Some(0x2f000));
        assert_eq!(find_gap(&regions, 0x10000, 0x40000), Some(0x20000));
        assert_eq!(find_gap(&regions, 0x20000, 0x40000), None);
        assert_eq!(find_gap(&regions, 0x8000, 0x40000), Some(0x28000));
        assert_eq!(find_gap(&[], 0x1000, 0x10000), Some(0xf000));
        assert_eq!(find_gap(&[], 0x10000, 0x10000), None);
    }
}
