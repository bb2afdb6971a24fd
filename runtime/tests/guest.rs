//! Runs the guest programs of `tests/guest/` through [`Vm`] with a capturing
//! host and compares stdout and exit status with `qemu-riscv64`.

mod common;

use common::{build, run_qemu, Link, Outcome};
use nanovm_runtime::{CaptureHost, Options, RunState, Vm};
use std::path::Path;

/// Most instructions a test guest may run before the test fails.
const MAX_INSTRUCTIONS: u64 = 2_000_000_000;

fn run_vm(
    prog: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: &[u8],
) -> (Outcome, CaptureHost, Vm) {
    run_vm_limit(prog, args, env, stdin, None)
}

/// [`run_vm`] with a guest memory cap (`--memory`).
fn run_vm_limit(
    prog: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: &[u8],
    memory_limit: Option<u64>,
) -> (Outcome, CaptureHost, Vm) {
    let bytes = std::fs::read(prog).unwrap();
    let path = prog.to_str().unwrap();
    let mut argv = vec![path.as_bytes().to_vec()];
    argv.extend(args.iter().map(|a| a.as_bytes().to_vec()));
    let envp: Vec<Vec<u8>> = env
        .iter()
        .map(|(k, v)| format!("{k}={v}").into_bytes())
        .collect();
    let opts = Options {
        exe_name: path.as_bytes().to_vec(),
        memory_limit,
        ..Options::default()
    };
    let mut vm = Vm::load(&bytes, &argv, &envp, &opts).expect("load failed");
    let mut host = CaptureHost::with_stdin(stdin);
    let state = loop {
        match vm.run(&mut host, 1 << 22) {
            RunState::Running => assert!(
                vm.stats().instructions < MAX_INSTRUCTIONS,
                "{path}: still running after {MAX_INSTRUCTIONS} instructions"
            ),
            // Everything parked: jump the capturing host's clock ahead.
            RunState::Idle { until } => {
                host.clock_ns = host.clock_ns.max(until.expect("idle with no deadline"))
            }
            s => break s,
        }
    };
    let status = match state {
        RunState::Exited(c) => Ok(c),
        RunState::Killed(s) => Err(s),
        RunState::Running | RunState::Idle { .. } => unreachable!(),
    };
    let out = Outcome {
        stdout: host.stdout.clone(),
        stderr: host.stderr.clone(),
        status,
    };
    (out, host, vm)
}

/// Runs NAME both ways and asserts identical stdout, stderr and status.
fn same_as_qemu(
    name: &str,
    link: Link,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: &[u8],
) -> Outcome {
    let prog = build(name, link);
    let (ours, _, _) = run_vm(&prog, args, env, stdin);
    let reference = run_qemu(&prog, args, env, stdin);
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&reference.stdout),
        "{name}: stdout differs from qemu"
    );
    assert_eq!(
        ours.status, reference.status,
        "{name}: status differs from qemu"
    );
    if reference.status.is_ok() {
        // (qemu adds its own line to stderr when the guest is killed.)
        assert_eq!(
            ours.stderr, reference.stderr,
            "{name}: stderr differs from qemu"
        );
    }
    ours
}

#[test]
fn files() {
    let o = same_as_qemu("files", Link::Static, &[], &[], b"");
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("ls: . .. a h2 s sub\n"), "{text}");
    assert!(text.ends_with("getcwd gone ENOENT\n"), "{text}");
}

#[test]
fn hello() {
    let o = same_as_qemu("hello", Link::Static, &[], &[], b"");
    assert_eq!(o.stdout, b"Hello, world!\n42 forty-two 2a -42\n");
    assert_eq!(o.status, Ok(0));
}

#[test]
fn static_pie() {
    let o = same_as_qemu("pie", Link::StaticPie, &["a", "b"], &[("X", "1")], b"");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "hello from a static PIE\na\nb\nAT_ENTRY ok\nAT_PHDR ok\nAT_PHNUM ok\nAT_PAGESZ ok\nAT_RANDOM ok\n"
    );
    assert_eq!(o.status, Ok(2));
}

#[test]
fn args_and_env() {
    // qemu-user reverses the environment's order (its env list is built by
    // prepending), Linux keeps it: compare the environment as a set against
    // qemu and its order against what we passed.
    let env = [("HOME", "/home/guest"), ("LANG", "C"), ("EMPTY", "")];
    let args = ["one", "two words", ""];
    let prog = build("args", Link::Static);
    let (ours, _, _) = run_vm(&prog, &args, &env, b"");
    let reference = run_qemu(&prog, &args, &env, b"");
    let sorted = |o: &Outcome| {
        let mut l: Vec<String> = String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(String::from)
            .collect();
        l.sort();
        l
    };
    assert_eq!(sorted(&ours), sorted(&reference));
    assert_eq!(ours.status, reference.status);
    let text = String::from_utf8(ours.stdout).unwrap();
    let expected = format!(
        "argc=4\nargv[0]={}\nargv[1]=one\nargv[2]=two words\nargv[3]=\n\
         env: HOME=/home/guest\nenv: LANG=C\nenv: EMPTY=\n",
        prog.display()
    );
    assert_eq!(text, expected);
}

#[test]
fn libc_tour() {
    let o = same_as_qemu("libc", Link::Static, &[], &[], b"");
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.starts_with("3.141593 6.022141e+23 0.333333 0x1.999999999999ap-4\n"),
        "{text}"
    );
    assert!(
        text.contains("gmtime 1971-01-01 00:00:00 Friday\n"),
        "{text}"
    );
    assert!(text.contains("upper 2\n"), "{text}");
}

#[test]
fn malloc_heavy() {
    let o = same_as_qemu("malloc", Link::Static, &[], &[], b"");
    assert!(o.stdout.starts_with(b"checksum "));
}

#[test]
fn exit_codes() {
    for code in ["0", "1", "42", "255", "256"] {
        let o = same_as_qemu("exitcode", Link::Static, &[code], &[], b"");
        assert_eq!(o.stdout, b"atexit ran\n");
        assert_eq!(o.status, Ok(code.parse::<i32>().unwrap() & 0xff));
    }
}

#[test]
fn null_dereference_is_sigsegv() {
    let o = same_as_qemu("segv", Link::Static, &[], &[], b"");
    assert_eq!(o.stdout, b"before\n");
    assert_eq!(o.status, Err(11));
}

#[test]
fn illegal_instruction_is_sigill() {
    let prog = build("illegal", Link::Static);
    let (o, _, vm) = run_vm(&prog, &[], &[], b"");
    assert_eq!(o.stdout, b"before\n");
    assert_eq!(o.status, Err(4));
    let k = vm.kill_info().unwrap();
    assert_eq!(k.signal, 4);
    let q = run_qemu(&prog, &[], &[], b"");
    assert_eq!(q.status, Err(4));
}

#[test]
fn ebreak_is_sigtrap() {
    let o = same_as_qemu("trap", Link::Static, &[], &[], b"");
    assert_eq!(o.stdout, b"before\n");
    assert_eq!(o.status, Err(5));
}

#[test]
fn abort_is_sigabrt() {
    let o = same_as_qemu("abort", Link::Static, &[], &[], b"");
    assert_eq!(o.stdout, b"aborting\n");
    assert_eq!(o.status, Err(6));
}

#[test]
fn writev() {
    let o = same_as_qemu("writev", Link::Static, &[], &[], b"");
    assert_eq!(o.stdout, b"one two three\nwrote 14\nwrote 4 to stderr\n");
    assert_eq!(o.stderr, b"one ");
}

#[test]
fn getrandom() {
    let o = same_as_qemu("getrandom", Link::Static, &[], &[], b"");
    assert_eq!(o.stdout, b"got 64 64\ndiffer: yes\n");
}

#[test]
fn clock_gettime_monotonic() {
    let o = same_as_qemu("clock", Link::Static, &[], &[], b"");
    assert_eq!(
        o.stdout,
        b"monotonic: ok\nslept: ok\nrealtime after 2020: ok\ncputime: ok\n"
    );
}

#[test]
fn uname() {
    let o = same_as_qemu("uname", Link::Static, &[], &[], b"");
    assert_eq!(o.stdout, b"Linux riscv64\n");
}

#[test]
fn stdin_to_stdout() {
    let input: Vec<u8> = (0..1000u32).map(|i| b'a' + (i % 26) as u8).collect();
    let o = same_as_qemu("cat", Link::Static, &[], &[], &input);
    assert_eq!(o.stdout, input);
}

#[test]
fn strace_logs_calls() {
    let prog = build("hello", Link::Static);
    let bytes = std::fs::read(&prog).unwrap();
    let opts = Options {
        strace: true,
        ..Options::default()
    };
    let mut vm = Vm::load(&bytes, &[b"hello".to_vec()], &[], &opts).unwrap();
    let mut host = CaptureHost::default();
    while vm.run(&mut host, 1 << 22) == RunState::Running {}
    assert!(
        host.log
            .iter()
            .any(|l| l.starts_with("write(1, \"Hello, world!\\n")),
        "{:#?}",
        host.log
    );
    let n = host.log.len();
    assert_eq!(
        host.log[n - 2..],
        ["exit_group(0) = ?", "+++ exited with 0 +++"]
    );
}

#[test]
fn syscall_semantics_match_qemu() {
    let o = same_as_qemu("syscalls", Link::Static, &[], &[], b"");
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("p != MAP_FAILED              ok\n"), "{text}");
    assert!(
        text.contains("syscall(999) == 0            fail ENOSYS\n"),
        "{text}"
    );
}

#[test]
fn unknown_syscall_reported_once_under_strace() {
    let prog = build("syscalls", Link::Static);
    let bytes = std::fs::read(&prog).unwrap();
    let opts = Options {
        strace: true,
        ..Options::default()
    };
    let mut vm = Vm::load(&bytes, &[b"syscalls".to_vec()], &[], &opts).unwrap();
    let mut host = CaptureHost::default();
    while vm.run(&mut host, 1 << 22) == RunState::Running {}
    let reports = host
        .log
        .iter()
        .filter(|l| l.contains("unsupported syscall 999"))
        .count();
    assert_eq!(reports, 1, "{:#?}", host.log);
    let calls = host
        .log
        .iter()
        .filter(|l| l.starts_with("syscall_999("))
        .count();
    assert_eq!(calls, 2);
}

#[test]
fn empty_file_system_and_identity() {
    let prog = build("emptyfs", Link::Static);
    let (o, _, _) = run_vm(&prog, &[], &[], b"");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "fopen: opened\nopen O_CREAT: opened\nstat /bin/sh: ENOENT\naccess: found\n\
         getcwd: /\nreadlink: found\nisatty(1): 0\nfstat(1) chr: 0\n\
         pid 1000 ppid 999 uid 1000 gid 1000\nclose(2): 0\nwrite(2): -1 EBADF\n"
    );
    assert_eq!(o.status, Ok(0));
}

#[test]
fn tiny_budgets_resume_correctly() {
    let prog = build("hello", Link::Static);
    let bytes = std::fs::read(&prog).unwrap();
    let mut vm = Vm::load(&bytes, &[b"hello".to_vec()], &[], &Options::default()).unwrap();
    let mut host = CaptureHost::default();
    let mut calls = 0u64;
    let state = loop {
        match vm.run(&mut host, 1) {
            RunState::Running => calls += 1,
            s => break s,
        }
        assert!(calls < 10_000_000, "no progress with budget 1");
    };
    assert_eq!(state, RunState::Exited(0));
    assert_eq!(host.stdout, b"Hello, world!\n42 forty-two 2a -42\n");
    assert!(calls > 100, "budget 1 should need many calls, took {calls}");
    // A finished VM stays finished.
    assert_eq!(vm.run(&mut host, 1000), RunState::Exited(0));
}

#[test]
fn processes_fork_wait_groups() {
    let o = same_as_qemu("procs", Link::Static, &[], &[], b"");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("chain: 10\ncow: wait=1 status=10 global=7 heap=parent\n"));
    assert!(out.contains("killed: signaled=1 sig=9\n"));
    assert!(out.contains("wait on group: 1 3\n"));
    assert_eq!(o.status, Ok(0));
}

#[test]
fn pthreads_mutex_condvar_join() {
    let o = same_as_qemu("threads", Link::Static, &[], &[], b"");
    assert_eq!(o.stdout, b"counter=32000 arrived=16 sum=240\n");
}

#[test]
fn nanosleep_lets_time_pass() {
    let o = same_as_qemu("sleep", Link::Static, &[], &[], b"");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "nanosleep: r=0 slept_enough=1\nclock_nanosleep: r=0 abs_ok=1 joined_after=1\n"
    );
}

#[test]
fn interrupted_sleeps_write_the_time_left() {
    let o = same_as_qemu("sleeprem", Link::Static, &[], &[], b"");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "nanosleep: r=-1 eintr=1 rem_ok=1\nclock_nanosleep: r=1 rem_ok=1\n\
         abs: r=1 rem_untouched=1\n"
    );
}

/// Not compared with qemu: the host runs the tests as root, for whom Linux
/// does not enforce RLIMIT_NPROC.
#[test]
fn fork_bomb_hits_rlimit_nproc() {
    let prog = build("forkbomb", Link::Static);
    let (o, _, _) = run_vm(&prog, &[], &[], b"");
    assert_eq!(o.stdout, b"stopped=1 eagain=1 reaped_all=1\n");
    assert_eq!(o.status, Ok(0));
}

/// The default RLIMIT_NPROC follows the memory cap (RAM / 256 KiB, at most
/// 4096): a fork bomb that never sets it still ends with EAGAIN.
#[test]
fn fork_bomb_hits_the_default_nproc() {
    let prog = build("forkbomb", Link::Static);
    let (o, _, vm) = run_vm_limit(&prog, &["default"], &[], b"", Some(64 << 20));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "limit=256\nstopped=1 eagain=1 reaped_all=1\nmade=255\n"
    );
    assert_eq!(o.status, Ok(0));
    assert_eq!(vm.kernel().procs.len(), 0);
    let (o, _, _) = run_vm(&prog, &["default"], &[], b"");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "limit=4096\nstopped=1 eagain=1 reaped_all=1\nmade=4095\n"
    );
}

/// Not compared with qemu (it has no memory cap): past the cap, the OOM
/// killer kills the biggest process, not the one that touched the page.
#[test]
fn oom_killer_kills_the_biggest_process() {
    let prog = build("oom", Link::Static);
    let (o, host, _) = run_vm_limit(&prog, &[], &[], b"", Some(48 << 20));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "A: killed by 9\nC: done\nB: killed by 15\nC: killed by 15\n"
    );
    assert_eq!(o.status, Ok(0));
    assert_eq!(host.log.len(), 1, "{:?}", host.log);
    assert!(
        host.log[0].starts_with("nanovm: Out of memory: Killed process 1001 (oom) anon-rss:"),
        "{:?}",
        host.log
    );
    for (mode, out) in [("single", ""), ("read", "start\n")] {
        let (o, host, _) = run_vm_limit(&prog, &[mode], &[], b"", Some(16 << 20));
        assert_eq!(String::from_utf8_lossy(&o.stdout), out, "{mode}");
        assert_eq!(o.status, Err(9), "{mode}");
        assert!(host.log.is_empty(), "{:?}", host.log);
    }
    // Linux's heuristic overcommit: one mapping bigger than RAM fails.
    let (o, _, _) = run_vm_limit(&prog, &["big"], &[], b"", Some(16 << 20));
    assert_eq!(o.stdout, b"big: ENOMEM\n");
    let (o, _, _) = run_vm(&prog, &["big"], &[], b"");
    assert_eq!(o.stdout, b"big: mapped\n");
}

/// Not compared with qemu: qemu-user cannot execve a RISC-V program
/// without binfmt_misc.
#[test]
fn exec_vfork_and_scripts() {
    let prog = build("execself", Link::Static);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("guest");
    let script = dir.join("execself-script.sh");
    std::fs::write(&script, format!("#!{} -x\n", prog.display())).unwrap();
    let (o, _, vm) = run_vm(&prog, &[script.to_str().unwrap()], &[], b"");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "vforked child ran: yes\nvfork: local=2 status=9\n\
         script: argc=4 arg1=-x tail=last\nscript status=0\nagain: pid_same=1 argc=2\n"
    );
    assert_eq!(o.status, Ok(7));
    assert!(
        vm.kernel().zombies.len() == 1,
        "only the first process is left"
    );
}

#[test]
fn signal_delivery_matches_qemu() {
    let o = same_as_qemu("signals", Link::Static, &[], &[], b"");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("segv maperr: sig=11 code=1 addr=0x10\n"),
        "{out}"
    );
    assert!(out.contains("edited context: v=4242 hits=1\n"), "{out}");
    assert!(out.contains("onstack handler: on_alt=1 flags=1\n"), "{out}");
    assert!(out.contains("rt queue: n=3 11 21 31\n"), "{out}");
    assert!(out.ends_with("done\n"), "{out}");
    assert_eq!(o.status, Err(15));
}

#[test]
fn misaligned_amo_sigbus_reports_the_pc_like_linux() {
    let prog = build("sigbus_pc", Link::Static);
    let (o, _, _) = run_vm(&prog, &[], &[], b"");
    assert_eq!(String::from_utf8_lossy(&o.stdout), "code=1 si_addr=pc\n");
    assert_eq!(o.status, Ok(0));
}

#[test]
fn stack_overflow_handled_on_the_alternate_stack() {
    let o = same_as_qemu("sigoverflow", Link::Static, &[], &[], b"");
    assert_eq!(o.stdout, b"caught stack overflow\n");
    assert_eq!(o.status, Ok(3));
    let o = same_as_qemu("sigoverflow", Link::Static, &["plain"], &[], b"");
    assert_eq!(o.stdout, b"");
    assert_eq!(o.status, Err(11));
}

#[test]
fn job_control_group_kill_thread_signals() {
    let o = same_as_qemu("jobctl", Link::Static, &[], &[], b"");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "stopped: 1 1 sig=19\ncontinued: 1 1\nterminated: 1 sig=15\nkill group: 0\n\
         group killed: 2\npthread_kill: hits=1 right_thread=1\nsigchld: 1 status=4\n"
    );
}

#[test]
fn interrupted_waits_restart_only_with_sa_restart() {
    let o = same_as_qemu("sigrestart", Link::Static, &[], &[], b"");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "no flags: waitpid failed errno=4 hits=1\nchild status 5\n\
         SA_RESTART: waitpid returned the child errno=0 hits=1\nchild status 5\n\
         nanosleep: r=-1 errno=4\n"
    );
}

/// Standard descriptors that are pipes (qemu's, captured; the CaptureHost's
/// default kind): FIFOs, not terminals, so glibc fully buffers stdout and
/// `_exit` drops the unflushed line.
#[test]
fn stdio_pipes_like_qemu() {
    let o = same_as_qemu("stdio", Link::Static, &[], &[], b"");
    assert_eq!(o.stdout, b"");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("fd 1: fifo isatty=0\n"), "{err}");
    assert!(err.contains("fd 1: tcgetattr errno 25\n"), "{err}");
}

/// A host whose standard descriptors are a terminal: character devices
/// that answer termios and window-size requests, and a line-buffered stdout.
#[test]
fn stdio_terminal() {
    let prog = build("stdio", Link::Static);
    let bytes = std::fs::read(&prog).unwrap();
    let argv = vec![b"stdio".to_vec()];
    let mut vm = Vm::load(&bytes, &argv, &[], &Options::default()).expect("load failed");
    let mut host = CaptureHost {
        stdio: nanovm_runtime::StdioKind::Tty {
            rows: 33,
            cols: 101,
        },
        ..CaptureHost::default()
    };
    let state = loop {
        match vm.run(&mut host, 1 << 22) {
            RunState::Running => assert!(vm.stats().instructions < MAX_INSTRUCTIONS),
            s => break s,
        }
    };
    assert!(matches!(state, RunState::Exited(0)), "{state:?}");
    assert_eq!(host.stdout, b"buffered line\n");
    let err = String::from_utf8_lossy(&host.stderr);
    for fd in 0..3 {
        let want = format!(
            "fd {fd}: chr isatty=1\n\
             fd {fd}: lflag icanon=1 echo=1 isig=1 vintr=3 ospeed=1\n\
             fd {fd}: after raw icanon=0\n\
             fd {fd}: 33x101\n\
             fd {fd}: pgrp ok=1\n"
        );
        assert!(err.contains(&want), "{err}");
    }
}

/// Standard descriptors that are regular files: `S_IFREG` with the size.
#[test]
fn stdio_file() {
    let prog = build("stdio", Link::Static);
    let bytes = std::fs::read(&prog).unwrap();
    let mut vm = Vm::load(&bytes, &[b"stdio".to_vec()], &[], &Options::default()).unwrap();
    let mut host = CaptureHost {
        stdio: nanovm_runtime::StdioKind::File { size: 7 },
        ..CaptureHost::default()
    };
    while let RunState::Running = vm.run(&mut host, 1 << 22) {}
    assert_eq!(host.stdout, b"");
    let err = String::from_utf8_lossy(&host.stderr);
    assert!(
        err.contains("fd 2: reg isatty=0\nfd 2: tcgetattr errno 25\n"),
        "{err}"
    );
}

#[test]
fn file_mmap_private_shared_fork() {
    let o = same_as_qemu("fmmap", Link::Static, &[], &[], b"");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("child: map=CHILD ! file=taCHILD-file\n"),
        "{out}"
    );
    assert!(out.ends_with("errors: 1/13 1/22 1/9 1/19 1/13\n"), "{out}");
}

#[test]
fn procfs() {
    let o = same_as_qemu("procfs", Link::Static, &["a", "b c"], &[], b"");
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(!text.contains(": 0"), "{text}");
    assert!(text.contains("child: status PPid ok 1\n"), "{text}");
}

#[test]
fn procself() {
    // maps, fd/ links (file, pipe, reopening), fdinfo, cwd, environ, task/.
    let env = [("PROCSELF_MARK", "yes")];
    let o = same_as_qemu("procself", Link::Static, &[], &env, b"from stdin\n");
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(!text.contains(": 0"), "{text}");
    assert!(text.contains("cwd after chdir: /tmp\n"), "{text}");
    assert!(text.contains("stdin via link: 1 [from stdin]\n"), "{text}");
    // What qemu-user cannot show: [heap], and task/ and status of the guest
    // itself rather than of the qemu process. Linux's answers.
    let prog = build("procself", Link::Static);
    let (ours, _, _) = run_vm(&prog, &["exact"], &env, b"from stdin\n");
    let text = String::from_utf8(ours.stdout).unwrap();
    assert!(!text.contains(": 0") && !text.contains(" 0\n"), "{text}");
    for want in [
        "exact: tasks 3\n",
        "exact: status Threads 3\n",
        "exact: SigBlk line 1\n",
        "exact: heap line 1\n",
        "exact: sbrk in heap 1\n",
        "exact: reread sees new mapping 1\n",
    ] {
        assert!(text.contains(want), "{want:?} missing in {text}");
    }
}

#[test]
fn pseudo_terminals() {
    let o = same_as_qemu("pty", Link::Static, &[], &[], b"");
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("slave read: \"ac\\n\"\n"), "{text}");
    assert!(text.contains("child signaled=1 sig=2\n"), "{text}");
    assert!(
        text.contains("master after slave close: -1 Input/output error\n"),
        "{text}"
    );
    assert!(text.contains("winched: 30x100"), "{text}");
    assert!(text.contains("hangup: signaled=1 sig=1\n"), "{text}");
    assert!(text.contains("bg read: stopped=1 sig=21\\r\\n"), "{text}");
    assert!(text.contains("peer read: \"peer\\n\"\n"), "{text}");
    assert!(text.contains("hangup ignored: exit=11\n"), "{text}");
}

/// A VM running static test program `name` with `argv` on a console of
/// `size` (rows, cols) for the fds marked in `fds`, and its capturing host.
fn console_vm(name: &str, argv: &[Vec<u8>], size: (u16, u16), fds: [bool; 3]) -> (Vm, CaptureHost) {
    let bytes = std::fs::read(build(name, Link::Static)).unwrap();
    let opts = Options {
        console: Some(nanovm_runtime::tty::ConsoleConfig {
            rows: size.0,
            cols: size.1,
            fds,
        }),
        ..Options::default()
    };
    let vm = Vm::load(&bytes, argv, &[], &opts).unwrap();
    (vm, CaptureHost::default())
}

/// Runs `vm` until it ends or waits for host input; the clock jumps over
/// timed waits.
fn run_until_input(vm: &mut Vm, host: &mut CaptureHost) -> Option<RunState> {
    loop {
        match vm.run(host, 1 << 22) {
            RunState::Running => {}
            RunState::Idle { until: Some(u) } => host.clock_ns = host.clock_ns.max(u),
            RunState::Idle { until: None } => return None,
            s => return Some(s),
        }
    }
}

#[test]
fn console_line_discipline_echo_and_signals() {
    let (mut vm, mut host) = console_vm("cat", &[b"cat".to_vec()], (24, 80), [true, true, true]);
    assert_eq!(
        run_until_input(&mut vm, &mut host),
        None,
        "cat waits for a line"
    );
    assert!(host.stdout.is_empty());
    // Typed with a typo: the echo shows the erase, cat gets the edited line.
    assert!(vm.console_input(&mut host, b"helo\x7flo\r"));
    assert_eq!(run_until_input(&mut vm, &mut host), None);
    assert_eq!(
        String::from_utf8_lossy(&host.stdout),
        "helo\u{8} \u{8}lo\r\nhello\r\n"
    );
    // A partial line is not readable; ^C interrupts cat (SIGINT), echoed.
    host.stdout.clear();
    vm.console_input(&mut host, b"part");
    assert_eq!(run_until_input(&mut vm, &mut host), None);
    vm.console_input(&mut host, b"\x03");
    assert_eq!(
        run_until_input(&mut vm, &mut host),
        Some(RunState::Killed(2))
    );
    assert_eq!(host.stdout, b"part^C");
}

#[test]
fn console_eof_ends_cat() {
    let (mut vm, mut host) = console_vm("cat", &[b"cat".to_vec()], (0, 0), [true, true, false]);
    assert_eq!(run_until_input(&mut vm, &mut host), None);
    vm.console_input(&mut host, b"x\x04\x04");
    assert_eq!(
        run_until_input(&mut vm, &mut host),
        Some(RunState::Exited(0))
    );
    assert_eq!(
        host.stdout, b"xx",
        "^D sends the partial line, then end of file"
    );
}

#[test]
fn console_controlling_terminal_rules() {
    let (mut vm, mut host) = console_vm(
        "ttyctl",
        &[b"ttyctl".to_vec()],
        (24, 80),
        [true, true, true],
    );
    assert_eq!(
        run_until_input(&mut vm, &mut host),
        Some(RunState::Exited(0))
    );
    assert_eq!(
        String::from_utf8_lossy(&host.stdout),
        "sid is me=1 fg is me=1\r\n\
         tcsetpgrp(no such group)=-1 No such process\r\n\
         other session: tcgetpgrp=-1 Inappropriate ioctl for device\r\n\
         other session: /dev/tty No such device or address\r\n\
         other session: TIOCSCTTY=-1 Operation not permitted\r\n\
         TIOCNOTTY=0\r\n\
         then /dev/tty No such device or address\r\n\
         then tcgetpgrp=-1 Inappropriate ioctl for device\r\n\
         TIOCSCTTY=0\r\n\
         then /dev/tty opens, fg is me=1\r\n"
    );
}

#[test]
fn console_input_larger_than_the_raw_queue_waits_for_the_reader() {
    let (mut vm, mut host) = console_vm(
        "rawcount",
        &[b"rawcount".to_vec(), b"100000".to_vec()],
        (24, 80),
        [true, true, true],
    );
    assert_eq!(run_until_input(&mut vm, &mut host), None);
    let mut input = vec![b'a'; 99_999];
    input.push(b'z');
    vm.console_input(&mut host, &input);
    assert_eq!(
        run_until_input(&mut vm, &mut host),
        Some(RunState::Exited(0))
    );
    assert_eq!(
        String::from_utf8_lossy(&host.stdout),
        "got 100000 last z\n",
        "raw mode: no output processing either"
    );
}
