//! The syscall table: number → name, handler, support level, and how
//! `--strace` shows the arguments and result. Numbers are riscv64's
//! (asm-generic). Anything not listed is `ENOSYS`.

use super::strace::Arg::{self, *};
use super::strace::Ret;
use super::{
    cred, exec, fs, fs_fd, fs_ioctl, fs_path, fs_pipe, fs_poll, fs_stat, futex, mm, prio, process,
    random, signal, thread, time, wait, Handler,
};

/// How completely a call is implemented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Linux semantics.
    Full,
    /// Real semantics within today's limits (one thread, no signal
    /// delivery, no cross-process locks); see the handler's docs.
    Partial,
    /// Deliberately `ENOSYS` (the C library has a fallback).
    NoSys,
}

/// One table row.
#[derive(Debug, Clone, Copy)]
pub struct Syscall {
    /// Syscall number (`a7`).
    pub nr: u64,
    /// Name as strace shows it.
    pub name: &'static str,
    /// Implementation.
    pub handler: Handler,
    /// Support level.
    pub level: Level,
    /// Argument formats for `--strace` (also the argument count).
    pub args: &'static [Arg],
    /// Result format for `--strace`.
    pub ret: Ret,
}

macro_rules! syscalls {
    ($($nr:literal, $konst:ident, $name:literal, $handler:path, $level:ident, [$($arg:expr),*], $ret:ident;)*) => {
        /// Syscall numbers by name.
        pub mod nr {
            $(
                #[doc = $name]
                pub const $konst: u64 = $nr;
            )*
        }

        /// The table, sorted by number.
        pub static TABLE: &[Syscall] = &[
            $(Syscall { nr: $nr, name: $name, handler: $handler, level: Level::$level, args: &[$($arg),*], ret: Ret::$ret },)*
        ];
    };
}

syscalls! {
//  nr  constant            name                  handler                     level    strace arguments    returns
   17, GETCWD,             "getcwd",             fs_path::getcwd,            Full,    [P, U],             Dec;
   23, DUP,                "dup",                fs_fd::dup,                 Full,    [I],                Dec;
   24, DUP3,               "dup3",               fs_fd::dup3,                Full,    [I, I, X],          Dec;
   25, FCNTL,              "fcntl",              fs_fd::fcntl,               Partial, [I, I, X],          Dec;
   29, IOCTL,              "ioctl",              fs_ioctl::ioctl,            Partial, [I, X, P],          Dec;
   32, FLOCK,              "flock",              fs_fd::flock,               Partial, [I, X],             Dec;
   33, MKNODAT,            "mknodat",            fs_path::mknodat,           Full,    [Dir, S, X, X],     Dec;
   34, MKDIRAT,            "mkdirat",            fs_path::mkdirat,           Full,    [Dir, S, X],        Dec;
   35, UNLINKAT,           "unlinkat",           fs_path::unlinkat,          Full,    [Dir, S, X],        Dec;
   36, SYMLINKAT,          "symlinkat",          fs_path::symlinkat,         Full,    [S, Dir, S],        Dec;
   37, LINKAT,             "linkat",             fs_path::linkat,            Full,    [Dir, S, Dir, S, X], Dec;
   43, STATFS,             "statfs",             fs_stat::statfs,            Full,    [S, P],             Dec;
   44, FSTATFS,            "fstatfs",            fs_stat::fstatfs,           Full,    [I, P],             Dec;
   45, TRUNCATE,           "truncate",           fs_path::truncate,          Full,    [S, I],             Dec;
   46, FTRUNCATE,          "ftruncate",          mm::file::ftruncate,        Full,    [I, I],             Dec;
   47, FALLOCATE,          "fallocate",          fs_fd::fallocate,           Partial, [I, X, I, I],       Dec;
   48, FACCESSAT,          "faccessat",          fs_path::faccessat,         Full,    [Dir, S, X],        Dec;
   49, CHDIR,              "chdir",              fs_path::chdir,             Full,    [S],                Dec;
   50, FCHDIR,             "fchdir",             fs_path::fchdir,            Full,    [I],                Dec;
   51, CHROOT,             "chroot",             fs_path::chroot,            Full,    [S],                Dec;
   52, FCHMOD,             "fchmod",             fs_path::fchmod,            Full,    [I, X],             Dec;
   53, FCHMODAT,           "fchmodat",           fs_path::fchmodat,          Full,    [Dir, S, X],        Dec;
   54, FCHOWNAT,           "fchownat",           fs_path::fchownat,          Full,    [Dir, S, I, I, X],  Dec;
   55, FCHOWN,             "fchown",             fs_path::fchown,            Full,    [I, I, I],          Dec;
   56, OPENAT,             "openat",             fs_path::openat,            Full,    [Dir, S, X, X],     Dec;
   57, CLOSE,              "close",              fs_fd::close,               Full,    [I],                Dec;
   59, PIPE2,              "pipe2",              fs_pipe::pipe2,             Partial, [P, X],             Dec;
   61, GETDENTS64,         "getdents64",         fs_stat::getdents64,        Full,    [I, P, U],          Dec;
   62, LSEEK,              "lseek",              fs::lseek,                  Full,    [I, I, I],          Dec;
   63, READ,               "read",               fs::read,                   Full,    [I, Out, U],        Dec;
   64, WRITE,              "write",              mm::file::write,            Full,    [I, In(2), U],      Dec;
   65, READV,              "readv",              fs::readv,                  Full,    [I, P, U],          Dec;
   66, WRITEV,             "writev",             fs::writev,                 Full,    [I, P, U],          Dec;
   67, PREAD64,            "pread64",            fs::pread64,                Full,    [I, Out, U, I],     Dec;
   68, PWRITE64,           "pwrite64",           mm::file::pwrite64,         Full,    [I, In(2), U, I],   Dec;
   69, PREADV,             "preadv",             fs::preadv,                 Full,    [I, P, U, I],       Dec;
   70, PWRITEV,            "pwritev",            fs::pwritev,                Full,    [I, P, U, I],       Dec;
   71, SENDFILE,           "sendfile",           fs::sendfile,               Full,    [I, I, P, U],       Dec;
   72, PSELECT6,           "pselect6",           fs_poll::pselect6,          Partial, [I, P, P, P, P, P], Dec;
   73, PPOLL,              "ppoll",              fs_poll::ppoll,             Partial, [P, U, P, P, U],    Dec;
   78, READLINKAT,         "readlinkat",         fs_path::readlinkat,        Full,    [Dir, S, P, U],     Dec;
   79, NEWFSTATAT,         "newfstatat",         fs_stat::newfstatat,        Full,    [Dir, S, P, X],     Dec;
   80, FSTAT,              "fstat",              fs_stat::fstat,             Full,    [I, P],             Dec;
   81, SYNC,               "sync",               fs_fd::sync,                Full,    [],                 Dec;
   82, FSYNC,              "fsync",              fs_fd::fsync,               Full,    [I],                Dec;
   83, FDATASYNC,          "fdatasync",          fs_fd::fsync,               Full,    [I],                Dec;
   88, UTIMENSAT,          "utimensat",          fs_path::utimensat,         Full,    [Dir, S, P, X],     Dec;
   90, CAPGET,             "capget",             cred::capget,               Full,    [P, P],             Dec;
   91, CAPSET,             "capset",             cred::capset,               Full,    [P, P],             Dec;
   93, EXIT,               "exit",               thread::exit,               Full,    [I],                None;
   94, EXIT_GROUP,         "exit_group",         thread::exit_group,         Full,    [I],                None;
   95, WAITID,             "waitid",             wait::waitid,               Partial, [I, I, P, X, P],    Dec;
   96, SET_TID_ADDRESS,    "set_tid_address",    process::set_tid_address,   Full,    [P],                Dec;
   98, FUTEX,              "futex",              futex::futex,               Full,    [P, I, U, P],       Dec;
   99, SET_ROBUST_LIST,    "set_robust_list",    process::set_robust_list,   Full,    [P, U],             Dec;
  100, GET_ROBUST_LIST,    "get_robust_list",    process::get_robust_list,   Full,    [I, P, P],          Dec;
  101, NANOSLEEP,          "nanosleep",          time::nanosleep,            Partial, [P, P],             Dec;
  102, GETITIMER,          "getitimer",          crate::itimer::getitimer,   Full,    [I, P],             Dec;
  103, SETITIMER,          "setitimer",          crate::itimer::setitimer,   Full,    [I, P, P],          Dec;
  113, CLOCK_GETTIME,      "clock_gettime",      time::clock_gettime,        Full,    [I, P],             Dec;
  114, CLOCK_GETRES,       "clock_getres",       time::clock_getres,         Full,    [I, P],             Dec;
  115, CLOCK_NANOSLEEP,    "clock_nanosleep",    time::clock_nanosleep,      Partial, [I, I, P, P],       Dec;
  118, SCHED_SETPARAM,     "sched_setparam",     prio::sched_setparam,       Full,    [I, P],             Dec;
  119, SCHED_SETSCHEDULER, "sched_setscheduler", prio::sched_setscheduler,   Full,    [I, I, P],          Dec;
  120, SCHED_GETSCHEDULER, "sched_getscheduler", prio::sched_getscheduler,   Full,    [I],                Dec;
  121, SCHED_GETPARAM,     "sched_getparam",     prio::sched_getparam,       Full,    [I, P],             Dec;
  122, SCHED_SETAFFINITY,  "sched_setaffinity",  prio::sched_setaffinity,    Full,    [I, U, P],          Dec;
  123, SCHED_GETAFFINITY,  "sched_getaffinity",  prio::sched_getaffinity,    Full,    [I, U, P],          Dec;
  124, SCHED_YIELD,        "sched_yield",        process::sched_yield,       Full,    [],                 Dec;
  125, SCHED_GET_PRIORITY_MAX, "sched_get_priority_max", prio::sched_get_priority_max, Full, [I],            Dec;
  126, SCHED_GET_PRIORITY_MIN, "sched_get_priority_min", prio::sched_get_priority_min, Full, [I],            Dec;
  129, KILL,               "kill",               signal::kill,               Partial, [I, I],             Dec;
  130, TKILL,              "tkill",              signal::tkill,              Partial, [I, I],             Dec;
  131, TGKILL,             "tgkill",             signal::tgkill,             Partial, [I, I, I],          Dec;
  132, SIGALTSTACK,        "sigaltstack",        signal::sigaltstack,        Full,    [P, P],             Dec;
  133, RT_SIGSUSPEND,      "rt_sigsuspend",      signal::rt_sigsuspend,      Partial, [P, U],             Dec;
  134, RT_SIGACTION,       "rt_sigaction",       signal::rt_sigaction,       Full,    [I, P, P, U],       Dec;
  135, RT_SIGPROCMASK,     "rt_sigprocmask",     signal::rt_sigprocmask,     Full,    [I, P, P, U],       Dec;
  136, RT_SIGPENDING,      "rt_sigpending",      signal::rt_sigpending,      Full,    [P, U],             Dec;
  137, RT_SIGTIMEDWAIT,    "rt_sigtimedwait",    signal::rt_sigtimedwait,    Partial, [P, P, P, U],       Dec;
  138, RT_SIGQUEUEINFO,    "rt_sigqueueinfo",    signal::rt_sigqueueinfo,    Partial, [I, I, P],          Dec;
  139, RT_SIGRETURN,       "rt_sigreturn",       signal::rt_sigreturn,       Full,    [],                 Dec;
  140, SETPRIORITY,        "setpriority",        prio::setpriority,          Partial, [I, I, I],          Dec;
  141, GETPRIORITY,        "getpriority",        prio::getpriority,          Partial, [I, I],             Dec;
  143, SETREGID,           "setregid",           cred::setregid,             Full,    [I, I],             Dec;
  144, SETGID,             "setgid",             cred::setgid,               Full,    [I],                Dec;
  145, SETREUID,           "setreuid",           cred::setreuid,             Full,    [I, I],             Dec;
  146, SETUID,             "setuid",             cred::setuid,               Full,    [I],                Dec;
  147, SETRESUID,          "setresuid",          cred::setresuid,            Full,    [I, I, I],          Dec;
  148, GETRESUID,          "getresuid",          process::getresuid,         Full,    [P, P, P],          Dec;
  149, SETRESGID,          "setresgid",          cred::setresgid,            Full,    [I, I, I],          Dec;
  150, GETRESGID,          "getresgid",          process::getresgid,         Full,    [P, P, P],          Dec;
  151, SETFSUID,           "setfsuid",           cred::setfsuid,             Full,    [I],                Dec;
  152, SETFSGID,           "setfsgid",           cred::setfsgid,             Full,    [I],                Dec;
  153, TIMES,              "times",              time::times,                Full,    [P],                Dec;
  154, SETPGID,            "setpgid",            process::setpgid,           Full,    [I, I],             Dec;
  155, GETPGID,            "getpgid",            process::getpgid,           Full,    [I],                Dec;
  156, GETSID,             "getsid",             process::getsid,            Full,    [I],                Dec;
  157, SETSID,             "setsid",             process::setsid,            Full,    [],                 Dec;
  158, GETGROUPS,          "getgroups",          process::getgroups,         Full,    [I, P],             Dec;
  159, SETGROUPS,          "setgroups",          cred::setgroups,            Full,    [I, P],             Dec;
  160, UNAME,              "uname",              process::uname,             Full,    [P],                Dec;
  161, SETHOSTNAME,        "sethostname",        cred::set_uts_name,         Full,    [S, U],             Dec;
  162, SETDOMAINNAME,      "setdomainname",      cred::set_uts_name,         Full,    [S, U],             Dec;
  163, GETRLIMIT,          "getrlimit",          process::getrlimit,         Full,    [I, P],             Dec;
  164, SETRLIMIT,          "setrlimit",          process::setrlimit,         Full,    [I, P],             Dec;
  165, GETRUSAGE,          "getrusage",          process::getrusage,         Partial, [I, P],             Dec;
  166, UMASK,              "umask",              fs_path::umask,             Full,    [X],                Dec;
  167, PRCTL,              "prctl",              process::prctl,             Partial, [I, X, X, X, X],    Dec;
  168, GETCPU,             "getcpu",             prio::getcpu,               Full,    [P, P, P],          Dec;
  169, GETTIMEOFDAY,       "gettimeofday",       time::gettimeofday,         Full,    [P, P],             Dec;
  172, GETPID,             "getpid",             process::getpid,            Full,    [],                 Dec;
  173, GETPPID,            "getppid",            process::getppid,           Full,    [],                 Dec;
  174, GETUID,             "getuid",             process::getuid,            Full,    [],                 Dec;
  175, GETEUID,            "geteuid",            process::getuid,            Full,    [],                 Dec;
  176, GETGID,             "getgid",             process::getgid,            Full,    [],                 Dec;
  177, GETEGID,            "getegid",            process::getgid,            Full,    [],                 Dec;
  178, GETTID,             "gettid",             process::gettid,            Full,    [],                 Dec;
  179, SYSINFO,            "sysinfo",            process::sysinfo,           Partial, [P],                Dec;
  214, BRK,                "brk",                mm::brk,                    Full,    [P],                Hex;
  215, MUNMAP,             "munmap",             mm::munmap,                 Full,    [P, U],             Dec;
  216, MREMAP,             "mremap",             mm::mremap,                 Partial, [P, U, U, X, P],    Hex;
  220, CLONE,              "clone",              thread::clone,              Full,    [X, P, P, P, P],    Dec;
  221, EXECVE,             "execve",             exec::execve,               Partial, [S, P, P],          Dec;
  222, MMAP,               "mmap",               mm::mmap,                   Partial, [P, U, X, X, I, X], Hex;
  223, FADVISE64,          "fadvise64",          fs_fd::fadvise64,           Full,    [I, I, U, I],       Dec;
  226, MPROTECT,           "mprotect",           mm::mprotect,               Full,    [P, U, X],          Dec;
  227, MSYNC,              "msync",              mm::msync,                  Full,    [P, U, X],          Dec;
  228, MLOCK,              "mlock",              mm::check_range,            Full,    [P, U],             Dec;
  229, MUNLOCK,            "munlock",            mm::check_range,            Full,    [P, U],             Dec;
  233, MADVISE,            "madvise",            mm::madvise,                Full,    [P, U, I],          Dec;
  240, RT_TGSIGQUEUEINFO,  "rt_tgsigqueueinfo",  signal::rt_tgsigqueueinfo,  Partial, [I, I, I, P],       Dec;
  259, RISCV_FLUSH_ICACHE, "riscv_flush_icache", mm::riscv_flush_icache,     Full,    [P, P, X],          Dec;
  260, WAIT4,              "wait4",              wait::wait4,                Partial, [I, P, X, P],       Dec;
  261, PRLIMIT64,          "prlimit64",          process::prlimit64,         Full,    [I, I, P, P],       Dec;
  267, SYNCFS,             "syncfs",             fs_fd::syncfs,              Full,    [I],                Dec;
  276, RENAMEAT2,          "renameat2",          fs_path::renameat2,         Full,    [Dir, S, Dir, S, X], Dec;
  278, GETRANDOM,          "getrandom",          random::getrandom,          Full,    [P, U, X],          Dec;
  281, EXECVEAT,           "execveat",           exec::execveat,             Partial, [Dir, S, P, P, X],  Dec;
  285, COPY_FILE_RANGE,    "copy_file_range",    fs::copy_file_range,        Full,    [I, P, I, P, U, X], Dec;
  291, STATX,              "statx",              fs_stat::statx,             Full,    [Dir, S, X, X, P],  Dec;
  293, RSEQ,               "rseq",               process::nosys,             NoSys,   [P, U, X, X],       Dec;
  435, CLONE3,             "clone3",             thread::clone3,             NoSys,   [P, U],             Dec;
  436, CLOSE_RANGE,        "close_range",        fs_fd::close_range,         Full,    [I, I, X],          Dec;
  439, FACCESSAT2,         "faccessat2",         fs_path::faccessat2,        Full,    [Dir, S, X, X],     Dec;
}

/// Syscall numbers below this have a direct slot in [`INDEX`] (the
/// generic table ends at 462 today; anything higher is ENOSYS anyway).
const INDEX_LEN: usize = 512;

/// `nr` -> position in [`TABLE`] + 1 (0: no row), built at compile time so
/// that the per-syscall lookup is one load instead of a binary search.
static INDEX: [u16; INDEX_LEN] = {
    let mut index = [0u16; INDEX_LEN];
    let mut i = 0;
    while i < TABLE.len() {
        let nr = TABLE[i].nr as usize;
        assert!(nr < INDEX_LEN, "syscall number past INDEX_LEN");
        index[nr] = i as u16 + 1;
        i += 1;
    }
    index
};

/// The row for syscall `nr`, if it has one.
#[inline]
pub fn lookup(nr: u64) -> Option<&'static Syscall> {
    match INDEX.get(nr as usize) {
        Some(&k) if k != 0 => Some(&TABLE[k as usize - 1]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_finds_every_row_and_nothing_else() {
        for s in TABLE {
            assert_eq!(lookup(s.nr).map(|r| r.name), Some(s.name));
        }
        let rows = (0..1024).filter(|&nr| lookup(nr).is_some()).count();
        assert_eq!(rows, TABLE.len());
        assert!(lookup(u64::MAX).is_none());
    }

    #[test]
    fn sorted_unique_and_sane() {
        for w in TABLE.windows(2) {
            assert!(w[0].nr < w[1].nr, "{} before {}", w[0].name, w[1].name);
        }
        for s in TABLE {
            assert!(s.args.len() <= 6, "{}", s.name);
            for a in s.args {
                if let In(n) = a {
                    assert!((*n as usize) < s.args.len(), "{}", s.name);
                }
            }
        }
        assert_eq!(lookup(64).unwrap().name, "write");
        assert_eq!(lookup(nr::EXIT_GROUP).unwrap().ret, Ret::None);
        assert!(lookup(1000).is_none());
    }
}
