//! What `/proc` knows of the kernel ([`ProcState`]): the mirror of every
//! process the kernel keeps current, the data it hands over when a
//! `/proc` file is opened ([`ProcData`]), and the open-time snapshots
//! those files are read from. See the [`super::procfs`] module doc for
//! why it is split this way.

use super::file::OpenFile;
use super::*;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

/// One open descriptor as `/proc/<pid>/fd` sees it. The description is
/// held weakly: `/proc` never keeps a file open (a pipe's reader must see
/// EOF when the last writer closes, whoever looks at it).
#[derive(Clone, Debug)]
pub struct FdEntry {
    /// The descriptor number.
    pub fd: i32,
    /// Its open file description.
    pub file: Weak<OpenFile>,
    /// The close-on-exec flag.
    pub cloexec: bool,
}

/// A process's files as `/proc` shows them: descriptors, cwd and root.
#[derive(Clone, Debug, Default)]
pub struct Files {
    /// Open descriptors in increasing order.
    pub fds: Vec<FdEntry>,
    /// The working directory.
    pub cwd: Option<Vnode>,
    /// The root directory.
    pub root: Option<Vnode>,
}

impl Files {
    /// The entry of descriptor `fd`.
    pub fn get(&self, fd: i32) -> Option<&FdEntry> {
        self.fds
            .binary_search_by_key(&fd, |e| e.fd)
            .ok()
            .map(|i| &self.fds[i])
    }
}

/// What `/proc` knows of one process without asking the kernel: recorded
/// at `exec` (program, argv, environment, auxiliary vector) and `fork`,
/// with the thread list and [`Files`] kept current by the kernel.
#[derive(Clone, Debug, Default)]
pub struct ProcInfo {
    /// Absolute guest path of the executable.
    pub exe: Vec<u8>,
    /// argv, each followed by a NUL.
    pub cmdline: Vec<u8>,
    /// envp at exec, each followed by a NUL.
    pub environ: Vec<u8>,
    /// The auxiliary vector at exec (little-endian `u64` pairs, ending
    /// with `AT_NULL`).
    pub auxv: Vec<u8>,
    /// Parent pid.
    pub ppid: i32,
    /// Process group.
    pub pgid: i32,
    /// Session.
    pub sid: i32,
    /// uid (= gid for the guest user).
    pub uid: u32,
    /// Thread ids, the leader (= pid) first.
    pub tids: Vec<i32>,
    /// Descriptors, cwd and root.
    pub files: Files,
}

impl ProcInfo {
    /// The short name: the last path component of `exe`, at most 15 bytes.
    pub fn comm(&self) -> &[u8] {
        let n = self.exe.rsplit(|&b| b == b'/').next().unwrap_or(&self.exe);
        &n[..n.len().min(15)]
    }
}

/// One line of `/proc/<pid>/maps`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MapLine {
    /// First address.
    pub start: u64,
    /// One past the last address.
    pub end: u64,
    /// `rwxp`/`rwxs` flags as four characters.
    pub perms: [u8; 4],
    /// File offset of `start` (0 for anonymous memory).
    pub offset: u64,
    /// Device of the mapped file (0 for anonymous memory).
    pub dev: u64,
    /// Inode of the mapped file (0 for anonymous memory).
    pub ino: u64,
    /// The path column: a file's path, `[heap]`, `[stack]`, or empty.
    pub name: Vec<u8>,
}

/// One thread as `status`/`stat` show it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskData {
    /// Thread id.
    pub tid: i32,
    /// Linux's state letter: `R` running, `S` sleeping, `T` stopped.
    pub state: u8,
    /// Blocked signals (bit `sig - 1`).
    pub blocked: u64,
    /// Signals pending for this thread.
    pub pending: u64,
    /// Instructions retired (its CPU time, 1 ns each).
    pub instret: u64,
}

/// Memory sizes in KiB, as `status` and `statm` report them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VmSizes {
    /// All mappings (`VmSize`).
    pub size: u64,
    /// Peak of `size` (`VmPeak`); we report `size`.
    pub peak: u64,
    /// Resident (`VmRSS`).
    pub rss: u64,
    /// Writable private non-stack mappings (`VmData`).
    pub data: u64,
    /// The main stack (`VmStk`).
    pub stack: u64,
    /// Executable file mappings of the program (`VmExe`).
    pub exe: u64,
    /// Other executable file mappings (`VmLib`).
    pub lib: u64,
}

/// What the kernel hands `/proc` when one of a process's files is opened:
/// everything that changes without a syscall of `/proc`'s choosing.
#[derive(Clone, Debug, Default)]
pub struct ProcData {
    /// The process's name (`comm`, set by exec or `PR_SET_NAME`).
    pub comm: Vec<u8>,
    /// File mode creation mask.
    pub umask: u32,
    /// Parent pid.
    pub ppid: i32,
    /// Process group.
    pub pgid: i32,
    /// Session.
    pub sid: i32,
    /// uid.
    pub uid: u32,
    /// gid.
    pub gid: u32,
    /// Its threads, the leader first.
    pub threads: Vec<TaskData>,
    /// Signals pending for the whole process.
    pub shared_pending: u64,
    /// Signals whose disposition is `SIG_IGN`.
    pub ignored: u64,
    /// Signals with a handler.
    pub caught: u64,
    /// Queued signals, and the `RLIMIT_SIGPENDING` limit.
    pub sigq: (u64, u64),
    /// Descriptor table size (`FDSize`).
    pub fd_size: u64,
    /// Memory sizes.
    pub vm: VmSizes,
    /// The memory map.
    pub maps: Vec<MapLine>,
    /// Program break start and end, and the stack's start (for `stat`).
    pub brk: (u64, u64),
    /// Lowest address of the main stack.
    pub stack_start: u64,
    /// Stopped by job control.
    pub stopped: bool,
}

/// What `/proc` asks of the rest of the kernel while it resolves and
/// reads: how a descriptor is named and which mounts exist. The kernel's
/// file-system state implements it (`crate::procview`); `/proc` holds it
/// weakly (it is that state's own file system).
pub trait ProcHost {
    /// The text of `/proc/<pid>/fd/N` for `file` (a path from `root`,
    /// `pipe:[ino]`, `/dev/pts/0`...).
    fn describe(&self, file: &OpenFile, root: &Vnode) -> Vec<u8>;
    /// The path of directory `dir` as seen from `root`.
    fn dir_path(&self, dir: &Vnode, root: &Vnode) -> VfsResult<Vec<u8>>;
    /// `/proc/<pid>/mounts` (`mountinfo` with `info`) as seen from `root`.
    fn mounts(&self, root: &Vnode, info: bool) -> Vec<u8>;
}

/// One open-time snapshot: the bytes of a file of `pid` (thread `tid`)
/// rendered when it was opened, alive while an open file holds it.
pub(super) struct Snapshot {
    /// The inode of the file it is a snapshot of (what `stat` shows).
    pub source: Ino,
    pub data: Rc<[u8]>,
    pub refs: u32,
    /// Rendered and not read yet: the first read from offset 0 needs no
    /// new rendering.
    pub fresh: bool,
}

/// The kernel's view shared with [`super::procfs::ProcFs`] (see the module doc).
#[derive(Default)]
pub struct ProcState {
    current: Cell<(i32, i32)>,
    procs: RefCell<BTreeMap<i32, ProcInfo>>,
    host: RefCell<Option<Weak<dyn ProcHost>>>,
    pub(super) snapshots: RefCell<BTreeMap<u64, Snapshot>>,
    pub(super) next_snapshot: Cell<u64>,
}

impl ProcState {
    /// Sets the calling process (before each syscall).
    pub fn set_current(&self, pid: i32) {
        self.current.set((pid, pid));
    }

    /// Sets the calling process and thread (before each syscall).
    pub fn set_current_thread(&self, pid: i32, tid: i32) {
        self.current.set((pid, tid));
    }

    /// The calling process.
    pub fn current(&self) -> i32 {
        self.current.get().0
    }

    /// The calling thread.
    pub fn current_tid(&self) -> i32 {
        self.current.get().1
    }

    /// Installs the kernel side (see [`ProcHost`]).
    pub fn set_host(&self, host: Weak<dyn ProcHost>) {
        *self.host.borrow_mut() = Some(host);
    }

    /// The kernel side, if installed and alive.
    pub fn host(&self) -> Option<Rc<dyn ProcHost>> {
        self.host.borrow().as_ref().and_then(|w| w.upgrade())
    }

    /// Records (or replaces) process `pid`'s information.
    pub fn set(&self, pid: i32, mut info: ProcInfo) {
        if info.tids.is_empty() {
            info.tids.push(pid);
        }
        self.procs.borrow_mut().insert(pid, info);
    }

    /// `pid` ran a new program `exe` with `argv`: its other threads are
    /// gone.
    pub fn exec(&self, pid: i32, exe: &[u8], argv: &[Vec<u8>]) {
        let mut procs = self.procs.borrow_mut();
        let p = procs.entry(pid).or_default();
        p.exe = exe.to_vec();
        p.cmdline = nul_joined(argv);
        p.tids = vec![pid];
    }

    /// The program's canonical path, once known (all symlinks resolved,
    /// as Linux's `d_path` of the file shows it).
    pub fn set_exe(&self, pid: i32, exe: Vec<u8>) {
        if let Some(p) = self.procs.borrow_mut().get_mut(&pid) {
            p.exe = exe;
        }
    }

    /// The environment and auxiliary vector `pid`'s new program got.
    pub fn exec_env(&self, pid: i32, envp: &[Vec<u8>], auxv: Vec<u8>) {
        if let Some(p) = self.procs.borrow_mut().get_mut(&pid) {
            p.environ = nul_joined(envp);
            p.auxv = auxv;
        }
    }

    /// `child` was forked from `parent` (same program, argv and files).
    pub fn fork(&self, parent: i32, child: i32, pgid: i32, sid: i32) {
        let mut procs = self.procs.borrow_mut();
        let mut info = procs.get(&parent).cloned().unwrap_or_default();
        info.ppid = parent;
        info.pgid = pgid;
        info.sid = sid;
        info.tids = vec![child];
        procs.insert(child, info);
    }

    /// Process `pid`'s identity changed (`setpgid`, `setsid`, reparenting).
    pub fn set_ids(&self, pid: i32, ppid: i32, pgid: i32, sid: i32) {
        if let Some(p) = self.procs.borrow_mut().get_mut(&pid) {
            (p.ppid, p.pgid, p.sid) = (ppid, pgid, sid);
        }
    }

    /// Thread `tid` of `pid` started.
    pub fn thread_start(&self, pid: i32, tid: i32) {
        if let Some(p) = self.procs.borrow_mut().get_mut(&pid) {
            if !p.tids.contains(&tid) {
                p.tids.push(tid);
            }
        }
    }

    /// Thread `tid` of `pid` ended (the process goes on).
    pub fn thread_exit(&self, pid: i32, tid: i32) {
        if let Some(p) = self.procs.borrow_mut().get_mut(&pid) {
            p.tids.retain(|&t| t != tid);
        }
    }

    /// `pid`'s descriptors changed (cwd and root did not).
    pub fn set_fds(&self, pid: i32, fds: Vec<FdEntry>) {
        if let Some(p) = self.procs.borrow_mut().get_mut(&pid) {
            p.files.fds = fds;
        }
    }

    /// `pid`'s descriptors, cwd or root changed.
    pub fn set_files(&self, pid: i32, files: Files) {
        if let Some(p) = self.procs.borrow_mut().get_mut(&pid) {
            p.files = files;
        }
    }

    /// `pid` is gone.
    pub fn remove(&self, pid: i32) {
        self.procs.borrow_mut().remove(&pid);
    }

    /// A copy of `pid`'s information.
    pub fn get(&self, pid: i32) -> Option<ProcInfo> {
        self.procs.borrow().get(&pid).cloned()
    }

    /// Runs `f` on `pid`'s information without copying it.
    pub fn with<R>(&self, pid: i32, f: impl FnOnce(&ProcInfo) -> R) -> Option<R> {
        self.procs.borrow().get(&pid).map(f)
    }

    /// The process a thread id belongs to (itself for a pid).
    pub fn pid_of_tid(&self, tid: i32) -> Option<i32> {
        let procs = self.procs.borrow();
        if procs.contains_key(&tid) {
            return Some(tid);
        }
        procs
            .iter()
            .find(|(_, p)| p.tids.contains(&tid))
            .map(|(&pid, _)| pid)
    }

    /// Every pid, in order.
    pub fn pids(&self) -> Vec<i32> {
        self.procs.borrow().keys().copied().collect()
    }

    /// Number of processes.
    pub fn len(&self) -> usize {
        self.procs.borrow().len()
    }

    /// Whether no process is recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn nul_joined(v: &[Vec<u8>]) -> Vec<u8> {
    v.iter()
        .flat_map(|a| a.iter().copied().chain([0]))
        .collect()
}
