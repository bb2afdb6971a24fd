//! What the two host-directory file systems share (`hostfs.rs`, native, over `std::fs`;
//! `jsfs.rs`, wasm, over the JavaScript host's file functions): the name check that keeps
//! every host path inside the served directory, and stable readdir positions. Both keep the
//! same confinement rules; only the host calls differ.

use super::*;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A name that may be joined to a host path: one component, not `.`/`..`.
pub fn check_name(name: &[u8]) -> VfsResult<()> {
    if name.is_empty() || name == b"." || name == b".." || name.contains(&b'/') {
        return Err(Errno::EINVAL);
    }
    if name.contains(&0) {
        return Err(Errno::EINVAL);
    }
    if name.len() > NAME_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    Ok(())
}

/// Stable readdir positions for a host directory, like memfs's: each name
/// gets a position when first seen (the first listing in sorted order, later
/// arrivals after it, sorted among themselves) and keeps it while it exists,
/// so a resumed `getdents` neither skips nor repeats entries when others are
/// added or removed, and concurrent readers do not disturb each other.
pub struct Dirents {
    by_pos: BTreeMap<u64, Vec<u8>>,
    by_name: HashMap<Vec<u8>, u64>,
    next: u64,
}

impl Dirents {
    /// Empty; real entries start at position `first` (after `.` and `..`).
    pub fn new(first: u64) -> Dirents {
        Dirents {
            by_pos: BTreeMap::new(),
            by_name: HashMap::new(),
            next: first,
        }
    }

    /// Bring the positions up to date with the host's current `names`.
    pub fn refresh(&mut self, mut names: Vec<Vec<u8>>) {
        let present: HashSet<&[u8]> = names.iter().map(|n| &n[..]).collect();
        let gone: Vec<u64> = self
            .by_pos
            .iter()
            .filter(|(_, n)| !present.contains(&n[..]))
            .map(|(&p, _)| p)
            .collect();
        for p in gone {
            if let Some(n) = self.by_pos.remove(&p) {
                self.by_name.remove(&n);
            }
        }
        names.sort();
        for n in names {
            if !self.by_name.contains_key(&n) {
                self.by_name.insert(n.clone(), self.next);
                self.by_pos.insert(self.next, n);
                self.next += 1;
            }
        }
    }

    /// Entries at positions `>= pos`, in position order.
    pub fn from(&self, pos: u64) -> Vec<(u64, Vec<u8>)> {
        self.by_pos
            .range(pos..)
            .map(|(&p, n)| (p, n.clone()))
            .collect()
    }
}
