//! A process's file descriptor table.
//!
//! Slots hold a shared open file description (`Rc<OpenFile>`) and the
//! per-fd close-on-exec flag. New descriptors take the lowest free number;
//! numbers at or above the limit (`RLIMIT_NOFILE`, default 1024) are refused
//! with EMFILE (allocation) or EBADF (`dup2` target). `Clone` is `fork`: the
//! child gets its own table sharing the same descriptions (offsets are
//! shared). Threads created with `CLONE_FILES` share one table: the runtime
//! wraps it in `Rc<RefCell<FdTable>>` for that.

use super::file::{flags::O_CLOEXEC, OpenFile};
use super::*;
use std::rc::Rc;

/// Default descriptor limit (Linux's default soft `RLIMIT_NOFILE`).
pub const DEFAULT_LIMIT: usize = 1024;
/// Hard ceiling of the limit (Linux's default `fs.nr_open`): a table never
/// grows past this many slots, whatever the guest asks.
pub const NR_OPEN: usize = 1 << 20;
/// `close_range` flag: unshare the table first (a no-op here: the caller owns it).
pub const CLOSE_RANGE_UNSHARE: u32 = 2;
/// `close_range` flag: set close-on-exec instead of closing.
pub const CLOSE_RANGE_CLOEXEC: u32 = 4;

#[derive(Clone)]
struct Slot {
    file: Rc<OpenFile>,
    cloexec: bool,
}

/// A file descriptor table.
#[derive(Clone)]
pub struct FdTable {
    slots: Vec<Option<Slot>>,
    limit: usize,
    /// Bumped by every change of the slots (`/proc` refreshes its view
    /// of the table when it moves).
    version: u64,
}

impl Default for FdTable {
    fn default() -> Self {
        FdTable::new()
    }
}

impl FdTable {
    /// An empty table with the default limit.
    pub fn new() -> FdTable {
        FdTable {
            slots: Vec::new(),
            limit: DEFAULT_LIMIT,
            version: 0,
        }
    }

    /// The descriptor limit.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Set the limit (`setrlimit(RLIMIT_NOFILE)`), capped at [`NR_OPEN`];
    /// open descriptors above it stay.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit.min(NR_OPEN);
    }

    fn index(fd: i32) -> VfsResult<usize> {
        usize::try_from(fd).map_err(|_| Errno::EBADF)
    }

    /// The description behind `fd` (EBADF if not open).
    pub fn get(&self, fd: i32) -> VfsResult<&Rc<OpenFile>> {
        let i = Self::index(fd)?;
        self.slots
            .get(i)
            .and_then(|s| s.as_ref())
            .map(|s| &s.file)
            .ok_or(Errno::EBADF)
    }

    /// Install `file` at the lowest free descriptor `>= min` (EMFILE if none
    /// below the limit; `min` past the limit is EINVAL as for `F_DUPFD`).
    pub fn alloc_from(&mut self, min: usize, file: Rc<OpenFile>, cloexec: bool) -> VfsResult<i32> {
        self.version += 1;
        if min >= self.limit {
            return Err(Errno::EINVAL);
        }
        let free = (min..self.slots.len()).find(|&i| self.slots[i].is_none());
        let i = free.unwrap_or(self.slots.len().max(min));
        if i >= self.limit || i > i32::MAX as usize {
            return Err(Errno::EMFILE);
        }
        if i >= self.slots.len() {
            self.slots.resize(i + 1, None);
        }
        self.slots[i] = Some(Slot { file, cloexec });
        Ok(i as i32)
    }

    /// Install `file` at the lowest free descriptor (`open`).
    pub fn alloc(&mut self, file: Rc<OpenFile>, cloexec: bool) -> VfsResult<i32> {
        self.alloc_from(0, file, cloexec).map_err(|e| match e {
            Errno::EINVAL => Errno::EMFILE,
            e => e,
        })
    }

    /// `dup`: a new lowest descriptor for the same description, close-on-exec clear.
    pub fn dup(&mut self, fd: i32) -> VfsResult<i32> {
        let f = self.get(fd)?.clone();
        self.alloc(f, false)
    }

    /// `dup3` (and `dup2` with `flags` 0 and `old != new`): make `new` refer
    /// to `old`'s description, closing what `new` had; returns `new` and the
    /// description it replaced (the caller drops it: that is the close).
    /// EINVAL if `old == new` or flags other than O_CLOEXEC; EBADF if `new`
    /// is negative or at/above the limit.
    pub fn dup3(
        &mut self,
        old: i32,
        new: i32,
        flags: u32,
    ) -> VfsResult<(i32, Option<Rc<OpenFile>>)> {
        self.version += 1;
        if flags & !O_CLOEXEC != 0 || old == new {
            return Err(Errno::EINVAL);
        }
        let f = self.get(old)?.clone();
        let n = Self::index(new)?;
        if n >= self.limit {
            return Err(Errno::EBADF);
        }
        if n >= self.slots.len() {
            self.slots.resize(n + 1, None);
        }
        let prev = self.slots[n].replace(Slot {
            file: f,
            cloexec: flags & O_CLOEXEC != 0,
        });
        Ok((new, prev.map(|s| s.file)))
    }

    /// `dup2`: like `dup3` but `old == new` returns `new` if `old` is open.
    pub fn dup2(&mut self, old: i32, new: i32) -> VfsResult<(i32, Option<Rc<OpenFile>>)> {
        if old == new {
            self.get(old)?;
            return Ok((new, None));
        }
        self.dup3(old, new, 0)
    }

    /// `close`: remove `fd`, returning its description (EBADF if not open).
    pub fn close(&mut self, fd: i32) -> VfsResult<Rc<OpenFile>> {
        self.version += 1;
        let i = Self::index(fd)?;
        let slot = self
            .slots
            .get_mut(i)
            .and_then(|s| s.take())
            .ok_or(Errno::EBADF)?;
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        Ok(slot.file)
    }

    /// `close_range(first, last, flags)`: close (or with
    /// `CLOSE_RANGE_CLOEXEC` mark close-on-exec) every open fd in
    /// `first..=last`. EINVAL if `first > last` or unknown flags.
    pub fn close_range(&mut self, first: u32, last: u32, flags: u32) -> VfsResult<()> {
        self.version += 1;
        if first > last || flags & !(CLOSE_RANGE_CLOEXEC | CLOSE_RANGE_UNSHARE) != 0 {
            return Err(Errno::EINVAL);
        }
        let end = (last as usize).saturating_add(1).min(self.slots.len());
        for slot in self.slots.iter_mut().take(end).skip(first as usize) {
            if flags & CLOSE_RANGE_CLOEXEC != 0 {
                if let Some(s) = slot {
                    s.cloexec = true;
                }
            } else {
                *slot = None;
            }
        }
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
        Ok(())
    }

    /// The close-on-exec flag of `fd` (`F_GETFD`).
    pub fn cloexec(&self, fd: i32) -> VfsResult<bool> {
        let i = Self::index(fd)?;
        self.slots
            .get(i)
            .and_then(|s| s.as_ref())
            .map(|s| s.cloexec)
            .ok_or(Errno::EBADF)
    }

    /// Set the close-on-exec flag of `fd` (`F_SETFD`).
    pub fn set_cloexec(&mut self, fd: i32, on: bool) -> VfsResult<()> {
        self.version += 1;
        let i = Self::index(fd)?;
        let s = self
            .slots
            .get_mut(i)
            .and_then(|s| s.as_mut())
            .ok_or(Errno::EBADF)?;
        s.cloexec = on;
        Ok(())
    }

    /// At `execve`: close every close-on-exec descriptor.
    pub fn exec(&mut self) {
        self.version += 1;
        for slot in &mut self.slots {
            if matches!(slot, Some(s) if s.cloexec) {
                *slot = None;
            }
        }
        while matches!(self.slots.last(), Some(None)) {
            self.slots.pop();
        }
    }

    /// A number that changes whenever a descriptor is opened, closed or
    /// has its close-on-exec flag changed.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Every open descriptor with its description and close-on-exec flag.
    pub fn entries(&self) -> Vec<(i32, &Rc<OpenFile>, bool)> {
        let open = self.slots.iter().enumerate();
        open.filter_map(|(i, s)| s.as_ref().map(|s| (i as i32, &s.file, s.cloexec)))
            .collect()
    }

    /// Open descriptors in increasing order (for `/proc/self/fd`).
    pub fn fds(&self) -> Vec<i32> {
        let open = self.slots.iter().enumerate().filter(|(_, s)| s.is_some());
        open.map(|(i, _)| i as i32).collect()
    }

    /// Number of open descriptors.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }

    /// Whether no descriptor is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::memfs::MemFs;

    fn file() -> Rc<OpenFile> {
        let fs: Rc<dyn FileSystem> = Rc::new(MemFs::new(Box::new(|| Timespec::new(1, 0))));
        let vfs = Vfs::new(fs);
        Rc::new(OpenFile::new(vfs.root(), FileType::Directory, 0))
    }

    #[test]
    fn lowest_free_and_emfile() {
        let mut t = FdTable::new();
        t.set_limit(4);
        let f = file();
        assert_eq!(t.alloc(f.clone(), false), Ok(0));
        assert_eq!(t.alloc(f.clone(), false), Ok(1));
        assert_eq!(t.alloc(f.clone(), false), Ok(2));
        assert_eq!(t.alloc(f.clone(), false), Ok(3));
        assert_eq!(t.alloc(f.clone(), false), Err(Errno::EMFILE));
        assert_eq!(t.dup(0), Err(Errno::EMFILE));
        t.close(1).unwrap();
        assert_eq!(t.close(1).unwrap_err(), Errno::EBADF);
        assert_eq!(t.dup(3), Ok(1));
        assert_eq!(t.alloc_from(4, f.clone(), false), Err(Errno::EINVAL));
        t.close(2).unwrap();
        assert_eq!(t.alloc_from(2, f, true), Ok(2));
        assert_eq!(t.cloexec(2), Ok(true));
        assert_eq!(t.len(), 4);
        t.set_limit(usize::MAX);
        assert_eq!(t.limit(), NR_OPEN);
    }

    #[test]
    fn dup2_dup3_semantics() {
        let mut t = FdTable::new();
        let (a, b) = (file(), file());
        t.alloc(a.clone(), false).unwrap();
        t.alloc(b.clone(), false).unwrap();
        assert_eq!(t.dup2(0, 0).unwrap().0, 0);
        assert_eq!(t.dup2(5, 5).unwrap_err(), Errno::EBADF);
        assert_eq!(t.dup3(0, 0, 0).unwrap_err(), Errno::EINVAL);
        assert_eq!(t.dup3(0, 1, 1).unwrap_err(), Errno::EINVAL);
        assert_eq!(t.dup3(0, -1, 0).unwrap_err(), Errno::EBADF);
        assert_eq!(t.dup3(0, 1024, 0).unwrap_err(), Errno::EBADF);
        let (fd, prev) = t.dup3(0, 1, O_CLOEXEC).unwrap();
        assert_eq!(fd, 1);
        assert!(Rc::ptr_eq(&prev.unwrap(), &b));
        assert!(Rc::ptr_eq(t.get(1).unwrap(), &a));
        assert_eq!(t.cloexec(1), Ok(true));
        let (fd, prev) = t.dup2(0, 7).unwrap();
        assert_eq!((fd, prev.is_none()), (7, true));
        assert_eq!(t.fds(), vec![0, 1, 7]);
        assert_eq!(t.cloexec(7), Ok(false));
    }

    #[test]
    fn cloexec_exec_close_range_and_fork() {
        let mut t = FdTable::new();
        let f = file();
        for i in 0..6 {
            t.alloc(f.clone(), i % 2 == 1).unwrap();
        }
        let child = t.clone();
        assert!(
            Rc::ptr_eq(child.get(3).unwrap(), t.get(3).unwrap()),
            "fork shares descriptions"
        );
        t.exec();
        assert_eq!(t.fds(), vec![0, 2, 4]);
        assert_eq!(
            child.fds(),
            vec![0, 1, 2, 3, 4, 5],
            "the child's table is its own"
        );
        assert_eq!(t.close_range(3, 2, 0), Err(Errno::EINVAL));
        t.close_range(2, 2, CLOSE_RANGE_CLOEXEC).unwrap();
        assert_eq!(t.cloexec(2), Ok(true));
        t.close_range(1, u32::MAX, 0).unwrap();
        assert_eq!(t.fds(), vec![0]);
        t.set_cloexec(0, true).unwrap();
        assert_eq!(t.set_cloexec(9, true), Err(Errno::EBADF));
        t.exec();
        assert!(t.is_empty());
    }
}
