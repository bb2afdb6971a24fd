//! The text of `/proc` files, in Linux's exact formats (fs/proc/array.c,
//! task_mmu.c, fd.c), rendered from plain data ([`ProcData`],
//! [`ProcInfo`], [`MapLine`]) so each format is tested on its own.

use super::file::OpenFile;
use super::procfs_state::*;
use std::fmt::Write;

/// `/proc/<pid>/maps`: `start-end perms offset major:minor inode`, then
/// for a named mapping spaces up to column 73 and the name (Linux's
/// `show_map_vma`: `seq_setwidth(25 + 6 * sizeof(void *) - 1)`, then
/// `seq_pad`). An anonymous line ends with the inode and one space.
pub fn maps(lines: &[MapLine]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        let start = out.len();
        let head = format!(
            "{:08x}-{:08x} {} {:08x} {:02x}:{:02x} {} ",
            l.start,
            l.end,
            String::from_utf8_lossy(&l.perms),
            l.offset,
            major(l.dev),
            minor(l.dev),
            l.ino
        );
        out.extend_from_slice(head.as_bytes());
        if !l.name.is_empty() {
            let width = 25 + 6 * 8 - 1;
            while out.len() - start < width {
                out.push(b' ');
            }
            out.push(b' ');
            out.extend_from_slice(&l.name);
        }
        out.push(b'\n');
    }
    out
}

/// The major number of a device (Linux's `MAJOR` of a `new_encode_dev`).
pub fn major(dev: u64) -> u64 {
    ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff)
}

/// The minor number of a device.
pub fn minor(dev: u64) -> u64 {
    (dev & 0xff) | ((dev >> 12) & !0xff)
}

fn state_name(s: u8) -> &'static str {
    match s {
        b'S' => "S (sleeping)",
        b'T' => "T (stopped)",
        b'Z' => "Z (zombie)",
        _ => "R (running)",
    }
}

/// The state letter of a process: its leader's (stopped wins).
fn proc_state(d: &ProcData, tid: Option<i32>) -> u8 {
    if d.stopped {
        return b'T';
    }
    let t = match tid {
        Some(tid) => d.threads.iter().find(|t| t.tid == tid),
        None => d.threads.first(),
    };
    t.map_or(b'R', |t| t.state)
}

/// `/proc/<pid>/status` (`tid`: `/proc/<pid>/task/<tid>/status`), as
/// Linux 6.1 prints it for an unprivileged process on one CPU.
pub fn status(pid: i32, tid: Option<i32>, d: &ProcData) -> Vec<u8> {
    let me = tid.unwrap_or(pid);
    let th = d.threads.iter().find(|t| t.tid == me);
    let (blocked, pending) = th.map_or((0, 0), |t| (t.blocked, t.pending));
    let (u, g) = (d.uid, d.gid);
    let mut s = String::new();
    let _ = write!(
        s,
        "Name:\t{}\nUmask:\t{:04o}\nState:\t{}\nTgid:\t{pid}\nNgid:\t0\nPid:\t{me}\n\
         PPid:\t{}\nTracerPid:\t0\nUid:\t{u}\t{u}\t{u}\t{u}\nGid:\t{g}\t{g}\t{g}\t{g}\n\
         FDSize:\t{}\nGroups:\t \nNStgid:\t{pid}\nNSpid:\t{me}\nNSpgid:\t{}\nNSsid:\t{}\n",
        String::from_utf8_lossy(&d.comm),
        d.umask,
        state_name(proc_state(d, tid)),
        d.ppid,
        d.fd_size,
        d.pgid,
        d.sid
    );
    let v = &d.vm;
    let kb = [
        ("VmPeak", v.peak),
        ("VmSize", v.size),
        ("VmLck", 0),
        ("VmPin", 0),
        ("VmHWM", v.rss),
        ("VmRSS", v.rss),
        ("RssAnon", v.rss),
        ("RssFile", 0),
        ("RssShmem", 0),
        ("VmData", v.data),
        ("VmStk", v.stack),
        ("VmExe", v.exe),
        ("VmLib", v.lib),
        ("VmPTE", 0),
        ("VmSwap", 0),
    ];
    for (name, n) in kb {
        let _ = writeln!(s, "{name}:\t{n:8} kB");
    }
    let _ = write!(
        s,
        "HugetlbPages:\t{:8} kB\nCoreDumping:\t0\nTHP_enabled:\t1\nThreads:\t{}\n\
         SigQ:\t{}/{}\nSigPnd:\t{pending:016x}\nShdPnd:\t{:016x}\nSigBlk:\t{blocked:016x}\n\
         SigIgn:\t{:016x}\nSigCgt:\t{:016x}\n",
        0,
        d.threads.len().max(1),
        d.sigq.0,
        d.sigq.1,
        d.shared_pending,
        d.ignored,
        d.caught
    );
    s.push_str(
        "CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n\
         CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t0\n\
         Seccomp_filters:\t0\nSpeculation_Store_Bypass:\tunknown\n\
         SpeculationIndirectBranch:\tunknown\nCpus_allowed:\t1\nCpus_allowed_list:\t0\n\
         Mems_allowed:\t1\nMems_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\n\
         nonvoluntary_ctxt_switches:\t0\n",
    );
    s.into_bytes()
}

/// Clock ticks (`USER_HZ` = 100) in `ns` nanoseconds.
fn ticks(ns: u64) -> u64 {
    ns / 10_000_000
}

/// `/proc/<pid>/stat` (`tid`: of one thread): the 52 fields of
/// `do_task_stat`. CPU time is the instructions retired at 1 ns each.
pub fn stat(pid: i32, tid: Option<i32>, d: &ProcData) -> Vec<u8> {
    let me = tid.unwrap_or(pid);
    let th = d.threads.iter().find(|t| t.tid == me);
    let blocked = th.map_or(0, |t| t.blocked);
    let pending = th.map_or(0, |t| t.pending) | d.shared_pending;
    let utime = match tid {
        Some(_) => th.map_or(0, |t| t.instret),
        None => d.threads.iter().map(|t| t.instret).sum(),
    };
    let comm = String::from_utf8_lossy(&d.comm);
    let state = proc_state(d, tid) as char;
    let (arg_start, arg_end) = (0, 0);
    let s = format!(
        "{me} ({comm}) {state} {} {} {} 0 -1 4194304 0 0 0 0 {} 0 0 0 20 0 {} 0 0 {} {} \
         18446744073709551615 0 0 {} 0 0 {pending} {blocked} {} {} 0 0 0 17 0 0 0 0 0 0 \
         0 0 {} {arg_start} {arg_end} 0 0 0\n",
        d.ppid,
        d.pgid,
        d.sid,
        ticks(utime),
        d.threads.len().max(1),
        d.vm.size * 1024,
        d.vm.rss / 4,
        d.stack_start,
        d.ignored,
        d.caught,
        d.brk.0,
    );
    s.into_bytes()
}

/// `/proc/<pid>/statm`: sizes in pages (size resident shared text lib
/// data dt).
pub fn statm(d: &ProcData) -> Vec<u8> {
    let v = &d.vm;
    format!(
        "{} {} 0 {} 0 {} 0\n",
        v.size / 4,
        v.rss / 4,
        v.exe / 4,
        (v.data + v.stack) / 4
    )
    .into_bytes()
}

/// `/proc/<pid>/fdinfo/<fd>`: position, flags (octal, with `O_CLOEXEC`
/// for a close-on-exec descriptor), mount id and inode.
pub fn fdinfo(file: &OpenFile, cloexec: bool) -> Vec<u8> {
    let mut flags = file.flags();
    if cloexec {
        flags |= super::file::flags::O_CLOEXEC;
    }
    let ino = file.stat().map_or(0, |s| s.ino);
    format!(
        "pos:\t{}\nflags:\t0{:o}\nmnt_id:\t{}\nino:\t{}\n",
        file.offset(),
        flags,
        file.vnode()
            .mnt()
            .0
            .wrapping_add(super::procfs::MOUNT_ID_BASE),
        ino
    )
    .into_bytes()
}

/// `/proc/<pid>/comm`.
pub fn comm(name: &[u8]) -> Vec<u8> {
    let mut c = name.to_vec();
    c.push(b'\n');
    c
}
