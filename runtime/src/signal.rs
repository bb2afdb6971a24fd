//! Signal numbers, names and default actions (the riscv64/asm-generic set).
//!
//! Signal *delivery* to guest handlers is not implemented yet: dispositions
//! and masks are stored for real (see `syscall::signal`), but a signal whose
//! disposition is a handler is treated as if it had its default action.

/// `SIGHUP`.
pub const SIGHUP: i32 = 1;
/// `SIGINT`.
pub const SIGINT: i32 = 2;
/// `SIGQUIT`.
pub const SIGQUIT: i32 = 3;
/// `SIGILL`.
pub const SIGILL: i32 = 4;
/// `SIGTRAP`.
pub const SIGTRAP: i32 = 5;
/// `SIGABRT`.
pub const SIGABRT: i32 = 6;
/// `SIGBUS`.
pub const SIGBUS: i32 = 7;
/// `SIGFPE`.
pub const SIGFPE: i32 = 8;
/// `SIGKILL`.
pub const SIGKILL: i32 = 9;
/// `SIGSEGV`.
pub const SIGSEGV: i32 = 11;
/// `SIGPIPE`.
pub const SIGPIPE: i32 = 13;
/// `SIGTERM`.
pub const SIGTERM: i32 = 15;
/// `SIGCHLD`.
pub const SIGCHLD: i32 = 17;
/// `SIGCONT`.
pub const SIGCONT: i32 = 18;
/// `SIGSTOP`.
pub const SIGSTOP: i32 = 19;
/// `SIGURG`.
pub const SIGURG: i32 = 23;
/// `SIGWINCH`.
pub const SIGWINCH: i32 = 28;

/// `SIG_DFL` handler value.
pub const SIG_DFL: u64 = 0;
/// `SIG_IGN` handler value.
pub const SIG_IGN: u64 = 1;

/// What a signal does when it has its default disposition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultAction {
    /// Kill the process.
    Terminate,
    /// Nothing happens.
    Ignore,
    /// Stop / continue (job control; treated as ignore while there is no job control).
    Stop,
}

/// The default action of `sig`.
pub fn default_action(sig: i32) -> DefaultAction {
    match sig {
        SIGCHLD | SIGURG | SIGWINCH => DefaultAction::Ignore,
        SIGCONT | SIGSTOP | 20..=22 => DefaultAction::Stop,
        _ => DefaultAction::Terminate,
    }
}

/// Symbolic name (`"SIGSEGV"`).
pub fn name(sig: i32) -> String {
    const NAMES: [&str; 31] = [
        "SIGHUP",
        "SIGINT",
        "SIGQUIT",
        "SIGILL",
        "SIGTRAP",
        "SIGABRT",
        "SIGBUS",
        "SIGFPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGSEGV",
        "SIGUSR2",
        "SIGPIPE",
        "SIGALRM",
        "SIGTERM",
        "SIGSTKFLT",
        "SIGCHLD",
        "SIGCONT",
        "SIGSTOP",
        "SIGTSTP",
        "SIGTTIN",
        "SIGTTOU",
        "SIGURG",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
        "SIGWINCH",
        "SIGIO",
        "SIGPWR",
        "SIGSYS",
    ];
    match sig {
        1..=31 => NAMES[sig as usize - 1].to_string(),
        32..=64 => format!("SIGRT_{}", sig - 32),
        _ => format!("signal {sig}"),
    }
}

/// The shell's description (`"Segmentation fault"`).
pub fn description(sig: i32) -> &'static str {
    match sig {
        SIGHUP => "Hangup",
        SIGINT => "Interrupt",
        SIGQUIT => "Quit",
        SIGILL => "Illegal instruction",
        SIGTRAP => "Trace/breakpoint trap",
        SIGABRT => "Aborted",
        SIGBUS => "Bus error",
        SIGFPE => "Floating point exception",
        SIGKILL => "Killed",
        10 => "User defined signal 1",
        SIGSEGV => "Segmentation fault",
        12 => "User defined signal 2",
        SIGPIPE => "Broken pipe",
        14 => "Alarm clock",
        SIGTERM => "Terminated",
        24 => "CPU time limit exceeded",
        25 => "File size limit exceeded",
        26 => "Virtual timer expired",
        27 => "Profiling timer expired",
        31 => "Bad system call",
        _ => "Killed by a signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name(SIGSEGV), "SIGSEGV");
        assert_eq!(name(31), "SIGSYS");
        assert_eq!(name(34), "SIGRT_2");
        assert_eq!(description(SIGILL), "Illegal instruction");
        assert_eq!(default_action(SIGCHLD), DefaultAction::Ignore);
        assert_eq!(default_action(SIGABRT), DefaultAction::Terminate);
    }
}
