//! The kernel's side of `/proc` (see the `vfs::procfs` module doc for the
//! design): keeping the [`crate::vfs::procfs::ProcState`] mirror current ([`sync`],
//! [`record_exec`]), collecting a [`ProcData`] when a `/proc` file that
//! needs the whole process is opened ([`open_hook`]), naming descriptors
//! and listing mounts ([`ProcHost`] for [`FsKernel`]), and the side table
//! of file-backed mappings ([`maps`]).

pub mod maps;

use crate::fsctx::{FsCtx, FsKernel};
use crate::syscall::Ctx;
use crate::task::{Process, Thread};
use crate::vfs::file::{flags::*, OpenFile};
use crate::vfs::path::Ctx as PathCtx;
use crate::vfs::procfs::{
    FdEntry, Files, ProcData, ProcFs, ProcHost, TaskData, VmSizes, MOUNT_ID_BASE,
};
use crate::vfs::{Cred, FileType, VfsResult, Vnode};
use maps::{Areas, Backing};
use std::rc::Rc;

/// The identity of a vnode: mount, inode, file system.
type VnodeKey = (u32, u64, usize);

/// What the mirror last saw of a process's files: the fd table's version
/// and the identity of cwd and root (see [`sync`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seen(Option<(u64, VnodeKey, VnodeKey)>);

fn vnode_key(v: &Vnode) -> VnodeKey {
    (v.mnt().0, v.ino(), Rc::as_ptr(v.fs()) as *const u8 as usize)
}

/// The mirror's view of `fs`'s descriptors.
fn fds_of(fs: &FsCtx) -> Vec<FdEntry> {
    fs.fds
        .entries()
        .into_iter()
        .map(|(fd, f, cloexec)| FdEntry {
            fd,
            file: Rc::downgrade(f),
            cloexec,
        })
        .collect()
}

/// The mirror's view of `fs`.
pub fn files_of(fs: &FsCtx) -> Files {
    Files {
        fds: fds_of(fs),
        cwd: Some(fs.cwd.clone()),
        root: Some(fs.root.clone()),
    }
}

/// After a syscall: if the caller's descriptors, cwd or root changed,
/// refresh that part of the mirror (a few compares otherwise).
pub fn sync(p: &mut Process) {
    let fs = &p.fs;
    let (version, cwd, root) = (fs.fds.version(), vnode_key(&fs.cwd), vnode_key(&fs.root));
    let Seen(seen) = p.proc_seen;
    if seen == Some((version, cwd, root)) {
        return;
    }
    p.proc_seen = Seen(Some((version, cwd, root)));
    let st = &fs.kernel.procfs;
    match seen {
        Some((_, c, r)) if c == cwd && r == root => st.set_fds(p.pid, fds_of(fs)),
        _ => st.set_files(p.pid, files_of(fs)),
    }
}

/// At exec (and the first load): the environment and the auxiliary
/// vector the new program got (read back from its initial stack at `sp`),
/// and its descriptors.
pub fn record_exec(p: &mut Process, envp: &[Vec<u8>], sp: u64) {
    let auxv = read_auxv(p, sp);
    let st = &p.fs.kernel.procfs;
    st.exec_env(p.pid, envp, auxv);
    st.set_files(p.pid, files_of(&p.fs));
    p.proc_seen = Seen::default();
}

/// The auxiliary vector on an initial stack: after argc, argv, NULL, envp,
/// NULL; `u64` pairs up to and including `AT_NULL`.
fn read_auxv(p: &mut Process, sp: u64) -> Vec<u8> {
    let mut word = |a: u64| p.mem.load_u64(a).ok();
    let mut out = Vec::new();
    let Some(argc) = word(sp) else { return out };
    let mut a = sp.wrapping_add(argc.wrapping_add(2).wrapping_mul(8));
    while word(a).is_some_and(|w| w != 0) {
        a = a.wrapping_add(8);
    }
    a = a.wrapping_add(8);
    for _ in 0..64 {
        let (Some(k), Some(v)) = (word(a), word(a.wrapping_add(8))) else {
            break;
        };
        out.extend_from_slice(&k.to_le_bytes());
        out.extend_from_slice(&v.to_le_bytes());
        a = a.wrapping_add(16);
        if k == 0 {
            break;
        }
    }
    out
}

/// File-backed ranges: `(start, end, file offset)`.
pub type Ranges = Vec<(u64, u64, u64)>;

/// A loaded program's file-backed ranges (each PT_LOAD segment's file
/// pages), for the program and (`interp`) its dynamic loader.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ElfMaps {
    /// The program's ranges.
    pub exe: Ranges,
    /// The dynamic loader's path and ranges.
    pub interp: Option<(Vec<u8>, Ranges)>,
}

/// A file of the guest's tree opened for its identity only (`O_PATH`).
fn open_path(fs: &FsCtx, path: &[u8]) -> Option<Rc<OpenFile>> {
    let f = fs
        .kernel
        .vfs
        .open(&fs.path_ctx(), &fs.cwd, path, O_PATH, 0)
        .ok()?;
    Some(Rc::new(f))
}

/// Records the program (`exe`, as run) and loader mappings of a fresh
/// image in `p.file_maps`.
pub fn record_image(p: &mut Process, exe: &[u8], elf: &ElfMaps) {
    p.file_maps.reset();
    let exe_backing = match open_path(&p.fs, exe) {
        Some(f) => {
            let fs = &p.fs;
            let path = fs
                .kernel
                .vfs
                .origin_path(&fs.path_ctx(), f.vnode(), f.origin());
            if let Ok(path) = path {
                fs.kernel.procfs.set_exe(p.pid, path);
            }
            Backing::File(f)
        }
        None => Backing::Named(Rc::from(p.fs.exe_path(exe))),
    };
    for &(s, e, off) in &elf.exe {
        p.file_maps.add(s, e, off, exe_backing.clone());
    }
    if let Some((path, ranges)) = &elf.interp {
        let b = match open_path(&p.fs, path) {
            Some(f) => Backing::File(f),
            None => Backing::Named(Rc::from(path.as_slice())),
        };
        for &(s, e, off) in ranges {
            p.file_maps.add(s, e, off, b.clone());
        }
    }
}

/// The threads of process `pid` as `/proc` shows them: the caller's
/// thread (if it belongs to `pid`) and the others from the tables, leader
/// first.
fn threads(ctx: &Ctx, pid: i32) -> Vec<TaskData> {
    let data = |t: &Thread, running: bool| TaskData {
        tid: t.tid,
        state: if running || t.wait.is_none() {
            b'R'
        } else {
            b'S'
        },
        blocked: t.sigmask,
        pending: t.pending,
        instret: t.cpu.instret,
    };
    let mut v: Vec<TaskData> = ctx
        .kernel
        .threads
        .values()
        .filter(|t| t.pid == pid)
        .map(|t| data(t, false))
        .collect();
    if ctx.thread.pid == pid {
        v.push(data(ctx.thread, true));
    }
    v.sort_by_key(|t| (t.tid != pid, t.tid));
    v
}

/// Everything `/proc` needs of process `pid` that the mirror lacks.
pub fn collect(ctx: &Ctx, pid: i32) -> Option<ProcData> {
    let p: &Process = if ctx.proc.pid == pid {
        ctx.proc
    } else {
        ctx.kernel.procs.get(&pid)?
    };
    let threads = threads(ctx, pid);
    let regions = p.mem.regions();
    let heap_end = crate::layout::page_up(p.brk.cur).unwrap_or(p.brk.cur);
    let areas = Areas {
        heap: (p.brk.start, heap_end),
        stack: (crate::layout::STACK_BOTTOM, crate::layout::STACK_TOP),
    };
    // The caller's view of paths (its root), the target's mappings.
    let mut lines = maps::map_lines(&regions, &p.file_maps, &areas, &ctx.proc.fs);
    lines.retain(|l| l.end > l.start);
    let kib = |b: u64| b / 1024;
    let mut vm = VmSizes {
        rss: kib(p.mem.resident_bytes()),
        ..VmSizes::default()
    };
    let exe = ctx.proc.fs.kernel.procfs.get(pid).map(|i| i.exe);
    for l in &lines {
        let len = kib(l.end - l.start);
        vm.size += len;
        if l.name == b"[stack]" {
            vm.stack += len;
        } else if l.perms[1] == b'w' && l.perms[3] == b'p' {
            vm.data += len;
        } else if l.perms[2] == b'x' && l.ino != 0 {
            if exe.as_deref() == Some(&l.name[..]) {
                vm.exe += len;
            } else {
                vm.lib += len;
            }
        }
    }
    vm.peak = vm.size;
    let mut ignored = 0;
    let mut caught = 0;
    for (i, a) in p.actions.iter().enumerate() {
        match a.handler {
            0 => {}
            1 => ignored |= 1 << i,
            _ => caught |= 1 << i,
        }
    }
    let queued: usize = ctx
        .kernel
        .threads
        .values()
        .filter(|t| t.pid == pid)
        .map(|t| t.sig.queue.len())
        .sum::<usize>()
        + if ctx.thread.pid == pid {
            ctx.thread.sig.queue.len()
        } else {
            0
        };
    Some(ProcData {
        comm: p.comm.clone(),
        umask: p.umask,
        ppid: p.ppid,
        pgid: p.pgid,
        sid: p.sid,
        uid: p.uid,
        gid: p.gid,
        threads,
        shared_pending: 0,
        ignored,
        caught,
        sigq: (queued as u64, p.rlimits[11].cur),
        fd_size: (p.fs.fds.entries().last().map_or(0, |e| e.0 as u64 + 1))
            .next_multiple_of(64)
            .max(64),
        vm,
        maps: lines,
        brk: (p.brk.start, p.brk.cur),
        stack_start: crate::layout::STACK_TOP,
        stopped: p.stopped.is_some(),
    })
}

/// After `openat` opened `f`: a `/proc` file that needs the whole process
/// becomes a snapshot of it; a pipe reached through `/proc/<pid>/fd/N`
/// opens that pipe's end for the access mode asked. Everything else is
/// returned as it is.
pub fn open_hook(ctx: &Ctx, f: OpenFile) -> OpenFile {
    let k = &ctx.proc.fs.kernel;
    if let Some(ino) = k.pipe_ino(&f) {
        let want = ino & !1 | u64::from(f.flags() & O_ACCMODE == O_WRONLY);
        if want != ino {
            let v = f.vnode().with_ino(want);
            return OpenFile::new(v, FileType::Fifo, f.flags());
        }
        return f;
    }
    let Some(pid) = ProcFs::wants_data(f.vnode()) else {
        return f;
    };
    let Some(data) = collect(ctx, pid) else {
        return f;
    };
    match ProcFs::snapshot(&k.procfs, f.vnode(), &data) {
        Some(v) => OpenFile::new(v, f.kind(), f.flags()).with_origin(f.origin().cloned()),
        None => f,
    }
}

/// Before a read of `f` at `pos`: a `/proc` snapshot read from its start
/// is taken again, so a reader that seeks back to 0 sees fresh data (as
/// Linux's `seq_file` regenerates from position 0).
pub fn before_read(ctx: &Ctx, f: &OpenFile, pos: u64) {
    if pos != 0 {
        return;
    }
    let state = &ctx.proc.fs.kernel.procfs;
    let Some(pid) = ProcFs::stale_snapshot_pid(state, f.vnode()) else {
        return;
    };
    if let Some(data) = collect(ctx, pid) {
        ProcFs::refresh(state, f.vnode(), &data);
    }
}

fn mount_names(fs_name: &str) -> (&'static str, &'static str, &'static str) {
    // (source, type, extra options)
    match fs_name {
        "memfs" => ("tmpfs", "tmpfs", ""),
        "devtmpfs" => ("udev", "devtmpfs", ",nosuid"),
        "proc" => ("proc", "proc", ",nosuid,nodev,noexec"),
        "devpts" => ("devpts", "devpts", ",nosuid,noexec"),
        _ => ("/dev/root", "ext4", ""),
    }
}

impl ProcHost for FsKernel {
    fn describe(&self, file: &OpenFile, root: &Vnode) -> Vec<u8> {
        let st = file.stat().ok();
        if let Some(fd) = self.host_fd(file) {
            let mode = st.map_or(0, |s| s.mode) & crate::vfs::mode::S_IFMT;
            return match mode {
                crate::vfs::mode::S_IFIFO => {
                    format!("pipe:[{}]", st.map_or(0, |s| s.ino)).into_bytes()
                }
                crate::vfs::mode::S_IFCHR if st.is_some_and(|s| s.rdev != 0x103) => {
                    b"/dev/pts/0".to_vec()
                }
                crate::vfs::mode::S_IFCHR => b"/dev/null".to_vec(),
                _ => [
                    &b"/dev/std"[..],
                    [&b"in"[..], b"out", b"err"][fd as usize % 3],
                ]
                .concat(),
            };
        }
        if self.pipe_ino(file).is_some() {
            return format!("pipe:[{}]", st.map_or(0, |s| s.ino)).into_bytes();
        }
        let cred = Cred::root();
        let ctx = PathCtx { root, cred: &cred };
        match self.vfs.origin_path(&ctx, file.vnode(), file.origin()) {
            Ok(p) => p,
            Err(_) => match st.and_then(|s| s.file_type()) {
                Some(FileType::Socket) => {
                    format!("socket:[{}]", st.map_or(0, |s| s.ino)).into_bytes()
                }
                _ => format!("anon_inode:[{}]", file.vnode().fs().name()).into_bytes(),
            },
        }
    }

    fn dir_path(&self, dir: &Vnode, root: &Vnode) -> VfsResult<Vec<u8>> {
        let cred = Cred::root();
        self.vfs.path_of(&PathCtx { root, cred: &cred }, dir)
    }

    fn mounts(&self, root: &Vnode, info: bool) -> Vec<u8> {
        let cred = Cred::root();
        let ctx = PathCtx { root, cred: &cred };
        let mut out = String::new();
        for m in self.vfs.mounts() {
            let path = match m.parent {
                None => Ok(b"/".to_vec()),
                Some((pm, ino)) => self
                    .vfs
                    .mount_root(pm)
                    .and_then(|r| self.vfs.path_of(&ctx, &r.with_ino(ino))),
            };
            let Ok(path) = path else { continue };
            let path = String::from_utf8_lossy(&path).replace(' ', "\\040");
            let (source, ty, extra) = mount_names(&m.fs_name);
            let mut opts = String::from(if m.flags.read_only { "ro" } else { "rw" });
            opts.push_str(extra);
            if m.flags.nosuid && !extra.contains("nosuid") {
                opts.push_str(",nosuid");
            }
            if m.flags.noexec && !extra.contains("noexec") {
                opts.push_str(",noexec");
            }
            opts.push_str(",relatime");
            if info {
                let id = MOUNT_ID_BASE + m.id.0;
                let parent = m.parent.map_or(1, |(p, _)| MOUNT_ID_BASE + p.0);
                let dev = m.dev;
                let (maj, min) = (
                    crate::vfs::procfs::major(dev),
                    crate::vfs::procfs::minor(dev),
                );
                let ro = if m.flags.read_only { "ro" } else { "rw" };
                out.push_str(&format!(
                    "{id} {parent} {maj}:{min} / {path} {opts} - {ty} {source} {ro}\n"
                ));
            } else {
                out.push_str(&format!("{source} {path} {ty} {opts} 0 0\n"));
            }
        }
        out.into_bytes()
    }
}

/// Installs `kernel` as its own `/proc`'s [`ProcHost`].
pub fn install_host(kernel: &Rc<FsKernel>) {
    let weak: std::rc::Weak<FsKernel> = Rc::downgrade(kernel);
    let host: std::rc::Weak<dyn ProcHost> = weak;
    kernel.procfs.set_host(host);
}
