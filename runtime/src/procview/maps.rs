//! What backs each part of a process's memory, for `/proc/<pid>/maps`:
//! [`FileMaps`], a side table of the file-backed ranges (the address space
//! itself only knows permissions), and [`map_lines`], which cuts the
//! address space's regions at file, heap and stack boundaries and names
//! each piece as Linux does.
//!
//! Private file mappings are copies in anonymous memory (see
//! `syscall::mm_file`), so without this table `maps` could not name them.
//! The table holds the open file description, as a Linux VMA holds its
//! `struct file`: the path is worked out only when `maps` is read.

use crate::fsctx::FsCtx;
use crate::vfs::file::OpenFile;
use crate::vfs::procfs::MapLine;
use nanovm::mem::{Perms, Region};
use std::collections::BTreeMap;
use std::rc::Rc;

/// What one file-backed range maps.
#[derive(Clone)]
pub enum Backing {
    /// A file of the guest's tree, as opened.
    File(Rc<OpenFile>),
    /// A program read from the host (no guest inode): its path only.
    Named(Rc<[u8]>),
}

#[derive(Clone)]
struct Piece {
    end: u64,
    /// File offset of the piece's start.
    offset: u64,
    backing: Backing,
}

/// The file-backed ranges of one address space (copied at `fork`). File
/// offsets come from the guest (`mmap`'s last argument): arithmetic on
/// them wraps rather than overflows.
#[derive(Clone, Default)]
pub struct FileMaps {
    map: BTreeMap<u64, Piece>,
}

impl FileMaps {
    /// Forgets everything (exec).
    pub fn reset(&mut self) {
        self.map.clear();
    }

    /// `[start, end)` is no longer file-backed (unmapped or replaced).
    pub fn clear(&mut self, start: u64, end: u64) {
        if start >= end {
            return;
        }
        let hit: Vec<u64> = self
            .map
            .range(..end)
            .filter(|(&s, p)| s < end && p.end > start)
            .map(|(&s, _)| s)
            .collect();
        for s in hit {
            let Some(p) = self.map.remove(&s) else {
                continue;
            };
            if s < start {
                let lo = Piece {
                    end: start,
                    ..p.clone()
                };
                self.map.insert(s, lo);
            }
            if p.end > end {
                let hi = Piece {
                    offset: p.offset.wrapping_add(end - s),
                    ..p
                };
                self.map.insert(end, hi);
            }
        }
    }

    /// `[start, end)` now maps `backing` from file offset `offset`.
    pub fn add(&mut self, start: u64, end: u64, offset: u64, backing: Backing) {
        self.clear(start, end);
        if start < end {
            self.map.insert(
                start,
                Piece {
                    end,
                    offset,
                    backing,
                },
            );
        }
    }

    /// `mremap` moved `[old, old+len)` to `new` (keeping the backing).
    pub fn moved(&mut self, old: u64, len: u64, new: u64) {
        let pieces: Vec<(u64, Piece)> = self
            .map
            .range(..old + len)
            .filter(|(&s, p)| s < old + len && p.end > old)
            .map(|(&s, p)| (s, p.clone()))
            .collect();
        self.clear(old, old + len);
        for (s, p) in pieces {
            let (lo, hi) = (s.max(old), p.end.min(old + len));
            let offset = p.offset.wrapping_add(lo - s);
            self.add(new + (lo - old), new + (hi - old), offset, p.backing);
        }
    }

    /// The pieces overlapping `[start, end)`: (start, end, offset, backing).
    fn within(&self, start: u64, end: u64) -> Vec<(u64, u64, u64, &Backing)> {
        self.map
            .range(..end)
            .filter(|(&s, p)| s < end && p.end > start)
            .map(|(&s, p)| {
                let lo = s.max(start);
                (
                    lo,
                    p.end.min(end),
                    p.offset.wrapping_add(lo - s),
                    &p.backing,
                )
            })
            .collect()
    }
}

/// Identity of a backing: path, device, inode.
fn identity(fs: &FsCtx, b: &Backing) -> (Vec<u8>, u64, u64) {
    match b {
        Backing::Named(p) => (p.to_vec(), 0, 0),
        Backing::File(f) => {
            let st = f.stat().unwrap_or_default();
            let path = fs
                .kernel
                .vfs
                .origin_path(&fs.path_ctx(), f.vnode(), f.origin())
                .unwrap_or_default();
            (path, st.dev, st.ino)
        }
    }
}

fn same_backing(a: &Backing, b: &Backing) -> bool {
    match (a, b) {
        (Backing::File(x), Backing::File(y)) => {
            Rc::ptr_eq(x, y)
                || x.vnode().same(y.vnode()) && Rc::ptr_eq(x.vnode().fs(), y.vnode().fs())
        }
        (Backing::Named(x), Backing::Named(y)) => x == y,
        _ => false,
    }
}

/// Where the named special areas are.
pub struct Areas {
    /// Program break: start and current end (page aligned).
    pub heap: (u64, u64),
    /// The main stack.
    pub stack: (u64, u64),
}

fn perms_text(p: Perms, shared: bool) -> [u8; 4] {
    [
        if p.contains(Perms::R) { b'r' } else { b'-' },
        if p.contains(Perms::W) { b'w' } else { b'-' },
        if p.contains(Perms::X) { b'x' } else { b'-' },
        if shared { b's' } else { b'p' },
    ]
}

/// The lines of `maps` for `regions` (as the address space merges them),
/// cut at file-backed pieces and the heap and stack bounds, with names
/// from `files` and paths as `fs` sees them (a shared anonymous mapping is
/// Linux's `/dev/zero (deleted)`, a shmem file). Adjacent pieces of one file
/// with contiguous offsets and equal permissions stay one line (Linux
/// merges such VMAs); anonymous neighbours are merged by the address
/// space already.
pub fn map_lines(regions: &[Region], files: &FileMaps, areas: &Areas, fs: &FsCtx) -> Vec<MapLine> {
    let mut out: Vec<MapLine> = Vec::new();
    let mut last_backing: Option<Backing> = None;
    for r in regions {
        // Cut points inside the region.
        let mut cuts = vec![r.start, r.end];
        for &c in &[areas.heap.0, areas.heap.1, areas.stack.0, areas.stack.1] {
            if c > r.start && c < r.end {
                cuts.push(c);
            }
        }
        let pieces = files.within(r.start, r.end);
        for &(s, e, _, _) in &pieces {
            cuts.push(s);
            cuts.push(e);
        }
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let (s, e) = (w[0], w[1]);
            let piece = pieces.iter().find(|p| p.0 <= s && s < p.1);
            let perms = perms_text(r.perms, r.shared);
            let mut line = MapLine {
                start: s,
                end: e,
                perms,
                ..MapLine::default()
            };
            let backing = piece.map(|p| p.3.clone());
            if let Some(&(ps, _, off, b)) = piece {
                let (name, dev, ino) = identity(fs, b);
                line.offset = off.wrapping_add(s - ps);
                line.dev = dev;
                line.ino = ino;
                line.name = name;
            } else if s >= areas.heap.0 && e <= areas.heap.1 && areas.heap.1 > areas.heap.0 {
                line.name = b"[heap]".to_vec();
            } else if s >= areas.stack.0 && e <= areas.stack.1 {
                line.name = b"[stack]".to_vec();
            } else if r.shared {
                // MAP_SHARED|MAP_ANONYMOUS is a shmem file Linux names so.
                line.name = b"/dev/zero (deleted)".to_vec();
                line.dev = 1;
            }
            // Merge with the previous line when Linux would have one VMA.
            if let Some(prev) = out.last_mut() {
                let contiguous = prev.end == line.start
                    && prev.perms == line.perms
                    && prev.name == line.name
                    && prev.dev == line.dev
                    && prev.ino == line.ino;
                let mergeable = match (&last_backing, &backing) {
                    (Some(a), Some(b)) => {
                        same_backing(a, b)
                            && prev.offset.wrapping_add(prev.end - prev.start) == line.offset
                    }
                    (None, None) => !line.name.starts_with(b"/"),
                    _ => false,
                };
                if contiguous && mergeable {
                    prev.end = line.end;
                    continue;
                }
            }
            last_backing = backing;
            out.push(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(p: &str) -> Backing {
        Backing::Named(Rc::from(p.as_bytes()))
    }

    #[test]
    fn clear_splits_and_moves_keep_offsets() {
        let mut m = FileMaps::default();
        m.add(0x1000, 0x5000, 0x10000, named("/f"));
        m.clear(0x2000, 0x3000);
        let v: Vec<(u64, u64, u64)> = m
            .within(0, u64::MAX)
            .iter()
            .map(|p| (p.0, p.1, p.2))
            .collect();
        assert_eq!(v, [(0x1000, 0x2000, 0x10000), (0x3000, 0x5000, 0x12000)]);
        m.moved(0x3000, 0x2000, 0x9000);
        let v: Vec<(u64, u64, u64)> = m
            .within(0, u64::MAX)
            .iter()
            .map(|p| (p.0, p.1, p.2))
            .collect();
        assert_eq!(v, [(0x1000, 0x2000, 0x10000), (0x9000, 0xb000, 0x12000)]);
        m.reset();
        assert!(m.within(0, u64::MAX).is_empty());
    }

    #[test]
    fn lines_name_files_heap_and_stack() {
        let fs = FsCtx::new_default();
        let mut m = FileMaps::default();
        m.add(0x10000, 0x12000, 0, named("/bin/prog"));
        m.add(0x12000, 0x13000, 0x2000, named("/bin/prog"));
        let r = |start, end, perms| Region {
            start,
            end,
            perms,
            shared: false,
        };
        let regions = [
            r(0x10000, 0x13000, Perms::RX),
            // data, then bss, then heap: one RW region in the address space
            r(0x13000, 0x20000, Perms::RW),
            r(0x3f_ff80_0000, 0x40_0000_0000, Perms::RW),
        ];
        m.add(0x13000, 0x14000, 0x3000, named("/bin/prog"));
        let areas = Areas {
            heap: (0x16000, 0x20000),
            stack: (0x3f_ff80_0000, 0x40_0000_0000),
        };
        let lines = map_lines(&regions, &m, &areas, &fs);
        let got: Vec<(u64, u64, &[u8], u64)> = lines
            .iter()
            .map(|l| (l.start, l.end, &l.name[..], l.offset))
            .collect();
        assert_eq!(
            got,
            [
                (0x10000, 0x13000, &b"/bin/prog"[..], 0),
                (0x13000, 0x14000, b"/bin/prog", 0x3000),
                (0x14000, 0x16000, b"", 0),
                (0x16000, 0x20000, b"[heap]", 0),
                (0x3f_ff80_0000, 0x40_0000_0000, b"[stack]", 0),
            ]
        );
        assert_eq!(&lines[0].perms, b"r-xp");
        let shared = [Region {
            start: 0x5000_0000,
            end: 0x5000_2000,
            perms: Perms::RW,
            shared: true,
        }];
        let lines = map_lines(&shared, &m, &areas, &fs);
        assert_eq!(lines[0].name, b"/dev/zero (deleted)");
        assert_eq!(&lines[0].perms, b"rw-s");
    }
}
