//! Micro-benchmark of guest memory access (no criterion): ns per TLB-hit
//! load/store/fetch, per TLB miss (page present, slot evicted), per first
//! touch (zero-fill) and per copy-on-write fault.
//!
//! Run: `cargo run --release --example mem_bench`

use nanovm::mem::{tlb::TLB_ENTRIES, AddressSpace, Perms, PAGE_SIZE};
use std::hint::black_box;
use std::time::Instant;

const P: u64 = PAGE_SIZE as u64;
const BASE: u64 = 0x1000_0000;

fn time(label: &str, ops: u64, f: impl FnOnce() -> u64) {
    let t = Instant::now();
    let sink = f();
    let ns = t.elapsed().as_nanos() as f64 / ops as f64;
    black_box(sink);
    println!("{label:<40} {ns:8.2} ns/op");
}

fn main() {
    let mut m = AddressSpace::new();
    m.map_fixed(BASE, 64 << 20, Perms::RWX).unwrap();
    // Working set of 16 pages, all resident and in the TLB.
    for i in 0..16 {
        m.store_u64(BASE + i * P, i).unwrap();
    }
    const N: u64 = 20_000_000;
    time("load_u64 (TLB hit)", N, || {
        let mut s = 0u64;
        for i in 0..N {
            let a = BASE + ((i * 8) & 0xfff8);
            s = s.wrapping_add(black_box(&mut m).load_u64(a).unwrap());
        }
        s
    });
    time("load_u32 misaligned (TLB hit)", N, || {
        let mut s = 0u64;
        for i in 0..N {
            let a = BASE + 1 + ((i * 8) & 0xfff0);
            s = s.wrapping_add(black_box(&mut m).load_u32(a).unwrap());
        }
        s
    });
    time("store_u64 (TLB hit)", N, || {
        for i in 0..N {
            let a = BASE + ((i * 8) & 0xfff8);
            black_box(&mut m).store_u64(a, i).unwrap();
        }
        0
    });
    time("fetch_u16 (TLB hit)", N, || {
        let mut s = 0u64;
        for i in 0..N {
            let a = BASE + ((i * 2) & 0xfffe);
            s = s.wrapping_add(black_box(&mut m).fetch_u16(a).unwrap() as u64);
        }
        s
    });
    // Two resident pages that share a TLB slot: every access misses.
    let alias = BASE + TLB_ENTRIES as u64 * P;
    m.store_u8(alias, 1).unwrap();
    const M: u64 = 2_000_000;
    time("load_u64 (TLB miss, page present)", M, || {
        let mut s = 0u64;
        for i in 0..M {
            let a = if i & 1 == 0 { BASE } else { alias };
            s = s.wrapping_add(black_box(&mut m).load_u64(a).unwrap());
        }
        s
    });
    time("store_u64 (TLB miss, page present)", M, || {
        for i in 0..M {
            let a = if i & 1 == 0 { BASE } else { alias };
            black_box(&mut m).store_u64(a, i).unwrap();
        }
        0
    });
    time("load_u64 crossing a page (slow path)", M, || {
        let mut s = 0u64;
        for _ in 0..M {
            s = s.wrapping_add(black_box(&mut m).load_u64(BASE + P - 4).unwrap());
        }
        s
    });
    const T: u64 = 16_384 - 32;
    time("first touch (zero-fill fault)", T, || {
        for i in 0..T {
            black_box(&mut m).store_u8(BASE + (32 + i) * P, 1).unwrap();
        }
        0
    });
    let child = m.fork();
    time("copy-on-write fault", T, || {
        for i in 0..T {
            black_box(&mut m).store_u8(BASE + (32 + i) * P, 2).unwrap();
        }
        0
    });
    drop(child);
    println!("resident: {} MiB", m.resident_bytes() >> 20);
}
