//! `ProcFs`: the guest's `/proc`.
//!
//! # Where the data comes from
//! The [`FileSystem`] trait is not told which process calls it, and the
//! kernel's tables cannot be reached from inside a syscall: the caller is
//! *taken out* of them (it is the handler's `ctx.proc`), and the tables
//! themselves are owned by the scheduler, not shared. So `/proc` gets its
//! data in three ways, each fitting how the data changes:
//!
//! 1. **A mirror kept current by the kernel** ([`ProcState`], one
//!    [`ProcInfo`] per process): what path resolution and directory
//!    listings need at any moment, including while the caller is out of
//!    the tables. Program, argv, environment and auxiliary vector are
//!    recorded at `exec`, identity at `fork`, thread ids at thread start
//!    and end, and the descriptor table, cwd and root ([`Files`]) after
//!    every syscall that changed them (the dispatcher compares the fd
//!    table's version counter and the cwd/root identity: a few compares
//!    per syscall; descriptors are held weakly, so `/proc` never keeps a
//!    file open). `current` (the caller's pid and tid, set before each
//!    syscall) makes `/proc/self` and `/proc/thread-self`.
//! 2. **Open-time snapshots** for files whose text needs the whole
//!    process (`maps`, `status`, `stat`, `statm`, `comm`, and the `task/`
//!    ones): the syscall layer, which holds the caller and every other
//!    process, sees it opened a `/proc` file of this kind
//!    ([`ProcFs::wants_data`]), collects a [`ProcData`] (memory map,
//!    signal state, sizes, threads) and swaps the open file for a snapshot
//!    inode holding the rendered text ([`ProcFs::snapshot`]), alive while
//!    a description holds it. So `open("/proc/self/maps")` sees the
//!    caller's mappings as they are at that moment, after any fork or exec,
//!    like Linux's `seq_file` read from offset 0. A snapshot stats as the
//!    file it was taken of.
//! 3. **A [`ProcHost`]** the kernel installs (held weakly: the kernel's
//!    file-system state owns this file system) for what needs the mount
//!    table or the VFS: naming a descriptor (`fd/N` is a path from the
//!    reader's root, `pipe:[ino]`, `/dev/pts/0`...) and `mounts`.
//!
//! Rejected: a `caller` argument on every `FileSystem` method (touches
//! every file system and the VFS core for one of them); computing
//! everything on every syscall (the memory map alone is too dear); raw
//! pointers to the caller (aliasing the handler's `&mut`).
//!
//! # Contents
//! - `/proc/self` -> `<pid>`, `/proc/thread-self` -> `<pid>/task/<tid>`,
//!   `/proc/mounts` -> `self/mounts`.
//! - `/proc/<tid>/` of a thread that is not a process's leader: its
//!   `task/<tid>/` directory (not listed, as on Linux).
//! - `/proc/<pid>/`: `exe`, `cwd`, `root` (symlinks; `cwd` and `root` are
//!   *magic*: resolution jumps to the directory itself), `cmdline`,
//!   `comm`, `environ`, `auxv`, `stat`, `statm`, `status`, `maps`,
//!   `mounts`, `mountinfo`, `fd/` (one magic symlink per descriptor:
//!   opening `fd/N` opens that file, as Linux), `fdinfo/` (`pos`, `flags`,
//!   `mnt_id`, `ino`), `task/<tid>/` (`stat`, `status`, `comm`).
//! - `/proc/cpuinfo` (riscv format), `meminfo`, `uptime`, `loadavg`,
//!   `filesystems`, `stat`, `version`, `sys/kernel/{hostname,osrelease,
//!   ostype,pid_max}`, `sys/vm/overcommit_memory`.
//!
//! Modes are Linux's (`fd/` is `r-x------`, `environ` and `auxv` are
//! `r--------`, fd links carry the descriptor's access mode), owned by the
//! process's user; the VFS applies them. Nothing is writable (EACCES for
//! writes, EPERM for structural changes). Files stat with size 0.

use super::procfs_state::Snapshot;
pub use super::procfs_state::{
    FdEntry, Files, MapLine, ProcData, ProcHost, ProcInfo, ProcState, TaskData, VmSizes,
};
use super::procfs_text as text;
pub use super::procfs_text::{major, minor};
use super::*;
use std::rc::Rc;

/// `PROC_SUPER_MAGIC`.
pub const PROC_SUPER_MAGIC: u64 = 0x9fa0;

/// What `mountinfo` and `fdinfo` add to a [`MountId`] to show a mount id
/// (Linux's are small numbers above its internal mounts).
pub const MOUNT_ID_BASE: u32 = 21;

/// Inode layout: `kind + 1` in bits 0-7, the pid in bits 8-31, an argument
/// (a descriptor, a thread id or a snapshot id) in bits 32-63; pid 0 holds
/// the global entries.
const ROOT: Ino = 1;

macro_rules! kinds {
    ($($k:ident),* $(,)?) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum Kind { $($k),* }
        const KINDS: &[Kind] = &[$(Kind::$k),*];
    };
}

kinds! {
    Root, SelfLink, ThreadSelf, MountsLink, Cpuinfo, Meminfo, Uptime, Loadavg, Filesystems,
    Stat, Version, SysDir, SysKernel, SysVm, Hostname, Osrelease, Ostype, PidMax, Overcommit,
    PidDir, Exe, Cwd, RootLink, Cmdline, Comm, Environ, Auxv, PidStat, Statm, Status, Maps,
    Mounts, Mountinfo, FdDir, FdLink, FdinfoDir, Fdinfo, TaskDir, TaskTid, TaskStat,
    TaskStatus, TaskComm, Snap,
}

const GLOBAL: &[(Kind, &[u8])] = &[
    (Kind::SelfLink, b"self"),
    (Kind::ThreadSelf, b"thread-self"),
    (Kind::Cpuinfo, b"cpuinfo"),
    (Kind::Filesystems, b"filesystems"),
    (Kind::Loadavg, b"loadavg"),
    (Kind::Meminfo, b"meminfo"),
    (Kind::MountsLink, b"mounts"),
    (Kind::Stat, b"stat"),
    (Kind::SysDir, b"sys"),
    (Kind::Uptime, b"uptime"),
    (Kind::Version, b"version"),
];

const PER_PID: &[(Kind, &[u8])] = &[
    (Kind::Exe, b"exe"),
    (Kind::Cwd, b"cwd"),
    (Kind::RootLink, b"root"),
    (Kind::Auxv, b"auxv"),
    (Kind::Cmdline, b"cmdline"),
    (Kind::Comm, b"comm"),
    (Kind::Environ, b"environ"),
    (Kind::FdDir, b"fd"),
    (Kind::FdinfoDir, b"fdinfo"),
    (Kind::Maps, b"maps"),
    (Kind::Mountinfo, b"mountinfo"),
    (Kind::Mounts, b"mounts"),
    (Kind::PidStat, b"stat"),
    (Kind::Statm, b"statm"),
    (Kind::Status, b"status"),
    (Kind::TaskDir, b"task"),
];

const PER_TASK: &[(Kind, &[u8])] = &[
    (Kind::TaskComm, b"comm"),
    (Kind::TaskStat, b"stat"),
    (Kind::TaskStatus, b"status"),
];

const SYS_KERNEL: &[(Kind, &[u8])] = &[
    (Kind::Hostname, b"hostname"),
    (Kind::Osrelease, b"osrelease"),
    (Kind::Ostype, b"ostype"),
    (Kind::PidMax, b"pid_max"),
];

const SYS_VM: &[(Kind, &[u8])] = &[(Kind::Overcommit, b"overcommit_memory")];

/// A decoded inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Node {
    kind: Kind,
    pid: i32,
    arg: u32,
}

fn ino_of(kind: Kind, pid: i32, arg: u32) -> Ino {
    (kind as u64 + 1) | ((pid as u64 & 0xff_ffff) << 8) | ((arg as u64) << 32)
}

fn is_global(k: Kind) -> bool {
    (k as usize) < Kind::PidDir as usize
}

fn kind_type(kind: Kind) -> FileType {
    use Kind::*;
    match kind {
        Root | SysDir | SysKernel | SysVm | PidDir | FdDir | FdinfoDir | TaskDir | TaskTid => {
            FileType::Directory
        }
        SelfLink | ThreadSelf | MountsLink | Exe | Cwd | RootLink | FdLink => FileType::Symlink,
        _ => FileType::Regular,
    }
}

/// Kinds whose text needs a [`ProcData`] from the kernel.
fn needs_data(kind: Kind) -> bool {
    use Kind::*;
    matches!(
        kind,
        Comm | PidStat | Statm | Status | Maps | TaskStat | TaskStatus | TaskComm
    )
}

fn pid_name(name: &[u8]) -> Option<i32> {
    if name.is_empty() || name[0] == b'0' || name.len() > 9 {
        return None;
    }
    std::str::from_utf8(name).ok()?.parse().ok()
}

fn fd_name(name: &[u8]) -> Option<u32> {
    if name.is_empty() || (name[0] == b'0' && name.len() > 1) || name.len() > 10 {
        return None;
    }
    std::str::from_utf8(name).ok()?.parse().ok()
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

    /// For the syscall layer: if `v` is a `/proc` file whose text needs the
    /// kernel's [`ProcData`], the pid to collect it for.
    pub fn wants_data(v: &Vnode) -> Option<i32> {
        if v.fs().name() != "proc" {
            return None;
        }
        let n = split(v.ino())?;
        needs_data(n.kind).then_some(n.pid)
    }

    /// For the syscall layer: renders `v` (see [`ProcFs::wants_data`]) from
    /// `data` into a snapshot; returns the snapshot's vnode, which stats as
    /// `v` and reads the text (see the module doc).
    pub fn snapshot(state: &ProcState, v: &Vnode, data: &ProcData) -> Option<Vnode> {
        let n = split(v.ino())?;
        let info = state.get(n.pid)?;
        let text = render_data(n, &info, data)?;
        let mut id = state.next_snapshot.get();
        loop {
            id = id.wrapping_add(1) & 0xffff_ffff;
            if !state.snapshots.borrow().contains_key(&id) {
                break;
            }
        }
        state.next_snapshot.set(id);
        state.snapshots.borrow_mut().insert(
            id,
            Snapshot {
                source: v.ino(),
                data: text.into(),
                refs: 0,
                fresh: true,
            },
        );
        Some(v.with_ino(ino_of(Kind::Snap, 0, id as u32)))
    }

    /// For the syscall layer, before a read from offset 0: if `v` is a
    /// snapshot rendered before its last read, the pid it shows (render it
    /// again with [`ProcFs::refresh`]); `None` for anything else, and for
    /// a snapshot just taken at open (which then counts as read).
    pub fn stale_snapshot_pid(state: &ProcState, v: &Vnode) -> Option<i32> {
        if v.fs().name() != "proc" {
            return None;
        }
        let n = split(v.ino()).filter(|n| n.kind == Kind::Snap)?;
        let mut snaps = state.snapshots.borrow_mut();
        let s = snaps.get_mut(&(n.arg as u64))?;
        if std::mem::take(&mut s.fresh) {
            return None;
        }
        split(s.source).map(|s| s.pid)
    }

    /// For the syscall layer: renders snapshot `v` again from `data`.
    pub fn refresh(state: &ProcState, v: &Vnode, data: &ProcData) {
        let Some(n) = split(v.ino()).filter(|n| n.kind == Kind::Snap) else {
            return;
        };
        let id = n.arg as u64;
        let Some(source) = state.snapshots.borrow().get(&id).map(|s| s.source) else {
            return;
        };
        let Some(src) = split(source) else { return };
        let Some(info) = state.get(src.pid) else {
            return;
        };
        if let Some(text) = render_data(src, &info, data) {
            if let Some(s) = state.snapshots.borrow_mut().get_mut(&id) {
                s.data = text.into();
            }
        }
    }

    /// Decodes an inode: ENOENT for a vanished process, thread,
    /// descriptor or snapshot.
    fn decode(&self, ino: Ino) -> VfsResult<Node> {
        let n = split(ino).ok_or(Errno::ENOENT)?;
        if n.kind == Kind::Snap {
            let live = self.state.snapshots.borrow().contains_key(&(n.arg as u64));
            return if live { Ok(n) } else { Err(Errno::ENOENT) };
        }
        if is_global(n.kind) {
            return if n.pid == 0 && n.arg == 0 {
                Ok(n)
            } else {
                Err(Errno::ENOENT)
            };
        }
        let ok = self.state.with(n.pid, |p| match n.kind {
            Kind::FdLink | Kind::Fdinfo => p.files.get(n.arg as i32).is_some(),
            Kind::TaskTid | Kind::TaskStat | Kind::TaskStatus | Kind::TaskComm => {
                p.tids.contains(&(n.arg as i32))
            }
            _ => n.arg == 0,
        });
        if ok == Some(true) {
            Ok(n)
        } else {
            Err(Errno::ENOENT)
        }
    }

    fn info(&self, pid: i32) -> VfsResult<ProcInfo> {
        self.state.get(pid).ok_or(Errno::ENOENT)
    }

    /// The root paths are taken from: the caller's.
    fn reader_root(&self, target: &ProcInfo) -> Option<Vnode> {
        let cur = self.state.current();
        self.state
            .with(cur, |p| p.files.root.clone())
            .flatten()
            .or_else(|| target.files.root.clone())
    }

    fn uptime(&self) -> (u64, u32) {
        let now = self.clock.now();
        let ns = (now.sec - self.boot.sec) as i128 * 1_000_000_000 + now.nsec as i128
            - self.boot.nsec as i128;
        let ns = ns.max(0) as u64;
        (ns / 1_000_000_000, (ns % 1_000_000_000 / 10_000_000) as u32)
    }

    /// The contents of a regular file.
    fn content(&self, n: Node) -> VfsResult<Vec<u8>> {
        if n.kind == Kind::Snap {
            let snaps = self.state.snapshots.borrow();
            let s = snaps.get(&(n.arg as u64)).ok_or(Errno::ENOENT)?;
            return Ok(s.data.to_vec());
        }
        if !is_global(n.kind) {
            return self.pid_content(n);
        }
        let s = match n.kind {
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
                let n = self.state.len();
                let last = self.state.pids().last().copied().unwrap_or(0);
                format!("0.00 0.00 0.00 1/{n} {last}\n")
            }
            Kind::Filesystems => {
                "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\nnodev\tpipefs\n\
                 nodev\tdevpts\n\text4\n"
                    .to_string()
            }
            Kind::Stat => {
                let n = self.state.len();
                format!(
                    "cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\nintr 0\nctxt 0\n\
                     btime {}\nprocesses {n}\nprocs_running 1\nprocs_blocked 0\n",
                    self.boot.sec
                )
            }
            Kind::Version => "Linux version 6.1.0 (nanovm@nanovm) (gcc) #1 SMP PREEMPT_DYNAMIC \
                 NanoVM\n"
                .to_string(),
            Kind::Hostname => "nanovm\n".to_string(),
            Kind::Osrelease => "6.1.0\n".to_string(),
            Kind::Ostype => "Linux\n".to_string(),
            Kind::PidMax => "4194304\n".to_string(),
            Kind::Overcommit => "0\n".to_string(),
            _ => return Err(self.not_regular(n.kind)),
        };
        Ok(s.into_bytes())
    }

    fn not_regular(&self, kind: Kind) -> Errno {
        match kind_type(kind) {
            FileType::Directory => Errno::EISDIR,
            _ => Errno::EINVAL,
        }
    }

    /// The contents of a per-process regular file read without a snapshot.
    fn pid_content(&self, n: Node) -> VfsResult<Vec<u8>> {
        let p = self.info(n.pid)?;
        Ok(match n.kind {
            Kind::Cmdline => p.cmdline,
            Kind::Environ => p.environ,
            Kind::Auxv => p.auxv,
            Kind::Fdinfo => {
                let e = p.files.get(n.arg as i32).ok_or(Errno::ENOENT)?;
                let f = e.file.upgrade().ok_or(Errno::ENOENT)?;
                text::fdinfo(&f, e.cloexec)
            }
            Kind::Mounts | Kind::Mountinfo => {
                let host = self.state.host().ok_or(Errno::ENOENT)?;
                let root = self.reader_root(&p).ok_or(Errno::ENOENT)?;
                host.mounts(&root, n.kind == Kind::Mountinfo)
            }
            // Opened without the kernel (a bare VFS open): what the mirror knows.
            k if needs_data(k) => {
                let data = ProcData {
                    comm: p.comm().to_vec(),
                    umask: 0o022,
                    ppid: p.ppid,
                    pgid: p.pgid,
                    sid: p.sid,
                    uid: p.uid,
                    gid: p.uid,
                    threads: p
                        .tids
                        .iter()
                        .map(|&tid| TaskData {
                            tid,
                            state: b'R',
                            ..TaskData::default()
                        })
                        .collect(),
                    fd_size: 64,
                    ..ProcData::default()
                };
                render_data(n, &p, &data).ok_or(Errno::ENOENT)?
            }
            k => return Err(self.not_regular(k)),
        })
    }

    /// The entries of directory `n`.
    fn entries(&self, n: Node) -> VfsResult<Vec<(Ino, FileType, Vec<u8>)>> {
        let fixed = |list: &[(Kind, &[u8])], pid: i32, arg: u32| {
            list.iter()
                .map(|&(k, name)| (ino_of(k, pid, arg), kind_type(k), name.to_vec()))
                .collect::<Vec<_>>()
        };
        Ok(match n.kind {
            Kind::Root => {
                let mut v = fixed(GLOBAL, 0, 0);
                for p in self.state.pids() {
                    let name = p.to_string().into_bytes();
                    v.push((ino_of(Kind::PidDir, p, 0), FileType::Directory, name));
                }
                v
            }
            Kind::SysDir => vec![
                (
                    ino_of(Kind::SysKernel, 0, 0),
                    FileType::Directory,
                    b"kernel".to_vec(),
                ),
                (
                    ino_of(Kind::SysVm, 0, 0),
                    FileType::Directory,
                    b"vm".to_vec(),
                ),
            ],
            Kind::SysKernel => fixed(SYS_KERNEL, 0, 0),
            Kind::SysVm => fixed(SYS_VM, 0, 0),
            Kind::PidDir => fixed(PER_PID, n.pid, 0),
            Kind::TaskTid => fixed(PER_TASK, n.pid, n.arg),
            Kind::FdDir | Kind::FdinfoDir => {
                let p = self.info(n.pid)?;
                let (k, t) = match n.kind {
                    Kind::FdDir => (Kind::FdLink, FileType::Symlink),
                    _ => (Kind::Fdinfo, FileType::Regular),
                };
                p.files
                    .fds
                    .iter()
                    .map(|e| {
                        (
                            ino_of(k, n.pid, e.fd as u32),
                            t,
                            e.fd.to_string().into_bytes(),
                        )
                    })
                    .collect()
            }
            Kind::TaskDir => {
                let mut tids = self.info(n.pid)?.tids;
                tids.sort_unstable();
                tids.iter()
                    .map(|&t| {
                        let name = t.to_string().into_bytes();
                        (
                            ino_of(Kind::TaskTid, n.pid, t as u32),
                            FileType::Directory,
                            name,
                        )
                    })
                    .collect()
            }
            _ => return Err(Errno::ENOTDIR),
        })
    }

    /// The parent directory of directory `n`.
    fn parent(&self, n: Node) -> Ino {
        match n.kind {
            Kind::SysKernel | Kind::SysVm => ino_of(Kind::SysDir, 0, 0),
            Kind::FdDir | Kind::FdinfoDir | Kind::TaskDir => ino_of(Kind::PidDir, n.pid, 0),
            Kind::TaskTid => ino_of(Kind::TaskDir, n.pid, 0),
            _ => ROOT,
        }
    }
}

/// Splits an inode number (no liveness check).
fn split(ino: Ino) -> Option<Node> {
    let k = (ino & 0xff) as usize;
    let kind = *k.checked_sub(1).and_then(|i| KINDS.get(i))?;
    Some(Node {
        kind,
        pid: ((ino >> 8) & 0xff_ffff) as i32,
        arg: (ino >> 32) as u32,
    })
}

/// The text of a data kind.
fn render_data(n: Node, info: &ProcInfo, d: &ProcData) -> Option<Vec<u8>> {
    let tid = Some(n.arg as i32);
    Some(match n.kind {
        Kind::Comm | Kind::TaskComm => text::comm(&d.comm),
        Kind::PidStat => text::stat(n.pid, None, d),
        Kind::TaskStat => text::stat(n.pid, tid, d),
        Kind::Status => text::status(n.pid, None, d),
        Kind::TaskStatus => text::status(n.pid, tid, d),
        Kind::Statm => text::statm(d),
        Kind::Maps => text::maps(&d.maps),
        _ => {
            let _ = info;
            return None;
        }
    })
}

#[path = "procfs_fs.rs"]
mod fs_impl;

#[cfg(test)]
#[path = "procfs_tests.rs"]
mod tests;
