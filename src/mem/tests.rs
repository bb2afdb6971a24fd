//! Unit tests of the address space: mapping semantics, demand paging, faults,
//! misaligned and page-crossing accesses, fork/COW, shared mappings, code-page
//! tracking, TLB invalidation and the resident limit.

use super::*;

const P: u64 = PAGE_SIZE as u64;

fn fault(addr: u64, access: Access, kind: FaultKind) -> MemFault {
    MemFault { addr, access, kind }
}

#[test]
fn map_argument_checks() {
    let mut m = AddressSpace::new();
    assert_eq!(m.map_fixed(0x1001, P, Perms::RW), Err(MapError::Invalid));
    assert_eq!(m.map_fixed(0x1000, 0, Perms::RW), Err(MapError::Invalid));
    assert_eq!(
        m.map_fixed(USER_TOP - P, 2 * P, Perms::RW),
        Err(MapError::Invalid)
    );
    assert_eq!(m.map_fixed(!0xfff, P, Perms::RW), Err(MapError::Invalid));
    assert_eq!(
        m.map_fixed(0x1000, u64::MAX, Perms::RW),
        Err(MapError::Invalid)
    );
    assert_eq!(m.unmap(0x1000, 0), Err(MapError::Invalid));
    assert_eq!(m.protect(0x1000, 0, Perms::R), Ok(()));
    // Lengths are rounded up to whole pages.
    m.map_fixed(0x1000, 1, Perms::RW).unwrap();
    assert!(m.is_mapped(0x1000, P));
    assert!(!m.is_mapped(0x1000, P + 1));
    assert!(m.is_mapped(0x1fff, 1));
    assert!(m.is_mapped(0x5000, 0));
}

#[test]
fn split_regions_and_partial_unmap() {
    let mut m = AddressSpace::new();
    m.map_fixed(0x10000, 8 * P, Perms::RW).unwrap();
    m.protect(0x12000, 2 * P, Perms::R).unwrap();
    m.unmap(0x16000, P).unwrap();
    let r = m.regions();
    let want = [
        (0x10000, 0x12000, Perms::RW),
        (0x12000, 0x14000, Perms::R),
        (0x14000, 0x16000, Perms::RW),
        (0x17000, 0x18000, Perms::RW),
    ];
    assert_eq!(r.len(), want.len());
    for (g, w) in r.iter().zip(want) {
        assert_eq!((g.start, g.end, g.perms, g.shared), (w.0, w.1, w.2, false));
    }
    // Protecting back merges the regions again.
    m.protect(0x12000, 2 * P, Perms::RW).unwrap();
    assert_eq!(m.vma_count(), 2);
    assert_eq!(m.regions().len(), 2);
    // Unmapping across holes is fine; protect across a hole fails and changes nothing.
    assert_eq!(m.protect(0x15000, 3 * P, Perms::R), Err(MapError::NoMemory));
    m.store_u8(0x15000, 1).unwrap();
    m.unmap(0x0, 0x100000).unwrap();
    assert!(m.regions().is_empty());
    assert_eq!(m.resident_bytes(), 0);
}

#[test]
fn map_fixed_replaces_and_zeroes() {
    let mut m = AddressSpace::new();
    m.map_fixed(0x10000, 4 * P, Perms::RW).unwrap();
    m.store_u64(0x11000, 0xdead_beef).unwrap();
    assert_eq!(
        m.map_fixed_noreplace(0x13000, 2 * P, Perms::RW),
        Err(MapError::Exists)
    );
    assert_eq!(
        m.map_fixed_noreplace(0x8000, 0x9000, Perms::RW),
        Err(MapError::Exists)
    );
    m.map_fixed_noreplace(0x14000, P, Perms::R).unwrap();
    m.map_fixed(0x11000, P, Perms::RW).unwrap();
    assert_eq!(m.load_u64(0x11000), Ok(0));
}

#[test]
fn demand_paging_reservations_are_free() {
    let mut m = AddressSpace::new();
    // Node-style: 1.5 GiB PROT_NONE reservation, 256 MiB of it made RWX.
    let base = 0x10_0000_0000;
    m.map_fixed(base, 1536 << 20, Perms::NONE).unwrap();
    m.protect(base, 256 << 20, Perms::RWX).unwrap();
    assert_eq!(m.resident_bytes(), 0);
    assert_eq!(m.pool_resident_bytes(), 0);
    m.store_u32(base + (100 << 20), 7).unwrap();
    assert_eq!(m.load_u32(base + (200 << 20)), Ok(0));
    assert_eq!(m.resident_bytes(), 2 * P);
    assert_eq!(
        m.load_u8(base + (300 << 20)),
        Err(fault(
            base + (300 << 20),
            Access::Read,
            FaultKind::Protection
        ))
    );
    assert_eq!(m.resident_bytes(), 2 * P);
    m.unmap(base, 1536 << 20).unwrap();
    assert_eq!(m.resident_bytes(), 0);
    assert_eq!(m.pool_resident_bytes(), 0);
}

#[test]
fn faults_report_address_access_and_kind() {
    let mut m = AddressSpace::new();
    m.map_fixed(0x10000, P, Perms::R).unwrap();
    m.map_fixed(0x11000, P, Perms::X).unwrap();
    m.map_fixed(0x12000, P, Perms::W).unwrap();
    use Access::*;
    use FaultKind::*;
    assert_eq!(m.load_u8(0x9000), Err(fault(0x9000, Read, Unmapped)));
    assert_eq!(
        m.store_u8(0x10008, 1),
        Err(fault(0x10008, Write, Protection))
    );
    assert_eq!(m.fetch_u16(0x10010), Err(fault(0x10010, Exec, Protection)));
    assert_eq!(m.load_u64(0x11000), Err(fault(0x11000, Read, Protection)));
    assert_eq!(m.fetch_u16(0x11000), Ok(0));
    assert_eq!(m.load_u8(0x12000), Err(fault(0x12000, Read, Protection)));
    assert_eq!(m.store_u8(0x12000, 1), Ok(()));
    assert_eq!(
        m.load_u64(u64::MAX - 3),
        Err(fault(u64::MAX - 3, Read, Unmapped))
    );
    assert_eq!(
        m.store_u64(u64::MAX, 0),
        Err(fault(u64::MAX, Write, Unmapped))
    );
    assert_eq!(m.fetch_u16(USER_TOP), Err(fault(USER_TOP, Exec, Unmapped)));
    let mut b = [0u8; 8];
    assert_eq!(
        m.read_bytes(0x12ffc, &mut b),
        Err(fault(0x12ffc, Read, Protection))
    );
    assert_eq!(
        m.read_bytes_unchecked(0x12ffc, &mut b),
        Err(fault(0x13000, Read, Unmapped))
    );
}

#[test]
fn misaligned_and_page_crossing() {
    let mut m = AddressSpace::new();
    m.map_fixed(0x10000, 2 * P, Perms::RW).unwrap();
    m.store_u64(0x10003, 0x1122_3344_5566_7788).unwrap();
    assert_eq!(m.load_u64(0x10003), Ok(0x1122_3344_5566_7788));
    assert_eq!(m.load_u8(0x10003), Ok(0x88));
    assert_eq!(m.load_u16(0x10004), Ok(0x6677));
    assert_eq!(m.load_u32(0x10005), Ok(0x3344_5566));
    // Across the page boundary, both ways.
    for off in 1..8 {
        let a = 0x11000 - off;
        m.store_u64(a, 0x0102_0304_0506_0708).unwrap();
        assert_eq!(m.load_u64(a), Ok(0x0102_0304_0506_0708));
        assert_eq!(
            m.load_u8(0x10fff),
            Ok(0x0102_0304_0506_0708u64 >> (8 * (off - 1)) & 0xff)
        );
    }
    m.store_u32(0x10ffe, 0xaabb_ccdd).unwrap();
    assert_eq!(m.load_u16(0x10fff), Ok(0xbbcc));
    assert_eq!(m.load_u32(0x10ffe), Ok(0xaabb_ccdd));
    m.store_u16(0x10fff, 0x1234).unwrap();
    assert_eq!(m.load_u16(0x10fff), Ok(0x1234));
    // Crossing into an unmapped or read-only page faults at the page start and
    // writes nothing.
    m.store_u64(0x11ff8, u64::MAX).unwrap();
    assert_eq!(
        m.store_u64(0x11ffc, 0),
        Err(fault(0x12000, Access::Write, FaultKind::Unmapped))
    );
    assert_eq!(m.load_u64(0x11ff8), Ok(u64::MAX));
    assert_eq!(
        m.load_u32(0x11ffe),
        Err(fault(0x12000, Access::Read, FaultKind::Unmapped))
    );
    m.map_fixed(0x12000, P, Perms::R).unwrap();
    assert_eq!(
        m.store_u16(0x11fff, 0),
        Err(fault(0x12000, Access::Write, FaultKind::Protection))
    );
    assert_eq!(m.load_u8(0x11fff), Ok(0xff));
    // The first page is checked first.
    assert_eq!(
        m.store_u32(0x12ffe, 0),
        Err(fault(0x12ffe, Access::Write, FaultKind::Protection))
    );
    // Fetch across pages needs X on both.
    m.map_fixed(0x20000, P, Perms::RX).unwrap();
    m.map_fixed(0x21000, P, Perms::R).unwrap();
    assert_eq!(
        m.fetch_u16(0x20fff),
        Err(fault(0x21000, Access::Exec, FaultKind::Protection))
    );
}

#[test]
fn bytes_and_cstr() {
    let mut m = AddressSpace::new();
    m.map_fixed(0x10000, 2 * P, Perms::RW).unwrap();
    let data: Vec<u8> = (0..300u32).map(|i| (i % 251) as u8 + 1).collect();
    m.write_bytes(0x10f00, &data).unwrap();
    let mut back = vec![0u8; 300];
    m.read_bytes(0x10f00, &mut back).unwrap();
    assert_eq!(back, data);
    m.store_u8(0x10f00 + 290, 0).unwrap();
    assert_eq!(m.read_cstr(0x10f00, 1000).unwrap(), data[..290].to_vec());
    assert_eq!(m.read_cstr(0x10f00, 10).unwrap(), data[..10].to_vec());
    // A string running into an unmapped page faults there.
    m.write_bytes(0x11ff0, &[b'a'; 16]).unwrap();
    assert_eq!(
        m.read_cstr(0x11ff0, 100),
        Err(fault(0x12000, Access::Read, FaultKind::Unmapped))
    );
    // The loader writes read-only code.
    m.map_fixed(0x20000, P, Perms::RX).unwrap();
    assert_eq!(
        m.write_bytes(0x20000, &[1, 2]),
        Err(fault(0x20000, Access::Write, FaultKind::Protection))
    );
    m.write_bytes_unchecked(0x20000, &[0x13, 0x05]).unwrap();
    assert_eq!(m.fetch_u16(0x20000), Ok(0x0513));
    m.protect(0x20000, P, Perms::NONE).unwrap();
    let mut two = [0u8; 2];
    m.read_bytes_unchecked(0x20000, &mut two).unwrap();
    assert_eq!(two, [0x13, 0x05]);
}

#[test]
fn fork_is_copy_on_write() {
    let mut a = AddressSpace::new();
    a.map_fixed(0x10000, 4 * P, Perms::RW).unwrap();
    a.store_u64(0x10000, 1).unwrap();
    a.store_u64(0x11000, 2).unwrap();
    assert_eq!(a.pool_resident_bytes(), 2 * P);
    let mut b = a.fork();
    assert_eq!(a.pool_resident_bytes(), 2 * P);
    assert_eq!(b.load_u64(0x10000), Ok(1));
    // Writes after fork (through a TLB entry filled before it) stay private.
    a.store_u64(0x10000, 10).unwrap();
    b.store_u64(0x11000, 20).unwrap();
    assert_eq!(a.load_u64(0x10000), Ok(10));
    assert_eq!(b.load_u64(0x10000), Ok(1));
    assert_eq!(a.load_u64(0x11000), Ok(2));
    assert_eq!(b.load_u64(0x11000), Ok(20));
    assert_eq!(a.pool_resident_bytes(), 4 * P);
    // Untouched pages are independent too.
    b.store_u8(0x12000, 5).unwrap();
    assert_eq!(a.load_u8(0x12000), Ok(0));
    // Dropping the child releases its frames; the parent's last sharer writes in place.
    drop(b);
    assert_eq!(a.pool_resident_bytes(), 3 * P);
    a.store_u64(0x11000, 3).unwrap();
    assert_eq!(a.pool_resident_bytes(), 3 * P);
    assert_eq!(a.load_u64(0x11000), Ok(3));
}

#[test]
fn fork_refcounts_drop_on_unmap() {
    let mut a = AddressSpace::new();
    a.map_fixed(0x10000, P, Perms::RW).unwrap();
    a.store_u8(0x10000, 1).unwrap();
    let mut b = a.fork();
    b.unmap(0x10000, P).unwrap();
    assert_eq!(a.pool_resident_bytes(), P);
    a.unmap(0x10000, P).unwrap();
    assert_eq!(a.pool_resident_bytes(), 0);
}

#[test]
fn shared_mappings_stay_shared() {
    let mut a = AddressSpace::new();
    a.map_shared_fixed(0x10000, 4 * P, Perms::RW).unwrap();
    a.store_u32(0x10000, 1).unwrap();
    let mut b = a.fork();
    // A page touched before fork, and one touched only afterwards.
    b.store_u32(0x10000, 2).unwrap();
    assert_eq!(a.load_u32(0x10000), Ok(2));
    a.store_u32(0x13000, 3).unwrap();
    assert_eq!(b.load_u32(0x13000), Ok(3));
    b.store_u32(0x12004, 4).unwrap();
    assert_eq!(a.load_u32(0x12004), Ok(4));
    assert!(a.regions()[0].shared);
    // Splitting a shared region keeps the page correspondence.
    b.protect(0x11000, P, Perms::R).unwrap();
    a.store_u8(0x12fff, 9).unwrap();
    assert_eq!(b.load_u8(0x12fff), Ok(9));
    // Replacing the mapping in one space leaves the other's frames alone.
    b.map_fixed(0x10000, 4 * P, Perms::RW).unwrap();
    assert_eq!(b.load_u32(0x10000), Ok(0));
    assert_eq!(a.load_u32(0x10000), Ok(2));
    drop(b);
    a.unmap(0x10000, 4 * P).unwrap();
    assert_eq!(a.pool_resident_bytes(), 0);
}

#[test]
fn code_page_writes_are_recorded() {
    let mut m = AddressSpace::new();
    m.map_fixed(0x10000, 4 * P, Perms::RWX).unwrap();
    m.store_u32(0x10000, 0x13).unwrap(); // fills a write TLB entry
    assert_eq!(m.fetch_u16(0x10000), Ok(0x13));
    m.mark_code(0x10000);
    m.mark_code(0x11000); // untouched: nothing to mark yet
    assert!(!m.code_writes_pending());
    assert_eq!(m.take_code_writes(), None);
    m.store_u32(0x10ffc, 0x73).unwrap();
    assert!(m.code_writes_pending());
    assert_eq!(m.take_code_writes(), Some(vec![0x10000]));
    // The mark is consumed by the first write.
    m.store_u32(0x10008, 1).unwrap();
    assert_eq!(m.take_code_writes(), None);
    // A crossing store into a code page, the loader, unmap and mprotect -X record too.
    m.fetch_u16(0x12000).unwrap();
    m.mark_code(0x10000);
    m.mark_code(0x12000);
    m.store_u16(0x11fff, 0xffff).unwrap();
    assert_eq!(m.take_code_writes(), Some(vec![0x12000]));
    m.mark_code(0x12000);
    m.write_bytes_unchecked(0x12000, &[0]).unwrap();
    assert_eq!(m.take_code_writes(), Some(vec![0x12000]));
    m.mark_code(0x12000);
    m.protect(0x10000, 4 * P, Perms::RW).unwrap();
    m.unmap(0x10000, 4 * P).unwrap();
    assert_eq!(m.take_code_writes(), Some(vec![0x10000, 0x12000]));
}

#[test]
fn stale_tlb_entries_never_allow_access() {
    let mut m = AddressSpace::new();
    m.map_fixed(0x10000, 2 * P, Perms::RWX).unwrap();
    m.store_u64(0x10000, 1).unwrap();
    assert_eq!(m.load_u64(0x10000), Ok(1));
    assert_eq!(m.fetch_u16(0x10000), Ok(1));
    m.protect(0x10000, P, Perms::R).unwrap();
    assert_eq!(
        m.store_u64(0x10000, 2),
        Err(fault(0x10000, Access::Write, FaultKind::Protection))
    );
    assert_eq!(
        m.fetch_u16(0x10000),
        Err(fault(0x10000, Access::Exec, FaultKind::Protection))
    );
    assert_eq!(m.load_u64(0x10000), Ok(1));
    m.protect(0x10000, P, Perms::NONE).unwrap();
    assert_eq!(
        m.load_u64(0x10000),
        Err(fault(0x10000, Access::Read, FaultKind::Protection))
    );
    m.store_u8(0x11000, 1).unwrap();
    m.unmap(0x11000, P).unwrap();
    assert_eq!(
        m.load_u8(0x11000),
        Err(fault(0x11000, Access::Read, FaultKind::Unmapped))
    );
    assert_eq!(
        m.store_u8(0x11000, 1),
        Err(fault(0x11000, Access::Write, FaultKind::Unmapped))
    );
    // A large unmap (whole-TLB flush path) too.
    m.map_fixed(0x100000, 2048 * P, Perms::RW).unwrap();
    m.store_u8(0x100000, 1).unwrap();
    m.unmap(0x100000, 2048 * P).unwrap();
    assert!(m.load_u8(0x100000).is_err());
    // Pages that share a TLB slot do not see each other's data.
    let far = 0x10000 + (tlb::TLB_ENTRIES as u64) * P;
    m.map_fixed(far, P, Perms::RW).unwrap();
    m.map_fixed(0x10000, P, Perms::RW).unwrap();
    m.store_u8(0x10000, 7).unwrap();
    m.store_u8(far, 8).unwrap();
    assert_eq!(m.load_u8(0x10000), Ok(7));
    assert_eq!(m.load_u8(far), Ok(8));
}

#[test]
fn limit_is_enforced() {
    let mut m = AddressSpace::new();
    m.set_limit(3 * P);
    m.map_fixed(0x10000, 16 * P, Perms::RW).unwrap();
    for i in 0..3 {
        m.store_u8(0x10000 + i * P, 1).unwrap();
    }
    assert_eq!(
        m.store_u8(0x13000, 1),
        Err(fault(0x13000, Access::Write, FaultKind::OutOfMemory))
    );
    assert_eq!(
        m.load_u8(0x13000),
        Err(fault(0x13000, Access::Read, FaultKind::OutOfMemory))
    );
    // A copy-on-write copy counts against the same pool.
    let mut c = m.fork();
    assert_eq!(
        c.store_u8(0x10000, 2),
        Err(fault(0x10000, Access::Write, FaultKind::OutOfMemory))
    );
    assert_eq!(c.load_u8(0x10000), Ok(1));
    c.unmap(0x11000, P).unwrap();
    m.unmap(0x11000, P).unwrap();
    c.store_u8(0x10000, 2).unwrap();
    assert_eq!(m.load_u8(0x10000), Ok(1));
    // A sibling (execve) shares the limit.
    let mut s = m.new_sibling();
    s.map_fixed(0x10000, P, Perms::RW).unwrap();
    assert!(s.store_u8(0x10000, 1).is_err());
}

#[test]
fn find_free_hint_and_top_down() {
    let mut m = AddressSpace::new();
    let top = m.mmap_top();
    assert_eq!(top, DEFAULT_MMAP_TOP);
    assert_eq!(m.find_free(0, P), Some(top - P));
    assert_eq!(m.find_free(0x5000_0000, 3 * P), Some(0x5000_0000));
    // Unaligned, too high, or occupied hints fall back to top-down.
    assert_eq!(m.find_free(0x5000_0001, P), Some(top - P));
    assert_eq!(m.find_free(USER_TOP, P), Some(top - P));
    // Hints above mmap_top but below 2^47 are honoured (Node's random hints).
    assert_eq!(m.find_free(0xff_0000_0000, P), Some(0xff_0000_0000));
    m.map_fixed(top - 4 * P, 4 * P, Perms::R).unwrap();
    m.map_fixed(top - 10 * P, 4 * P, Perms::R).unwrap();
    assert_eq!(m.find_free(top - 2 * P, P), Some(top - 5 * P));
    // The 2-page hole between the two mappings is found for small requests.
    assert_eq!(m.find_free(0, 2 * P), Some(top - 6 * P));
    assert_eq!(m.find_free(0, 3 * P), Some(top - 13 * P));
    // A mapping straddling mmap_top is avoided.
    m.set_mmap_top(top - 20 * P);
    m.map_fixed(top - 22 * P, 4 * P, Perms::R).unwrap();
    assert_eq!(m.find_free(0, P), Some(top - 23 * P));
    // No room at all.
    m.set_mmap_top(MMAP_MIN + P);
    assert_eq!(m.find_free(0, 2 * P), None);
    assert_eq!(m.find_free(0, P), Some(MMAP_MIN));
    assert_eq!(m.find_free(0, 0), None);
}

#[test]
fn tlb_hits_after_fill() {
    let mut m = AddressSpace::new();
    m.map_fixed(0x10000, P, Perms::RW).unwrap();
    m.store_u8(0x10000, 1).unwrap();
    let i = tlb::Tlb::index(0x10);
    assert_eq!(m.tlb().write[i].tag, 0x10);
    assert_eq!(m.tlb().read[i].tag, 0x10);
    assert_eq!(m.tlb().exec[i].tag, tlb::INVALID_TAG);
    let _child = m.fork();
    assert_eq!(m.tlb().write[i].tag, tlb::INVALID_TAG);
    assert_eq!(m.tlb().read[i].tag, 0x10);
}

#[test]
fn pages_past_the_end_of_a_file_fault_past_eof() {
    let mut m = AddressSpace::new();
    m.map_fixed(0x10000, P, Perms::RW).unwrap();
    m.map_past_eof(0x11000, 2 * P, Perms::RW).unwrap();
    m.store_u8(0x10fff, 1).unwrap();
    assert_eq!(
        m.load_u16(0x10fff),
        Err(fault(0x11000, Access::Read, FaultKind::PastEof))
    );
    assert_eq!(
        m.write_bytes_unchecked(0x12008, &[1]),
        Err(fault(0x12008, Access::Write, FaultKind::PastEof))
    );
    // mprotect and fork keep it; a fixed mapping over it ends it.
    m.protect(0x11000, P, Perms::R).unwrap();
    let mut c = m.fork();
    assert_eq!(c.load_u8(0x11000).unwrap_err().kind, FaultKind::PastEof);
    m.map_fixed(0x11000, P, Perms::RW).unwrap();
    assert_eq!(m.load_u8(0x11000), Ok(0));
    assert_eq!(m.load_u8(0x12000).unwrap_err().kind, FaultKind::PastEof);
    // A shared object sized to one page: its second page is past the end.
    let obj = SharedMem::new();
    obj.set_size_pages(1);
    m.map_shared_obj(0x20000, 2 * P, Perms::RW, &obj, 0)
        .unwrap();
    m.store_u8(0x20000, 7).unwrap();
    assert_eq!(m.load_u8(0x21000).unwrap_err().kind, FaultKind::PastEof);
    obj.set_size_pages(2);
    assert_eq!(m.load_u8(0x21000), Ok(0));
}
