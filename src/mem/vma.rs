//! The region map: which guest ranges are mapped, with what permissions, and
//! whether they are shared. Regions (VMAs) are kept in a `BTreeMap` keyed by
//! start address, so reserving gigabytes is one entry and costs nothing until
//! pages are touched.

use super::frame::SharedObj;
use super::perms::Perms;
use super::PAGE_SHIFT;
use std::collections::BTreeMap;
use std::rc::Rc;

/// One mapped region `[start, end)` (start is the map key).
#[derive(Clone)]
pub(crate) struct Vma {
    /// One past the last byte (page aligned).
    pub(crate) end: u64,
    /// Access permissions of every page.
    pub(crate) perms: Perms,
    /// For `MAP_SHARED`: the object holding the frames, and the page index in
    /// it of this region's first page.
    pub(crate) shared: Option<(Rc<SharedObj>, u64)>,
    /// Pages of a private file mapping wholly past the end of the file: a
    /// touch of a page without a frame faults with `FaultKind::PastEof`.
    pub(crate) past_eof: bool,
}

/// A public description of one region (for `/proc/self/maps`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    /// First address.
    pub start: u64,
    /// One past the last address.
    pub end: u64,
    /// Permissions.
    pub perms: Perms,
    /// True for a `MAP_SHARED` mapping.
    pub shared: bool,
}

/// The set of regions of one address space.
#[derive(Clone, Default)]
pub(crate) struct VmaMap {
    map: BTreeMap<u64, Vma>,
}

impl VmaMap {
    /// The region containing `addr`, with its start.
    #[inline]
    pub(crate) fn find(&self, addr: u64) -> Option<(u64, &Vma)> {
        let (&s, v) = self.map.range(..=addr).next_back()?;
        (addr < v.end).then_some((s, v))
    }

    /// Splits the region containing `addr` (if any) so that a region starts at `addr`.
    fn split_at(&mut self, addr: u64) {
        let Some((s, v)) = self.find(addr) else {
            return;
        };
        if s == addr {
            return;
        }
        let mut hi = v.clone();
        if let Some((_, base)) = &mut hi.shared {
            *base += (addr - s) >> PAGE_SHIFT;
        }
        if let Some(lo) = self.map.get_mut(&s) {
            lo.end = addr;
        }
        self.map.insert(addr, hi);
    }

    /// Removes `[start, end)` from the map, splitting regions at the edges.
    pub(crate) fn remove(&mut self, start: u64, end: u64) {
        self.split_at(start);
        self.split_at(end);
        let keys: Vec<u64> = self.map.range(start..end).map(|(&k, _)| k).collect();
        for k in keys {
            self.map.remove(&k);
        }
    }

    /// Inserts a region over a range that `remove` has just cleared.
    pub(crate) fn insert(&mut self, start: u64, vma: Vma) {
        let end = vma.end;
        self.map.insert(start, vma);
        self.merge_around(start, end);
    }

    /// True if any byte of `[start, end)` is mapped.
    pub(crate) fn overlaps(&self, start: u64, end: u64) -> bool {
        self.find(start).is_some() || self.map.range(start..end).next().is_some()
    }

    /// True if every byte of `[start, end)` is mapped.
    pub(crate) fn covers(&self, start: u64, end: u64) -> bool {
        let mut at = start;
        while at < end {
            match self.find(at) {
                Some((_, v)) => at = v.end,
                None => return false,
            }
        }
        true
    }

    /// Sets the permissions of `[start, end)`, which must be fully mapped.
    pub(crate) fn protect(&mut self, start: u64, end: u64, perms: Perms) {
        self.split_at(start);
        self.split_at(end);
        for (_, v) in self.map.range_mut(start..end) {
            v.perms = perms;
        }
        self.merge_around(start, end);
    }

    /// Merges private regions with equal permissions that touch, in and next
    /// to `[start, end)`, so repeated mprotect calls do not fragment the map.
    fn merge_around(&mut self, start: u64, end: u64) {
        let first = self.find(start.saturating_sub(1)).map_or(start, |(s, _)| s);
        let mut keys: Vec<u64> = self.map.range(first..=end).map(|(&k, _)| k).collect();
        let mut i = 0;
        while i + 1 < keys.len() {
            let (a, b) = (keys[i], keys[i + 1]);
            let (va, vb) = (&self.map[&a], &self.map[&b]);
            if va.end == b
                && va.perms == vb.perms
                && va.shared.is_none()
                && vb.shared.is_none()
                && va.past_eof == vb.past_eof
            {
                let new_end = vb.end;
                self.map.remove(&b);
                if let Some(v) = self.map.get_mut(&a) {
                    v.end = new_end;
                }
                keys.remove(i + 1);
            } else {
                i += 1;
            }
        }
    }

    /// Highest free range of `len` bytes ending at or below `top` and starting
    /// at or above `bottom`.
    pub(crate) fn find_free_below(&self, top: u64, bottom: u64, len: u64) -> Option<u64> {
        let mut hi = top;
        for (&s, v) in self.map.range(..top).rev() {
            if v.end <= hi && hi - v.end >= len && hi - len >= bottom {
                return Some(hi - len);
            }
            hi = hi.min(s);
            if hi < bottom.saturating_add(len) {
                return None;
            }
        }
        (hi >= bottom.saturating_add(len)).then(|| hi - len)
    }

    /// Iterates over all regions in address order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, &Vma)> {
        self.map.iter().map(|(&s, v)| (s, v))
    }

    /// Number of regions.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}
