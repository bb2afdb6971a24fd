//! `ProcFs`: the guest's `/proc`, generated on every read from a small view
//! of the kernel's process table ([`ProcState`]).
//!
//! # Who is "self"?
//! The [`FileSystem`] trait is not told which process calls it, and the
//! kernel's tables cannot be borrowed from inside a syscall (the caller is
//! taken out of them). So the kernel keeps a shared [`ProcState`]: a
//! `current` pid cell it sets before each syscall, and one [`ProcInfo`] per
//! process, recorded at `exec` (program path, argv) and `fork` (copied from
//! the parent), dropped at exit. `/proc/self` is a symlink to the current
//! pid. Rejected alternative: a `caller` argument on every `FileSystem`
//! method, which would touch every file system and the whole VFS core.
//!
//! # Contents
//! - `/proc/self` -> `<pid>`; `/proc/<pid>/`: `exe` (symlink to the program's
//!   guest path), `cmdline` (NUL-separated argv), `comm`, `stat`, `status`.
//! - `/proc/cpuinfo` (riscv format), `meminfo`, `uptime`, `loadavg`,
//!   `filesystems`, `stat`.
//!
//! Everything is read-only (EACCES is the VFS's job: modes say `r--`;
//! structural changes are EPERM). Files stat with size 0, as on Linux.

use super::*;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

/// `PROC_SUPER_MAGIC`.
pub const PROC_SUPER_MAGIC: u64 = 0x9fa0;

/// What `/proc` knows of one process.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcInfo {
    /// Absolute guest path of the executable.
    pub exe: Vec<u8>,
    /// argv, each followed by a NUL.
    pub cmdline: Vec<u8>,
    /// Parent pid.
    pub ppid: i32,
    /// Process group.
    pub pgid: i32,
    /// Session.
    pub sid: i32,
    /// uid (= gid for the guest user).
    pub uid: u32,
}

impl ProcInfo {
    /// The short name: the last path component of `exe`, at most 15 bytes.
    pub fn comm(&self) -> &[u8] {
        let n = self.exe.rsplit(|&b| b == b'/').next().unwrap_or(&self.exe);
        &n[..n.len().min(15)]
    }
}

/// The kernel's view shared with [`ProcFs`] (see the module doc).
#[derive(Default)]
pub struct ProcState {
    current: Cell<i32>,
    procs: RefCell<BTreeMap<i32, ProcInfo>>,
}

impl ProcState {
    /// Sets the calling process (before each syscall).
    pub fn set_current(&self, pid: i32) {
        self.current.set(pid);
    }

    /// The calling process.
    pub fn current(&self) -> i32 {
        self.current.get()
    }

    /// Records (or replaces) process `pid`'s information.
    pub fn set(&self, pid: i32, info: ProcInfo) {
        self.procs.borrow_mut().insert(pid, info);
    }

    /// `pid` ran a new program `exe` with `argv`.
    pub fn exec(&self, pid: i32, exe: &[u8], argv: &[Vec<u8>]) {
        let mut procs = self.procs.borrow_mut();
        let p = procs.entry(pid).or_default();
        p.exe = exe.to_vec();
        p.cmdline = argv
            .iter()
            .flat_map(|a| a.iter().copied().chain([0]))
            .collect();
    }

    /// `child` was forked from `parent` (same program and argv).
    pub fn fork(&self, parent: i32, child: i32, pgid: i32, sid: i32) {
        let mut procs = self.procs.borrow_mut();
        let mut info = procs.get(&parent).cloned().unwrap_or_default();
        info.ppid = parent;
        info.pgid = pgid;
        info.sid = sid;
        procs.insert(child, info);
    }

    /// `pid` is gone.
    pub fn remove(&self, pid: i32) {
        self.procs.borrow_mut().remove(&pid);
    }

    /// A copy of `pid`'s information.
    pub fn get(&self, pid: i32) -> Option<ProcInfo> {
        self.procs.borrow().get(&pid).cloned()
    }

    fn pids(&self) -> Vec<i32> {
        self.procs.borrow().keys().copied().collect()
    }
}

/// Inode layout: `(pid << 8) | kind`; pid 0 holds the global entries.
const ROOT: Ino = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Root,
    SelfLink,
    Cpuinfo,
    Meminfo,
    Uptime,
    Loadavg,
    Filesystems,
    Stat,
    PidDir,
    Exe,
    Cmdline,
    Comm,
    PidStat,
    Status,
}

const GLOBAL: [(Kind, &[u8]); 7] = [
    (Kind::SelfLink, b"self"),
    (Kind::Cpuinfo, b"cpuinfo"),
    (Kind::Meminfo, b"meminfo"),
    (Kind::Uptime, b"uptime"),
    (Kind::Loadavg, b"loadavg"),
    (Kind::Filesystems, b"filesystems"),
    (Kind::Stat, b"stat"),
];

const PER_PID: [(Kind, &[u8]); 5] = [
    (Kind::Exe, b"exe"),
    (Kind::Cmdline, b"cmdline"),
    (Kind::Comm, b"comm"),
    (Kind::PidStat, b"stat"),
    (Kind::Status, b"status"),
];

const KINDS: [Kind; 14] = [
    Kind::Root,
    Kind::SelfLink,
    Kind::Cpuinfo,
    Kind::Meminfo,
    Kind::Uptime,
    Kind::Loadavg,
    Kind::Filesystems,
    Kind::Stat,
    Kind::PidDir,
    Kind::Exe,
    Kind::Cmdline,
    Kind::Comm,
    Kind::PidStat,
    Kind::Status,
];

fn ino_of(pid: i32, kind: Kind) -> Ino {
    ((pid as u64) << 8) | (kind as u64 + 1)
}

/// Memory `meminfo` reports (kB) when no limit is known.
const MEM_KB: u64 = 4 << 20;

/// The `/proc` file system. Wrap it in an `Rc` to mount it.
pub struct ProcFs {
    state: Rc<ProcState>,
    clock: Box<dyn Clock>,
    boot: Timespec,
}

impl ProcFs {
    /// A `/proc` showing `state`, with times from `clock` (boot is now).
    pub fn new(state: Rc<ProcState>, clock: Box<dyn Clock>) -> ProcFs {
        let boot = clock.now();
        ProcFs { state, clock, boot }
    }

    /// Decodes an inode: (pid, kind); ENOENT for a vanished process.
    fn decode(&self, ino: Ino) -> VfsResult<(i32, Kind)> {
        let k = (ino & 0xff) as usize;
        let pid = (ino >> 8) as i32;
        let kind = *k
            .checked_sub(1)
            .and_then(|i| KINDS.get(i))
            .ok_or(Errno::ENOENT)?;
        let global = matches!(
            kind,
            Kind::Root
                | Kind::SelfLink
                | Kind::Cpuinfo
                | Kind::Meminfo
                | Kind::Uptime
                | Kind::Loadavg
                | Kind::Filesystems
                | Kind::Stat
        );
        if global != (pid == 0) || (!global && self.state.get(pid).is_none()) {
            return Err(Errno::ENOENT);
        }
        Ok((pid, kind))
    }

    fn info(&self, pid: i32) -> VfsResult<ProcInfo> {
        self.state.get(pid).ok_or(Errno::ENOENT)
    }

    fn uptime(&self) -> (u64, u32) {
        let now = self.clock.now();
        let ns = (now.sec - self.boot.sec) as i128 * 1_000_000_000 + now.nsec as i128
            - self.boot.nsec as i128;
        let ns = ns.max(0) as u64;
        (ns / 1_000_000_000, (ns % 1_000_000_000 / 10_000_000) as u32)
    }

    /// The contents of a regular file.
    fn content(&self, pid: i32, kind: Kind) -> VfsResult<Vec<u8>> {
        let s = match kind {
            Kind::Cpuinfo => "processor\t: 0\nhart\t\t: 0\nisa\t\t: rv64imafdc_zicsr_zifencei\n\
                 mmu\t\t: sv39\nuarch\t\t: nanovm\n\n"
                .to_string(),
            Kind::Meminfo => {
                let free = MEM_KB / 2;
                format!(
                    "MemTotal:       {MEM_KB:8} kB\nMemFree:        {free:8} kB\n\
                     MemAvailable:   {free:8} kB\nBuffers:        {:8} kB\n\
                     Cached:         {:8} kB\nSwapTotal:      {:8} kB\n\
                     SwapFree:       {:8} kB\n",
                    0, 0, 0, 0
                )
            }
            Kind::Uptime => {
                let (s, cs) = self.uptime();
                format!("{s}.{cs:02} {s}.{cs:02}\n")
            }
            Kind::Loadavg => {
                let n = self.state.procs.borrow().len();
                let last = self.state.pids().last().copied().unwrap_or(0);
                format!("0.00 0.00 0.00 1/{n} {last}\n")
            }
            Kind::Filesystems => {
                "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\nnodev\tpipefs\n\text4\n"
                    .to_string()
            }
            Kind::Stat => {
                let n = self.state.procs.borrow().len();
                format!(
                    "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\nintr 0\nctxt 0\n\
                     btime {}\nprocesses {n}\nprocs_running 1\nprocs_blocked 0\n",
                    self.boot.sec
                )
            }
            Kind::Cmdline => return Ok(self.info(pid)?.cmdline),
            Kind::Comm => {
                let mut c = self.info(pid)?.comm().to_vec();
                c.push(b'\n');
                return Ok(c);
            }
            Kind::PidStat => {
                let p = self.info(pid)?;
                let comm = String::from_utf8_lossy(p.comm()).into_owned();
                let mut s = format!(
                    "{pid} ({comm}) R {} {} {} 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 0 0 0",
                    p.ppid, p.pgid, p.sid
                );
                // rsslim .. exit_code: 28 more fields (52 in all), all 0 here.
                s.push_str(&" 0".repeat(28));
                s.push('\n');
                s
            }
            Kind::Status => {
                let p = self.info(pid)?;
                let comm = String::from_utf8_lossy(p.comm()).into_owned();
                let u = p.uid;
                format!(
                    "Name:\t{comm}\nUmask:\t0022\nState:\tR (running)\nTgid:\t{pid}\nNgid:\t0\n\
                     Pid:\t{pid}\nPPid:\t{}\nTracerPid:\t0\nUid:\t{u}\t{u}\t{u}\t{u}\n\
                     Gid:\t{u}\t{u}\t{u}\t{u}\nFDSize:\t64\nGroups:\t\nThreads:\t1\n",
                    p.ppid
                )
            }
            Kind::Root | Kind::PidDir => return Err(Errno::EISDIR),
            Kind::SelfLink | Kind::Exe => return Err(Errno::EINVAL),
        };
        Ok(s.into_bytes())
    }
}

fn kind_type(kind: Kind) -> FileType {
    match kind {
        Kind::Root | Kind::PidDir => FileType::Directory,
        Kind::SelfLink | Kind::Exe => FileType::Symlink,
        _ => FileType::Regular,
    }
}

fn pid_name(name: &[u8]) -> Option<i32> {
    if name.is_empty() || name[0] == b'0' || name.len() > 9 {
        return None;
    }
    std::str::from_utf8(name).ok()?.parse().ok()
}

impl FileSystem for ProcFs {
    fn name(&self) -> &str {
        "proc"
    }

    fn root(&self) -> Ino {
        ROOT
    }

    fn grab(&self, _ino: Ino) {}

    fn put(&self, _ino: Ino) {}

    fn statfs(&self) -> VfsResult<StatFs> {
        Ok(StatFs {
            fs_type: PROC_SUPER_MAGIC,
            bsize: 4096,
            namelen: NAME_MAX as u64,
            ..StatFs::default()
        })
    }

    fn lookup(&self, dir: Ino, name: &[u8]) -> VfsResult<Ino> {
        let (pid, kind) = self.decode(dir)?;
        match (kind, name) {
            (Kind::Root | Kind::PidDir, b".") => Ok(dir),
            (Kind::Root | Kind::PidDir, b"..") => Ok(ROOT),
            (Kind::Root, _) => {
                if let Some(&(k, _)) = GLOBAL.iter().find(|(_, n)| *n == name) {
                    return Ok(ino_of(0, k));
                }
                let p = pid_name(name).ok_or(Errno::ENOENT)?;
                self.info(p)?;
                Ok(ino_of(p, Kind::PidDir))
            }
            (Kind::PidDir, _) => PER_PID
                .iter()
                .find(|(_, n)| *n == name)
                .map(|&(k, _)| ino_of(pid, k))
                .ok_or(Errno::ENOENT),
            _ => Err(Errno::ENOTDIR),
        }
    }

    fn getattr(&self, ino: Ino) -> VfsResult<Stat> {
        let (pid, kind) = self.decode(ino)?;
        let uid = if pid == 0 { 0 } else { self.info(pid)?.uid };
        let ty = kind_type(kind);
        let perm = match ty {
            FileType::Directory => 0o555,
            FileType::Symlink => 0o777,
            _ => 0o444,
        };
        let nlink = match kind {
            Kind::Root => 2 + self.state.procs.borrow().len() as u32,
            Kind::PidDir => 2,
            _ => 1,
        };
        Ok(Stat {
            dev: 0,
            ino,
            mode: ty.mode_bits() | perm,
            nlink,
            uid,
            gid: uid,
            rdev: 0,
            size: 0,
            blksize: 1024,
            blocks: 0,
            atime: self.boot,
            mtime: self.boot,
            ctime: self.boot,
            btime: self.boot,
        })
    }

    fn setattr(&self, ino: Ino, _attr: &SetAttr) -> VfsResult<()> {
        self.decode(ino)?;
        Err(Errno::EPERM)
    }

    fn create(&self, dir: Ino, _: &[u8], _: &NewNode) -> VfsResult<Ino> {
        self.decode(dir)?;
        Err(Errno::EPERM)
    }

    fn mkdir(&self, dir: Ino, _: &[u8], _: &NewNode) -> VfsResult<Ino> {
        self.decode(dir)?;
        Err(Errno::EPERM)
    }

    fn symlink(&self, dir: Ino, _: &[u8], _: &[u8], _: &NewNode) -> VfsResult<Ino> {
        self.decode(dir)?;
        Err(Errno::EPERM)
    }

    fn link(&self, _ino: Ino, dir: Ino, _: &[u8]) -> VfsResult<()> {
        self.decode(dir)?;
        Err(Errno::EPERM)
    }

    fn unlink(&self, dir: Ino, _: &[u8]) -> VfsResult<()> {
        self.decode(dir)?;
        Err(Errno::EPERM)
    }

    fn rmdir(&self, dir: Ino, _: &[u8]) -> VfsResult<()> {
        self.decode(dir)?;
        Err(Errno::EPERM)
    }

    fn rename(&self, odir: Ino, _: &[u8], _: Ino, _: &[u8], _: u32) -> VfsResult<()> {
        self.decode(odir)?;
        Err(Errno::EPERM)
    }

    fn readlink(&self, ino: Ino) -> VfsResult<Vec<u8>> {
        match self.decode(ino)? {
            (_, Kind::SelfLink) => {
                let cur = self.state.current();
                self.info(cur)?;
                Ok(cur.to_string().into_bytes())
            }
            (pid, Kind::Exe) => {
                let exe = self.info(pid)?.exe;
                if exe.is_empty() {
                    return Err(Errno::ENOENT);
                }
                Ok(exe)
            }
            _ => Err(Errno::EINVAL),
        }
    }

    fn read(&self, ino: Ino, off: u64, buf: &mut [u8]) -> VfsResult<usize> {
        let (pid, kind) = self.decode(ino)?;
        let data = self.content(pid, kind)?;
        let start = usize::try_from(off).unwrap_or(usize::MAX).min(data.len());
        let n = buf.len().min(data.len() - start);
        buf[..n].copy_from_slice(&data[start..start + n]);
        Ok(n)
    }

    fn write(&self, ino: Ino, _off: u64, _buf: &[u8]) -> VfsResult<usize> {
        self.decode(ino)?;
        Err(Errno::EACCES)
    }

    fn readdir(
        &self,
        dir: Ino,
        pos: u64,
        sink: &mut dyn FnMut(DirEntry<'_>) -> bool,
    ) -> VfsResult<()> {
        let (pid, kind) = self.decode(dir)?;
        let mut list: Vec<(Ino, FileType, Vec<u8>)> = vec![
            (dir, FileType::Directory, b".".to_vec()),
            (ROOT, FileType::Directory, b"..".to_vec()),
        ];
        match kind {
            Kind::Root => {
                for &(k, n) in &GLOBAL {
                    list.push((ino_of(0, k), kind_type(k), n.to_vec()));
                }
                for p in self.state.pids() {
                    let name = p.to_string().into_bytes();
                    list.push((ino_of(p, Kind::PidDir), FileType::Directory, name));
                }
            }
            Kind::PidDir => {
                for &(k, n) in &PER_PID {
                    list.push((ino_of(pid, k), kind_type(k), n.to_vec()));
                }
            }
            _ => return Err(Errno::ENOTDIR),
        }
        for (i, (ino, kind, name)) in list.iter().enumerate().skip(pos as usize) {
            let e = DirEntry {
                ino: *ino,
                kind: *kind,
                name,
                next: i as u64 + 1,
            };
            if !sink(e) {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "procfs_tests.rs"]
mod tests;
