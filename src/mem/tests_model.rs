//! Randomized test: `AddressSpace` against a simple reference model (a hash
//! map of page -> (bytes, perms)) over many random operations, including
//! forks, page-crossing accesses and pages that collide in the TLB.

use super::*;
use std::collections::HashMap;

const P: u64 = PAGE_SIZE as u64;

#[derive(Clone, Default)]
struct Model {
    pages: HashMap<u64, (Box<[u8; PAGE_SIZE]>, Perms)>,
}

impl Model {
    fn check(&self, addr: u64, len: usize, access: Access) -> Result<(), MemFault> {
        for i in 0..len as u64 {
            let a = addr.wrapping_add(i);
            let kind = match self.pages.get(&(a >> 12)) {
                None => Some(FaultKind::Unmapped),
                Some((_, p)) if !p.contains(access.required()) => Some(FaultKind::Protection),
                _ => None,
            };
            if let Some(kind) = kind {
                return Err(MemFault {
                    addr: a,
                    access,
                    kind,
                });
            }
        }
        Ok(())
    }
    fn load(&self, addr: u64, len: usize, access: Access) -> Result<u64, MemFault> {
        self.check(addr, len, access)?;
        let mut v = 0u64;
        for i in (0..len as u64).rev() {
            let a = addr + i;
            v = v << 8 | self.pages[&(a >> 12)].0[(a & 0xfff) as usize] as u64;
        }
        Ok(v)
    }
    fn write_byte(&mut self, a: u64, b: u8) {
        self.pages.get_mut(&(a >> 12)).unwrap().0[(a & 0xfff) as usize] = b;
    }
    fn store(&mut self, addr: u64, len: usize, val: u64) -> Result<(), MemFault> {
        self.check(addr, len, Access::Write)?;
        for i in 0..len as u64 {
            self.write_byte(addr + i, (val >> (8 * i)) as u8);
        }
        Ok(())
    }
    fn write_bytes(&mut self, addr: u64, data: &[u8]) -> Result<(), MemFault> {
        for (i, &b) in data.iter().enumerate() {
            self.check(addr + i as u64, 1, Access::Write)?;
            self.write_byte(addr + i as u64, b);
        }
        Ok(())
    }
    fn read_bytes(&self, addr: u64, len: usize) -> Result<Vec<u8>, MemFault> {
        (0..len as u64)
            .map(|i| self.load(addr + i, 1, Access::Read).map(|v| v as u8))
            .collect()
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Two windows of pages; the second aliases the first in the TLB.
const WINDOWS: [(u64, u64); 2] = [(0x100, 24), (0x100 + tlb::TLB_ENTRIES as u64, 8)];
const ALL_PERMS: [Perms; 6] = [
    Perms::NONE,
    Perms::R,
    Perms::RW,
    Perms::RX,
    Perms::RWX,
    Perms::X,
];

fn random_range(r: &mut Rng) -> (u64, u64) {
    let (base, n) = WINDOWS[r.below(2) as usize];
    let start = base + r.below(n);
    let len = 1 + r.below(4);
    (start * P, len * P)
}

fn random_addr(r: &mut Rng) -> u64 {
    let (base, n) = WINDOWS[r.below(2) as usize];
    // One page of slack on each side of the window.
    let page = base - 1 + r.below(n + 2);
    let off = if r.below(3) == 0 {
        P - 1 - r.below(8)
    } else {
        r.below(P)
    };
    page * P + off
}

/// Runs `steps` random operations; returns (successful, faulting) accesses.
fn run(seed: u64, steps: usize) -> (u64, u64) {
    let mut r = Rng(seed);
    let (mut ok, mut bad) = (0u64, 0u64);
    let mut sys: Vec<(AddressSpace, Model)> = vec![(AddressSpace::new(), Model::default())];
    for step in 0..steps {
        let k = r.below(sys.len() as u64) as usize;
        let (m, model) = &mut sys[k];
        let ctx = format!("seed {seed} step {step} space {k}");
        match r.below(100) {
            0..=3 => {
                let (a, l) = random_range(&mut r);
                let p = ALL_PERMS[r.below(6) as usize];
                m.map_fixed(a, l, p).unwrap();
                for pg in (a..a + l).step_by(P as usize) {
                    model.pages.insert(pg >> 12, (Box::new([0; PAGE_SIZE]), p));
                }
            }
            4..=5 => {
                let (a, l) = random_range(&mut r);
                m.unmap(a, l).unwrap();
                for pg in (a..a + l).step_by(P as usize) {
                    model.pages.remove(&(pg >> 12));
                }
            }
            6..=9 => {
                let (a, l) = random_range(&mut r);
                let p = ALL_PERMS[r.below(6) as usize];
                let all = (a..a + l)
                    .step_by(P as usize)
                    .all(|pg| model.pages.contains_key(&(pg >> 12)));
                let got = m.protect(a, l, p);
                if all {
                    assert_eq!(got, Ok(()), "{ctx}");
                    for pg in (a..a + l).step_by(P as usize) {
                        model.pages.get_mut(&(pg >> 12)).unwrap().1 = p;
                    }
                } else {
                    assert_eq!(got, Err(MapError::NoMemory), "{ctx}");
                }
            }
            10 => {
                if sys.len() < 3 {
                    let child = (sys[k].0.fork(), sys[k].1.clone());
                    sys.push(child);
                } else {
                    sys.swap_remove(k);
                }
            }
            11..=14 => {
                let a = random_addr(&mut r);
                let data: Vec<u8> = (0..r.below(40)).map(|_| r.next() as u8).collect();
                assert_eq!(
                    m.write_bytes(a, &data),
                    model.write_bytes(a, &data),
                    "{ctx}"
                );
            }
            15..=18 => {
                let a = random_addr(&mut r);
                let n = r.below(40) as usize;
                let mut buf = vec![0u8; n];
                let got = m.read_bytes(a, &mut buf).map(|_| buf);
                assert_eq!(got, model.read_bytes(a, n), "{ctx}");
            }
            19..=22 => {
                let a = random_addr(&mut r);
                let got = m.fetch_u16(a).map(u64::from);
                assert_eq!(got, model.load(a, 2, Access::Exec), "{ctx} fetch {a:#x}");
            }
            23..=60 => {
                let a = random_addr(&mut r);
                let size = 1usize << r.below(4);
                let got = match size {
                    1 => m.load_u8(a),
                    2 => m.load_u16(a),
                    4 => m.load_u32(a),
                    _ => m.load_u64(a),
                };
                assert_eq!(
                    got,
                    model.load(a, size, Access::Read),
                    "{ctx} load{size} {a:#x}"
                );
                if got.is_ok() {
                    ok += 1
                } else {
                    bad += 1
                }
            }
            _ => {
                let a = random_addr(&mut r);
                let size = 1usize << r.below(4);
                let v = r.next();
                let got = match size {
                    1 => m.store_u8(a, v),
                    2 => m.store_u16(a, v),
                    4 => m.store_u32(a, v),
                    _ => m.store_u64(a, v),
                };
                assert_eq!(got, model.store(a, size, v), "{ctx} store{size} {a:#x}");
                if got.is_ok() {
                    ok += 1
                } else {
                    bad += 1
                }
            }
        }
    }
    // Final sweep: every page of every space matches the model.
    for (m, model) in &mut sys {
        for (base, n) in WINDOWS {
            for pg in base - 1..base + n + 1 {
                let a = pg * P;
                assert_eq!(m.is_mapped(a, P), model.pages.contains_key(&pg));
                let mut buf = vec![0u8; PAGE_SIZE];
                if m.read_bytes_unchecked(a, &mut buf).is_ok() {
                    assert_eq!(
                        &buf[..],
                        &model.pages[&pg].0[..],
                        "seed {seed} page {pg:#x}"
                    );
                }
            }
        }
    }
    (ok, bad)
}

#[test]
fn random_ops_match_reference_model() {
    for seed in 1..=8u64 {
        let (ok, bad) = run(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1, 20_000);
        // The mix must exercise both outcomes substantially.
        assert!(
            ok > 2_000 && bad > 2_000,
            "seed {seed}: {ok} ok, {bad} faults"
        );
    }
}
