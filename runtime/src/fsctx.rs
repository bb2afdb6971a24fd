//! The file-system side of a process: which tree it sees ([`FsKernel`], one
//! per emulator, shared by every process through an `Rc`), and its own
//! root, working directory, credentials and descriptor table ([`FsCtx`],
//! one per process, in [`crate::task::Process::fs`]). The umask stays in
//! `Process::umask`.
//!
//! # The tree
//! - Default: a memfs root holding `/tmp` (`1777`), `/dev` (devfs, with a
//!   memfs on `/dev/shm`), `/proc` (a [`ProcFs`], also mounted on
//!   `DIR/proc` with `--root`), `/etc` (`passwd`, `group`, `hostname`) and `/root`;
//!   the program being run is copied in at its host path
//!   ([`FsCtx::add_program`]), so `/proc/self/exe` names a file the guest sees.
//! - `--root DIR`: `DIR` served by a read-only [`HostFs`] (the host directory
//!   is never modified), with a memfs on `/tmp` that starts as a copy of
//!   `DIR/tmp` (so scratch files prepared there are visible; writes stay in
//!   memory) and devfs on `/dev`, when those directories exist in `DIR`.
//!   Rejected alternative: a full copy-on-write overlay over the whole root
//!   (what the qemu oracle does); it is more code than the first step needs.
//! - `--mount HOST:GUEST[:ro]`: a HostFs of `HOST` over the guest directory
//!   `GUEST` (created in a memfs root if missing), writable unless `:ro`.
//!
//! # Standard descriptors
//! Fds 0, 1 and 2 are *host streams*: open files of a small unmounted file
//! system ([`StdioFs`]) whose three inodes stand for host descriptors 0, 1, 2.
//! They stat and answer terminal ioctls as what the host descriptors really
//! are ([`crate::Host::stdio_kind`]: terminal, pipe, file). The syscall
//! layer recognises them ([`FsKernel::host_fd`]) and calls [`crate::Host`]
//! for their I/O, since a file system has no access to the host. Likewise
//! reads of `/dev/random` and `/dev/urandom` ([`FsKernel::is_random`]) come
//! from the host's random source. Rejected alternative: a devfs
//! [`CharDevice`](crate::vfs::devfs::CharDevice) for stdio, which would need
//! the host reachable from inside the file system (a shared handle to a
//! `&mut dyn Host` that only lives for one syscall).
//!
//! # Time
//! File systems read the time from [`FsKernel::clock`], a cell the syscall
//! layer sets from the guest's `CLOCK_REALTIME` before each modifying call.
//!
//! # fork, exec, threads
//! Threads share their `Process` and so share the whole context (Linux's
//! `CLONE_FS | CLONE_FILES`). `fork` gives the child [`FsCtx::clone_for_fork`]:
//! the same tree and open file descriptions (shared offsets), its own table,
//! cwd and root. `execve` reads the program with [`FsCtx::open_exec`] and
//! then calls [`FsCtx::exec`] to close the close-on-exec descriptors.

use crate::errno::Errno;
use crate::syscall::fs_pipe::PipeFs;
use crate::syscall::fs_stdio::StdioFs;
use crate::task::GUEST_UID;
use crate::tty::devpts::PtsFs;
use crate::vfs::devfs::{mount_devfs, DevFs};
use crate::vfs::fdtable::FdTable;
use crate::vfs::file::{flags::*, OpenFile};
use crate::vfs::memfs::MemFs;
use crate::vfs::path::Ctx as PathCtx;
use crate::vfs::procfs::{ProcFs, ProcState};
use crate::vfs::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::{Rc, Weak};

/// Device number `stat` reports for the standard descriptors.
pub const STDIO_DEV: u64 = 0x16;
/// The mount id host streams claim (they belong to no mount).
const NO_MOUNT: MountId = MountId(u32::MAX);
/// Largest program file `open_exec` reads.
const MAX_EXEC_SIZE: u64 = 1 << 30;
/// Most bytes copied from `DIR/tmp` into the memory `/tmp` at start-up.
const TMP_COPY_LIMIT: u64 = 256 << 20;

/// One `--mount HOST:GUEST[:ro]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountSpec {
    /// The host directory.
    pub host: PathBuf,
    /// Where the guest sees it (absolute guest path).
    pub guest: Vec<u8>,
    /// Mounted read-only.
    pub read_only: bool,
}

impl MountSpec {
    /// Parses `HOST:GUEST[:ro|:rw]` (GUEST must be absolute).
    pub fn parse(s: &str) -> Result<MountSpec, String> {
        let bad = || format!("invalid --mount '{s}' (want HOST:GUEST[:ro])");
        let mut parts: Vec<&str> = s.split(':').collect();
        let read_only = match parts.last() {
            Some(&"ro") if parts.len() == 3 => true,
            Some(&"rw") if parts.len() == 3 => false,
            _ if parts.len() == 2 => false,
            _ => return Err(bad()),
        };
        parts.truncate(2);
        let (host, guest) = (parts[0], parts[1]);
        if host.is_empty() || !guest.starts_with('/') {
            return Err(bad());
        }
        Ok(MountSpec {
            host: PathBuf::from(host),
            guest: guest.as_bytes().to_vec(),
            read_only,
        })
    }
}

/// What the guest's file system is made of (see the module doc).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FsConfig {
    /// `--root DIR`: a host directory as the (read-only) root.
    pub root: Option<PathBuf>,
    /// `--mount` specs, mounted in order.
    pub mounts: Vec<MountSpec>,
    /// Initial working directory (guest path); empty means `/`.
    pub cwd: Vec<u8>,
}

/// One `flock` holder: the open file description and whether exclusive.
type Holder = (Weak<OpenFile>, bool);

/// The emulator-wide file-system state, shared by all processes.
pub struct FsKernel {
    /// The mount table.
    pub vfs: Vfs,
    /// The time file systems stamp (see the module doc).
    pub clock: Rc<Cell<Timespec>>,
    stdio: Rc<StdioFs>,
    /// `/dev`'s file system and the inodes of `random`/`urandom`, if mounted.
    devfs: Option<(Rc<DevFs>, [Ino; 2])>,
    /// `flock` holders per inode (mount, inode).
    locks: RefCell<HashMap<(MountId, Ino), Vec<Holder>>>,
    /// Every pipe.
    pipes: Rc<PipeFs>,
    /// The pipe of each named FIFO inode (mount, inode) while it is open.
    fifos: RefCell<HashMap<(MountId, Ino), u64>>,
    /// What `/proc` shows: the kernel records processes and the caller here.
    pub procfs: Rc<ProcState>,
    /// Every terminal, and the devpts file system on `/dev/pts`.
    pts: Rc<PtsFs>,
}

/// Whether `fs` is the very file system `target` (data pointer identity).
fn same_fs<T: FileSystem>(fs: &Rc<dyn FileSystem>, target: &Rc<T>) -> bool {
    std::ptr::eq(Rc::as_ptr(fs) as *const u8, Rc::as_ptr(target) as *const u8)
}

impl FsKernel {
    /// The host descriptor behind `file`, if it is a host stream.
    pub fn host_fd(&self, file: &OpenFile) -> Option<i32> {
        self.stdio_vnode_fd(file.vnode())
    }

    /// The host descriptor whose inode `v` is, if it is a host stream's.
    pub fn stdio_vnode_fd(&self, v: &Vnode) -> Option<i32> {
        (same_fs(v.fs(), &self.stdio) && (2..=4).contains(&v.ino())).then(|| v.ino() as i32 - 2)
    }

    /// The host streams' file system (their kinds and terminal state).
    pub fn stdio(&self) -> &StdioFs {
        &self.stdio
    }

    /// The pipes' file system.
    pub fn pipes(&self) -> &Rc<PipeFs> {
        &self.pipes
    }

    /// The terminals (devpts, see [`crate::tty`]).
    pub fn pts(&self) -> &Rc<PtsFs> {
        &self.pts
    }

    /// Opening a named FIFO: `file` (as the VFS opened it) becomes a
    /// description of the FIFO's pipe, the read end for O_RDONLY and O_RDWR,
    /// the write end for O_WRONLY, with the same status flags. Opens do not
    /// wait for the other side; the first read waits for a writer instead
    /// (see [`PipeFs`]). Writing through an O_RDWR descriptor of a FIFO is
    /// EBADF (a description holds one end).
    pub fn open_fifo(&self, file: OpenFile) -> OpenFile {
        let v = file.vnode();
        let key = (v.mnt(), v.ino());
        let old = self.fifos.borrow().get(&key).copied();
        let id = self.pipes.fifo(old);
        self.fifos.borrow_mut().insert(key, id);
        let flags = file.flags();
        let write_only = flags & O_ACCMODE == O_WRONLY;
        let ino = 2 * id + 2 + write_only as u64;
        let fs: Rc<dyn FileSystem> = self.pipes.clone();
        let end = Vnode::new(NO_MOUNT, crate::syscall::fs_pipe::PIPE_DEV, fs, ino);
        OpenFile::new(end, FileType::Fifo, flags)
    }

    /// The pipe-end inode behind `file`, if it is a pipe.
    pub fn pipe_ino(&self, file: &OpenFile) -> Option<Ino> {
        let v = file.vnode();
        same_fs(v.fs(), &self.pipes).then(|| v.ino())
    }

    /// Whether `file` is `/dev/random` or `/dev/urandom` (read from the host).
    pub fn is_random(&self, file: &OpenFile) -> bool {
        let v = file.vnode();
        matches!(&self.devfs, Some((d, inos)) if same_fs(v.fs(), d) && inos.contains(&v.ino()))
    }

    /// `flock(2)` on `file`: `op` is LOCK_SH (1), LOCK_EX (2) or LOCK_UN (8).
    /// A conflicting lock held through another open file description is
    /// EAGAIN: with no other process able to release it yet, waiting would
    /// never end, so blocking requests fail like `LOCK_NB` ones.
    pub fn flock(&self, file: &Rc<OpenFile>, op: u32) -> Result<(), Errno> {
        let key = (file.vnode().mnt(), file.vnode().ino());
        let mut locks = self.locks.borrow_mut();
        let holders = locks.entry(key).or_default();
        let me = Rc::downgrade(file);
        holders.retain(|(w, _)| w.strong_count() > 0 && !w.ptr_eq(&me));
        let excl = match op {
            8 => {
                if holders.is_empty() {
                    locks.remove(&key);
                }
                return Ok(());
            }
            1 => false,
            2 => true,
            _ => return Err(Errno::EINVAL),
        };
        if holders.iter().any(|(_, e)| *e || excl) {
            return Err(Errno::EAGAIN);
        }
        holders.push((me, excl));
        Ok(())
    }
}

/// A process's file-system context. `Clone` is [`FsCtx::clone_for_fork`].
#[derive(Clone)]
pub struct FsCtx {
    /// The shared tree.
    pub kernel: Rc<FsKernel>,
    /// The process's root (`chroot`).
    pub root: Vnode,
    /// The working directory.
    pub cwd: Vnode,
    /// File-system credentials.
    pub cred: Cred,
    /// The descriptor table.
    pub fds: FdTable,
}

fn dir_node(perm: u32) -> NewNode {
    NewNode {
        mode: mode::S_IFDIR | perm,
        uid: 0,
        gid: 0,
        rdev: 0,
    }
}

fn file_node(perm: u32) -> NewNode {
    NewNode {
        mode: mode::S_IFREG | perm,
        ..dir_node(0)
    }
}

/// A memfs stamped by `clock`. In the wasm build its file data is capped
/// at [`WASM_MEMFS_BYTES`] (ENOSPC past it, as a full tmpfs), so that files
/// the guest writes cannot exhaust the instance's 4 GiB heap beside the
/// guest memory cap (`vm::WASM_MAX_MEMORY`).
fn memfs(clock: &Rc<Cell<Timespec>>) -> Rc<MemFs> {
    let c = clock.clone();
    let fs = Rc::new(MemFs::new(Box::new(move || c.get())));
    if cfg!(target_arch = "wasm32") {
        fs.set_limits(WASM_MEMFS_BYTES, u64::MAX);
    }
    fs
}

/// Most file data one in-memory file system holds in the wasm build.
pub const WASM_MEMFS_BYTES: u64 = 1 << 30;

/// The default root: a memfs with `/tmp`, `/dev`, `/proc`, `/etc`, `/root`.
fn default_root(clock: &Rc<Cell<Timespec>>) -> VfsResult<Rc<MemFs>> {
    let fs = memfs(clock);
    let root = fs.root();
    for (name, perm) in [
        (&b"dev"[..], 0o755),
        (b"etc", 0o755),
        (b"proc", 0o555),
        (b"root", 0o700),
        (b"tmp", 0o1777),
    ] {
        fs.mkdir(root, name, &dir_node(perm))?;
    }
    let etc = fs.lookup(root, b"etc")?;
    let uid = GUEST_UID;
    let passwd = format!(
        "root:x:0:0:root:/root:/bin/sh\nuser:x:{uid}:{uid}:user:/tmp:/bin/sh\n\
         nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
    );
    let group = format!("root:x:0:\ntty:x:5:\nuser:x:{uid}:\nnogroup:x:65534:\n");
    for (name, body) in [
        (&b"passwd"[..], passwd.as_bytes()),
        (b"group", group.as_bytes()),
        (b"hostname", b"nanovm\n"),
    ] {
        let ino = fs.create(etc, name, &file_node(0o644))?;
        fs.write(ino, 0, body)?;
    }
    Ok(fs)
}

/// Copies directory `from` of `src` (the served root: a HostFs, or a JsFs under wasm) into
/// directory `dir` of `fs` (files, directories, symlinks; other kinds skipped), up to `budget`
/// bytes. It goes through the `FileSystem` trait, so it keeps the served root's confinement
/// and works the same in both builds.
fn copy_in(
    src: &dyn FileSystem,
    from: Ino,
    fs: &MemFs,
    dir: Ino,
    budget: &mut u64,
) -> VfsResult<()> {
    let mut ents = Vec::new();
    src.readdir(from, 0, &mut |e| {
        if e.name != b"." && e.name != b".." {
            ents.push((e.ino, e.name.to_vec()));
        }
        true
    })?;
    for (ino, name) in ents {
        let st = src.getattr(ino)?;
        let perm = st.mode & 0o7777;
        let node = NewNode {
            uid: GUEST_UID,
            gid: GUEST_UID,
            ..file_node(perm)
        };
        match st.mode & mode::S_IFMT {
            mode::S_IFDIR => {
                let dnode = NewNode {
                    mode: mode::S_IFDIR | perm,
                    ..node
                };
                let sub = fs.mkdir(dir, &name, &dnode)?;
                copy_in(src, ino, fs, sub, budget)?;
            }
            mode::S_IFLNK => {
                fs.symlink(dir, &name, &src.readlink(ino)?, &node)?;
            }
            mode::S_IFREG => {
                if st.size > *budget {
                    return Err(Errno::ENOSPC);
                }
                *budget -= st.size;
                let to = fs.create(dir, &name, &node)?;
                src.grab(ino);
                let copied = copy_data(src, ino, fs, to);
                src.put(ino);
                copied?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Copies regular file `ino` of `src` into file `to` of `fs`.
fn copy_data(src: &dyn FileSystem, ino: Ino, fs: &MemFs, to: Ino) -> VfsResult<()> {
    src.open(ino, O_RDONLY)?;
    let mut buf = vec![0u8; 64 << 10];
    let mut off = 0u64;
    loop {
        match src.read(ino, off, &mut buf)? {
            0 => return Ok(()),
            n => {
                fs.write(to, off, &buf[..n])?;
                off += n as u64;
            }
        }
    }
}

impl FsCtx {
    /// The default tree (see the module doc) with the standard descriptors,
    /// as the unprivileged guest user, in `/`.
    pub fn new_default() -> FsCtx {
        Self::build(&FsConfig::default()).expect("the default tree always builds")
    }

    /// Builds the tree `cfg` describes. Errors are one-line messages
    /// (`--root /x: No such file or directory`).
    pub fn build(cfg: &FsConfig) -> Result<FsCtx, String> {
        let clock = Rc::new(Cell::new(Timespec::default()));
        // The tree made now gets the host's time (wasm has no clock here:
        // epoch until the first modifying call).
        #[cfg(not(target_arch = "wasm32"))]
        if let Ok(d) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            clock.set(Timespec::new(d.as_secs() as i64, d.subsec_nanos()));
        }
        let msg = |what: &str, e: Errno| format!("{what}: {}", e.message());
        let (mut vfs, tmp_src) = match &cfg.root {
            None => {
                let fs = default_root(&clock).map_err(|e| msg("building /", e))?;
                (Vfs::new(fs), None)
            }
            Some(dir) => {
                let shown = format!("--root {}", dir.display());
                let fs = host_fs(dir, true).map_err(|e| msg(&shown, e))?;
                let mut vfs = Vfs::new(fs);
                let ro = MountFlags {
                    read_only: true,
                    ..MountFlags::default()
                };
                vfs.remount(MountId(0), ro).map_err(|e| msg(&shown, e))?;
                (vfs, Some(dir.join("tmp")))
            }
        };
        let root = vfs.root();
        let cred0 = Cred::root();
        let lookup = |vfs: &Vfs, path: &[u8]| {
            let ctx = PathCtx {
                root: &root,
                cred: &cred0,
            };
            vfs.lookup(&ctx, &root, path, true)
                .ok()
                .filter(|v| v.stat().is_ok_and(|s| s.is_dir()))
        };
        // /tmp: for --root, a memory copy of DIR/tmp.
        if let (Some(src), Some(at)) = (&tmp_src, lookup(&vfs, b"/tmp")) {
            let fs = memfs(&clock);
            let perm = SetAttr {
                mode: Some(0o1777),
                ..SetAttr::default()
            };
            fs.setattr(fs.root(), &perm).map_err(|e| msg("/tmp", e))?;
            copy_in(
                &**at.fs(),
                at.ino(),
                &fs,
                fs.root(),
                &mut TMP_COPY_LIMIT.clone(),
            )
            .map_err(|e| msg(&format!("copying {}", src.display()), e))?;
            vfs.mount(&at, fs, MountFlags::default())
                .map_err(|e| msg("/tmp", e))?;
        }
        let mut devfs = None;
        let pts = Rc::new(PtsFs::new(GUEST_UID, clock.clone()));
        if let Some(at) = lookup(&vfs, b"/dev") {
            let c = clock.clone();
            let dev = Rc::new(DevFs::new(
                // Never called: the syscall layer reads random devices from the host.
                Box::new(|buf: &mut [u8]| buf.fill(0)),
                Box::new(move || c.get()),
            ));
            let id = mount_devfs(&mut vfs, &at, dev.clone(), memfs(&clock))
                .map_err(|e| msg("/dev", e))?;
            let droot = vfs.mount_root(id).map_err(|e| msg("/dev", e))?;
            // /dev/pts: devpts; /dev/tty is served by the syscall layer.
            let at = droot.with_ino(
                dev.lookup(droot.ino(), b"pts")
                    .map_err(|e| msg("/dev", e))?,
            );
            let pid = vfs
                .mount(&at, pts.clone(), MountFlags::default())
                .map_err(|e| msg("/dev/pts", e))?;
            let proot = vfs.mount_root(pid).map_err(|e| msg("/dev/pts", e))?;
            pts.set_mount(pid, proot.dev());
            dev.serve_tty_elsewhere();
            let ino = |n: &[u8]| dev.lookup(droot.ino(), n).unwrap_or(0);
            devfs = Some((dev.clone(), [ino(b"random"), ino(b"urandom")]));
        }
        let procfs = Rc::new(ProcState::default());
        if let Some(at) = lookup(&vfs, b"/proc") {
            let c = clock.clone();
            let fs = Rc::new(ProcFs::new(procfs.clone(), Box::new(move || c.get())));
            vfs.mount(&at, fs, MountFlags::default())
                .map_err(|e| msg("/proc", e))?;
        }
        for m in &cfg.mounts {
            let shown = format!("--mount {}", m.host.display());
            let fs = host_fs(&m.host, m.read_only).map_err(|e| msg(&shown, e))?;
            let at = match lookup(&vfs, &m.guest) {
                Some(at) => at,
                None => make_dirs(&vfs, &root, &m.guest).map_err(|e| {
                    msg(
                        &format!("--mount: {}", String::from_utf8_lossy(&m.guest)),
                        e,
                    )
                })?,
            };
            let flags = MountFlags {
                read_only: m.read_only,
                ..MountFlags::default()
            };
            vfs.mount(&at, fs, flags).map_err(|e| msg(&shown, e))?;
        }
        let stdio = Rc::new(StdioFs::new(GUEST_UID, clock.clone()));
        let kernel = Rc::new(FsKernel {
            vfs,
            clock: clock.clone(),
            stdio: stdio.clone(),
            devfs,
            locks: RefCell::new(HashMap::new()),
            pipes: Rc::new(PipeFs::new(GUEST_UID, clock.clone())),
            fifos: RefCell::new(HashMap::new()),
            procfs,
            pts,
        });
        crate::procview::install_host(&kernel);
        let mut fds = FdTable::new();
        let sfs: Rc<dyn FileSystem> = stdio;
        for fd in 0..3u64 {
            let v = Vnode::new(NO_MOUNT, STDIO_DEV, sfs.clone(), fd + 2);
            let acc = if fd == 0 { O_RDONLY } else { O_WRONLY };
            let f = OpenFile::new(v, FileType::CharDevice, acc | O_LARGEFILE);
            fds.alloc(Rc::new(f), false).map_err(|e| msg("stdio", e))?;
        }
        let root = kernel.vfs.root();
        let mut ctx = FsCtx {
            cwd: root.clone(),
            root,
            kernel,
            cred: Cred::user(GUEST_UID, GUEST_UID),
            fds,
        };
        if !cfg.cwd.is_empty() {
            let shown = format!("--cwd {}", String::from_utf8_lossy(&cfg.cwd));
            let v = ctx
                .kernel
                .vfs
                .chdir(&ctx.path_ctx(), &ctx.cwd, &cfg.cwd)
                .map_err(|e| msg(&shown, e))?;
            ctx.cwd = v;
        }
        Ok(ctx)
    }

    /// The path-resolution context (root and credentials).
    pub fn path_ctx(&self) -> PathCtx<'_> {
        PathCtx {
            root: &self.root,
            cred: &self.cred,
        }
    }

    /// The context a forked child starts with: same tree, same open file
    /// descriptions (offsets and status flags shared, as on Linux), its own
    /// copy of the descriptor table, cwd, root and credentials.
    pub fn clone_for_fork(&self) -> FsCtx {
        self.clone()
    }

    /// At a successful `execve`: close the close-on-exec descriptors.
    pub fn exec(&mut self) {
        self.fds.exec();
    }

    /// The absolute guest path `/proc/<pid>/exe` shows for a program run
    /// as `path`: symlinks at the end are followed (so an exec of
    /// `/proc/self/exe` keeps naming the real program), relative paths are
    /// taken from the cwd, `.`/`..` are removed lexically.
    pub fn exe_path(&self, path: &[u8]) -> Vec<u8> {
        let ctx = self.path_ctx();
        let vfs = &self.kernel.vfs;
        let mut p = path.to_vec();
        for _ in 0..MAX_SYMLINKS {
            let Ok(t) = vfs.readlink(&ctx, &self.cwd, &p) else {
                break;
            };
            p = if t.starts_with(b"/") {
                t
            } else {
                let dir = p.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
                [&p[..dir], &t[..]].concat()
            };
        }
        if !p.starts_with(b"/") {
            let cwd = vfs
                .path_of(&ctx, &self.cwd)
                .unwrap_or_else(|_| b"/".to_vec());
            p = [&cwd[..], b"/", &p[..]].concat();
        }
        let mut out: Vec<&[u8]> = Vec::new();
        for c in p.split(|&b| b == b'/') {
            match c {
                b"" | b"." => {}
                b".." => {
                    out.pop();
                }
                c => out.push(c),
            }
        }
        out.iter()
            .flat_map(|c| [&b"/"[..], c])
            .flatten()
            .copied()
            .collect()
    }

    /// Without `--root`, the program the host runs is not in the guest's
    /// tree, so `/proc/self/exe` would name a file the guest cannot see
    /// (`realpath` of it fails) and re-executing itself by path would need
    /// the host. This puts a copy (mode 0755, owned by root) at its
    /// absolute guest path `path` in the in-memory root, creating the
    /// directories, unless something is there already or the path leads
    /// out of the memfs (into `/dev`, `/proc` or a `--mount`). Programs
    /// larger than 64 MiB are left out (use `--root` or `--mount`).
    pub fn add_program(&self, path: &[u8], bytes: &[u8]) {
        const MAX: usize = 64 << 20;
        let root = self.kernel.vfs.root();
        if bytes.len() > MAX || root.fs().name() != "memfs" || !path.starts_with(b"/") {
            return;
        }
        let comps: Vec<&[u8]> = path
            .split(|&b| b == b'/')
            .filter(|c| !c.is_empty())
            .collect();
        let Some((name, dirs)) = comps.split_last() else {
            return;
        };
        let fs = root.fs().clone();
        let mut dir = root;
        for c in dirs {
            let next = match fs.lookup(dir.ino(), c) {
                Ok(ino) => dir.with_ino(ino),
                Err(Errno::ENOENT) => match fs.mkdir(dir.ino(), c, &dir_node(0o755)) {
                    Ok(ino) => dir.with_ino(ino),
                    Err(_) => return,
                },
                Err(_) => return,
            };
            // Stop at mount points and anything that is not a plain directory.
            if self.kernel.vfs.mounted_on(&next).is_some() || !next.stat().is_ok_and(|s| s.is_dir())
            {
                return;
            }
            dir = next;
        }
        if fs.lookup(dir.ino(), name).is_ok() {
            return;
        }
        if let Ok(ino) = fs.create(dir.ino(), name, &file_node(0o755)) {
            let _ = fs.write(ino, 0, bytes);
        }
    }

    /// `execve`'s file access: resolves `path` (from the cwd), checks it is
    /// a regular file the caller may execute on a mount that allows exec
    /// (EACCES), and returns its whole contents (the loader needs them).
    pub fn open_exec(&mut self, path: &[u8]) -> Result<Vec<u8>, Errno> {
        let f = self
            .kernel
            .vfs
            .open_exec(&self.path_ctx(), &self.cwd, path)?;
        let size = f.stat()?.size;
        if size > MAX_EXEC_SIZE {
            return Err(Errno::ENOMEM);
        }
        let mut data = vec![0u8; size as usize];
        let mut done = 0;
        while done < data.len() {
            match f.pread(&mut data[done..], done as u64)? {
                0 => break,
                n => done += n,
            }
        }
        data.truncate(done);
        Ok(data)
    }
}

/// A HostFs of `dir`, owned (as the guest sees it) by the guest user.
#[cfg(not(target_arch = "wasm32"))]
fn host_fs(dir: &std::path::Path, read_only: bool) -> VfsResult<Rc<dyn FileSystem>> {
    let fs = crate::vfs::hostfs::HostFs::new(dir, read_only, (GUEST_UID, GUEST_UID))?;
    Ok(Rc::new(fs))
}

/// Under wasm, a JsFs of `dir`: the JS host's file functions (see `vfs::jsfs`).
#[cfg(target_arch = "wasm32")]
fn host_fs(dir: &std::path::Path, read_only: bool) -> VfsResult<Rc<dyn FileSystem>> {
    let path = dir.to_string_lossy();
    let fs = crate::vfs::jsfs::JsFs::new(path.as_bytes(), read_only, (GUEST_UID, GUEST_UID))?;
    Ok(Rc::new(fs))
}

/// `mkdir -p` of the absolute guest path `path` as root; returns the directory.
fn make_dirs(vfs: &Vfs, root: &Vnode, path: &[u8]) -> VfsResult<Vnode> {
    let cred = Cred::root();
    let ctx = PathCtx { root, cred: &cred };
    let mut cur = root.clone();
    for comp in path.split(|&b| b == b'/').filter(|c| !c.is_empty()) {
        cur = match vfs.lookup(&ctx, &cur, comp, true) {
            Ok(v) => v,
            Err(Errno::ENOENT) => {
                vfs.mkdir(&ctx, &cur, comp, 0o755)?;
                vfs.lookup(&ctx, &cur, comp, true)?
            }
            Err(e) => return Err(e),
        };
    }
    Ok(cur)
}

#[cfg(test)]
#[path = "fsctx_tests.rs"]
mod tests;
