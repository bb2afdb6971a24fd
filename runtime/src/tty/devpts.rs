//! [`PtsFs`]: the `devpts` file system on `/dev/pts`, and the table of every
//! terminal ([`Tty`]) of the emulator.
//!
//! Inodes: 1 the root directory; 2 `ptmx` (c 5:2, `crw-rw-rw-`); `N + 3`
//! the slave `N` (c 136:N, `crw--w----` owned by the user who opened the
//! master, group tty); `MASTER | N` the master of pty `N`, which no name
//! leads to: opening `ptmx` gives a description of a new master inode
//! instead (the syscall layer swaps it, as it does for FIFOs), so the
//! reference counts the VFS keeps through `grab`/`put` count master
//! descriptions exactly. When the last master description goes, the pty
//! hangs up (an [`Event::Hangup`] for its session), `/dev/pts/N` vanishes,
//! and the number is free again once no slave is open either. Slave counts
//! include path lookups in progress, which end before the syscall does.
//!
//! Reads and writes never reach this file system: the syscall layer moves
//! terminal data itself ([`crate::syscall::tty`]), since reads park threads
//! and signal characters signal process groups.

use super::{Event, Tty, TtyRef};
use crate::vfs::devfs::makedev;
use crate::vfs::*;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Inode of `ptmx`.
pub const PTMX: Ino = 2;
/// Inode of slave 0 (slave `N` is `SLAVE0 + N`).
pub const SLAVE0: Ino = 3;
/// Bit marking master inodes.
pub const MASTER: Ino = 1 << 40;
/// Most ptys at once (Linux's default `/proc/sys/kernel/pty/max`).
pub const MAX_PTYS: u32 = 4096;
/// `DEVPTS_SUPER_MAGIC`.
pub const DEVPTS_MAGIC: u64 = 0x1cd1;
/// Device number of an unmounted devpts.
pub const DEVPTS_DEV: u64 = 0x18;
/// Group `tty`.
const TTY_GID: u32 = 5;

/// Which end an inode is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The master of pty `N`.
    Master(u32),
    /// The slave `N`.
    Slave(u32),
}

/// What inode `ino` is, if a pty end.
pub fn end(ino: Ino) -> Option<End> {
    if ino & MASTER != 0 {
        u32::try_from(ino & !MASTER).ok().map(End::Master)
    } else if ino >= SLAVE0 {
        u32::try_from(ino - SLAVE0).ok().map(End::Slave)
    } else {
        None
    }
}

/// The devpts file system (see the module doc).
pub struct PtsFs {
    ttys: RefCell<BTreeMap<u32, TtyRef>>,
    events: RefCell<Vec<Event>>,
    uid: u32,
    clock: Rc<Cell<Timespec>>,
    /// Where it is mounted (mount id, device number), for descriptions
    /// made without a path lookup (`/dev/tty`, the console, `TIOCGPTPEER`).
    mount: Cell<(MountId, u64)>,
}

impl PtsFs {
    /// No terminals; new slaves owned by `uid`; times from `clock`.
    pub fn new(uid: u32, clock: Rc<Cell<Timespec>>) -> PtsFs {
        PtsFs {
            ttys: RefCell::new(BTreeMap::new()),
            events: RefCell::new(Vec::new()),
            uid,
            clock,
            mount: Cell::new((MountId(u32::MAX), DEVPTS_DEV)),
        }
    }

    /// Records where the file system is mounted (see [`PtsFs::mount`]).
    pub fn set_mount(&self, mnt: MountId, dev: u64) {
        self.mount.set((mnt, dev));
    }

    /// The mount id and device number descriptions of slaves carry.
    pub fn mount(&self) -> (MountId, u64) {
        self.mount.get()
    }

    /// A new pty with the lowest free number (locked, no master yet: the
    /// caller makes a master description, whose `grab` counts it). ENOSPC
    /// past [`MAX_PTYS`].
    pub fn allocate(&self) -> VfsResult<TtyRef> {
        let mut ttys = self.ttys.borrow_mut();
        let n = (0..MAX_PTYS)
            .find(|n| !ttys.contains_key(n))
            .ok_or(Errno::ENOSPC)?;
        let t = Rc::new(RefCell::new(Tty::new(n, self.uid)));
        ttys.insert(n, t.clone());
        Ok(t)
    }

    /// Terminal `n`, while it exists.
    pub fn get(&self, n: u32) -> Option<TtyRef> {
        self.ttys.borrow().get(&n).cloned()
    }

    /// Every terminal.
    pub fn all(&self) -> Vec<TtyRef> {
        self.ttys.borrow().values().cloned().collect()
    }

    /// The controlling terminal of session `sid`, if any.
    pub fn of_session(&self, sid: i32) -> Option<TtyRef> {
        self.ttys
            .borrow()
            .values()
            .find(|t| t.borrow().session == sid)
            .cloned()
    }

    /// Whether some terminal is a session's controlling terminal.
    pub fn any_session(&self) -> bool {
        self.ttys.borrow().values().any(|t| t.borrow().session != 0)
    }

    /// Queues `ev` for [`super::settle`].
    pub fn push_event(&self, ev: Event) {
        self.events.borrow_mut().push(ev);
    }

    /// Whether events are waiting.
    pub fn has_events(&self) -> bool {
        !self.events.borrow().is_empty()
    }

    /// Takes the queued events.
    pub fn take_events(&self) -> Vec<Event> {
        std::mem::take(&mut *self.events.borrow_mut())
    }

    fn tty_of(&self, ino: Ino) -> Option<TtyRef> {
        match end(ino)? {
            End::Master(n) | End::Slave(n) => self.get(n),
        }
    }

    /// Frees pty `n` once neither end is referenced.
    fn maybe_free(&self, n: u32) {
        let mut ttys = self.ttys.borrow_mut();
        let unused = ttys.get(&n).is_some_and(|t| {
            let t = t.borrow();
            t.masters == 0 && t.slaves == 0 && !t.console
        });
        if unused {
            ttys.remove(&n);
        }
    }

    /// Whether slave `n` has a name (its master is open).
    fn listed(&self, n: u32) -> bool {
        self.get(n).is_some_and(|t| !t.borrow().hung_up)
    }
}

impl FileSystem for PtsFs {
    fn name(&self) -> &str {
        "devpts"
    }
    fn root(&self) -> Ino {
        1
    }
    fn grab(&self, ino: Ino) {
        if let (Some(e), Some(t)) = (end(ino), self.tty_of(ino)) {
            let mut t = t.borrow_mut();
            match e {
                End::Master(_) => t.masters += 1,
                End::Slave(_) => t.slaves += 1,
            }
        }
    }
    fn put(&self, ino: Ino) {
        let (Some(e), Some(tty)) = (end(ino), self.tty_of(ino)) else {
            return;
        };
        let (n, hangup) = {
            let mut t = tty.borrow_mut();
            match e {
                End::Master(_) => {
                    t.masters = t.masters.saturating_sub(1);
                    let last = t.masters == 0 && !t.console && !t.hung_up;
                    let session = t.session;
                    if last {
                        // Hung up: the slave is nobody's terminal any more.
                        t.hung_up = true;
                        t.session = 0;
                        t.fg_pgrp = 0;
                    }
                    (t.index, last.then_some(session))
                }
                End::Slave(_) => {
                    t.slaves = t.slaves.saturating_sub(1);
                    (t.index, None)
                }
            }
        };
        if let Some(session) = hangup {
            if session > 0 {
                self.push_event(Event::Hangup { session });
            }
        }
        self.maybe_free(n);
    }
    fn lookup(&self, dir: Ino, name: &[u8]) -> VfsResult<Ino> {
        if dir != 1 {
            return Err(if self.getattr(dir).is_ok() {
                Errno::ENOTDIR
            } else {
                Errno::ENOENT
            });
        }
        match name {
            b"." | b".." => Ok(1),
            b"ptmx" => Ok(PTMX),
            _ => {
                let s = std::str::from_utf8(name).map_err(|_| Errno::ENOENT)?;
                let n: u32 = s.parse().map_err(|_| Errno::ENOENT)?;
                if n.to_string() != s || !self.listed(n) {
                    return Err(Errno::ENOENT);
                }
                Ok(SLAVE0 + n as Ino)
            }
        }
    }
    fn getattr(&self, ino: Ino) -> VfsResult<Stat> {
        let now = self.clock.get();
        let (ino_shown, mode, rdev, uid, gid) = match (ino, end(ino)) {
            (1, _) => (1, mode::S_IFDIR | 0o755, 0, 0, 0),
            (PTMX, _) | (_, Some(End::Master(_))) => {
                if ino != PTMX && self.tty_of(ino).is_none() {
                    return Err(Errno::ENOENT);
                }
                (PTMX, mode::S_IFCHR | 0o666, makedev(5, 2), 0, TTY_GID)
            }
            (_, Some(End::Slave(n))) => {
                let t = self.get(n).ok_or(Errno::ENOENT)?;
                let t = t.borrow();
                (ino, mode::S_IFCHR | t.mode, makedev(136, n), t.uid, TTY_GID)
            }
            _ => return Err(Errno::ENOENT),
        };
        Ok(Stat {
            ino: ino_shown,
            mode,
            nlink: if ino == 1 { 2 } else { 1 },
            uid,
            gid,
            rdev,
            blksize: 1024,
            atime: now,
            mtime: now,
            ctime: now,
            btime: now,
            ..Stat::default()
        })
    }
    fn setattr(&self, ino: Ino, attr: &SetAttr) -> VfsResult<()> {
        self.getattr(ino)?;
        if attr.size.is_some() {
            return Err(if ino == 1 {
                Errno::EISDIR
            } else {
                Errno::EINVAL
            });
        }
        if let Some(End::Slave(n)) = end(ino) {
            if let Some(t) = self.get(n) {
                let mut t = t.borrow_mut();
                if let Some(m) = attr.mode {
                    t.mode = m & mode::PERM_MASK;
                }
                if let Some(u) = attr.uid {
                    t.uid = u;
                }
            }
        }
        Ok(())
    }
    crate::vfs::fixed_tree_ops!();
    fn open(&self, ino: Ino, _flags: u32) -> VfsResult<()> {
        match end(ino) {
            Some(End::Slave(n)) => {
                let t = self.get(n).ok_or(Errno::ENOENT)?;
                let mut t = t.borrow_mut();
                if t.locked || t.hung_up {
                    return Err(Errno::EIO);
                }
                t.slave_opened = true;
                Ok(())
            }
            _ => Ok(()),
        }
    }
    fn read(&self, _: Ino, _: u64, _: &mut [u8]) -> VfsResult<usize> {
        Err(Errno::EIO)
    }
    fn write(&self, _: Ino, _: u64, _: &[u8]) -> VfsResult<usize> {
        Err(Errno::EIO)
    }
    fn statfs(&self) -> VfsResult<StatFs> {
        Ok(StatFs {
            fs_type: DEVPTS_MAGIC,
            bsize: 4096,
            namelen: NAME_MAX as u64,
            ..StatFs::default()
        })
    }
    fn readdir(
        &self,
        dir: Ino,
        pos: u64,
        sink: &mut dyn FnMut(DirEntry<'_>) -> bool,
    ) -> VfsResult<()> {
        if dir != 1 {
            return Err(Errno::ENOTDIR);
        }
        // Positions: 0 ".", 1 "..", 2 "ptmx", N + 3 slave N.
        let mut ents: Vec<(u64, Ino, FileType, Vec<u8>)> = vec![
            (0, 1, FileType::Directory, b".".to_vec()),
            (1, 1, FileType::Directory, b"..".to_vec()),
            (2, PTMX, FileType::CharDevice, b"ptmx".to_vec()),
        ];
        for (&n, t) in self.ttys.borrow().iter() {
            if !t.borrow().hung_up {
                let ino = SLAVE0 + n as Ino;
                ents.push((ino, ino, FileType::CharDevice, n.to_string().into_bytes()));
            }
        }
        for (p, ino, kind, name) in ents {
            if p < pos {
                continue;
            }
            let e = DirEntry {
                ino,
                kind,
                name: &name,
                next: p + 1,
            };
            if !sink(e) {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs() -> Rc<PtsFs> {
        Rc::new(PtsFs::new(1000, Rc::new(Cell::new(Timespec::default()))))
    }

    fn names(fs: &PtsFs) -> Vec<String> {
        let mut v = Vec::new();
        fs.readdir(1, 0, &mut |e| {
            v.push(String::from_utf8_lossy(e.name).into_owned());
            true
        })
        .unwrap();
        v
    }

    #[test]
    fn slaves_are_listed_while_their_master_is_open() {
        let fs = fs();
        assert_eq!(names(&fs), [".", "..", "ptmx"]);
        assert_eq!(fs.lookup(1, b"ptmx"), Ok(PTMX));
        let st = fs.getattr(PTMX).unwrap();
        assert_eq!(st.rdev, makedev(5, 2));
        let t0 = fs.allocate().unwrap();
        fs.grab(MASTER);
        let t1 = fs.allocate().unwrap();
        fs.grab(MASTER | 1);
        assert_eq!((t0.borrow().index, t1.borrow().index), (0, 1));
        assert_eq!(names(&fs), [".", "..", "ptmx", "0", "1"]);
        assert_eq!(fs.lookup(1, b"1"), Ok(SLAVE0 + 1));
        assert_eq!(fs.lookup(1, b"01"), Err(Errno::ENOENT));
        assert_eq!(fs.lookup(1, b"7"), Err(Errno::ENOENT));
        let st = fs.getattr(SLAVE0 + 1).unwrap();
        assert_eq!(
            (st.rdev, st.mode, st.uid, st.gid),
            (makedev(136, 1), mode::S_IFCHR | 0o620, 1000, 5)
        );
        // Locked until TIOCSPTLCK clears it.
        assert_eq!(fs.open(SLAVE0, 2), Err(Errno::EIO));
        t0.borrow_mut().locked = false;
        assert_eq!(fs.open(SLAVE0, 2), Ok(()));
        fs.grab(SLAVE0);
        // The master of 0 closes: its session leader is told, the name goes,
        // the open slave keeps the terminal (hung up) until it closes too.
        t0.borrow_mut().session = 42;
        fs.put(MASTER);
        assert_eq!(fs.take_events(), [Event::Hangup { session: 42 }]);
        assert!(t0.borrow().hung_up && t0.borrow().session == 0);
        assert_eq!(names(&fs), [".", "..", "ptmx", "1"]);
        assert_eq!(fs.lookup(1, b"0"), Err(Errno::ENOENT));
        assert!(fs.get(0).is_some());
        assert_eq!(fs.open(SLAVE0, 2), Err(Errno::EIO));
        fs.put(SLAVE0);
        assert!(fs.get(0).is_none(), "number 0 is free again");
        assert_eq!(fs.allocate().unwrap().borrow().index, 0);
    }

    #[test]
    fn the_tree_is_fixed() {
        let fs = fs();
        let node = NewNode {
            mode: mode::S_IFREG | 0o644,
            uid: 0,
            gid: 0,
            rdev: 0,
        };
        assert_eq!(fs.create(1, b"x", &node), Err(Errno::EPERM));
        assert_eq!(fs.unlink(1, b"ptmx"), Err(Errno::EPERM));
        assert_eq!(fs.lookup(PTMX, b"x"), Err(Errno::ENOTDIR));
        assert_eq!(fs.statfs().unwrap().fs_type, DEVPTS_MAGIC);
        assert_eq!(end(MASTER | 3), Some(End::Master(3)));
        assert_eq!(end(SLAVE0 + 3), Some(End::Slave(3)));
        assert_eq!(end(PTMX), None);
    }
}
