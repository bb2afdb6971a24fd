//! `nanovm`, the native command line: `nanovm run [OPTIONS] [--] PROGRAM [ARGS...]`
//! runs a static riscv64 Linux program and exits with its status (128 +
//! signal when it is killed, like a shell).
//!
//! The guest's file system is an in-memory tree by default; `--root DIR`
//! makes the host directory DIR the (read-only) root, with PROGRAM then a
//! guest path resolved in it; `--mount HOST:GUEST[:ro]` adds host
//! directories (see `nanovm_runtime::fsctx`). The guest environment is the
//! host's, with `--env K=V` added or replacing (`env -i` before `nanovm`
//! gives a clean one: the choice keeps `PATH` for shells by default).
//!
//! Argument parsing is hand-written: one subcommand and four options do not
//! justify a dependency (lexopt would be the choice if this grows), and it
//! keeps every message and exit status (2 for usage errors) under our control.
//!
//! Ctrl-C: SIGINT to the CLI (from the terminal, or `kill -INT`, e.g. when
//! stdin is a pipe) is caught and delivered to the guest's foreground
//! process group ([`Vm::interrupt`]), which may handle it; by default the
//! guest dies and the CLI exits 130, silently like a shell. The handler only
//! sets a flag (`signal-hook`'s `flag::register`: async-signal-safe, no
//! thread, widely used) that the run loop checks between slices and while
//! it sleeps for an idle guest; the rejected alternatives were `ctrlc`
//! (spawns a thread and a pipe for what one atomic does) and raw
//! `libc::sigaction` (an `unsafe` handler of our own).
//!
//! The command is native only: under wasm the JS command line
//! (`js/bin/nanovm.mjs`) plays its part, so for wasm32 this binary is empty.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use nanovm_runtime::fsctx::{FsConfig, FsCtx, MountSpec};
    use nanovm_runtime::signal::SIGINT;
    use nanovm_runtime::{Errno, Options, RunState, StdHost, Vm};
    use std::ffi::OsString;
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Instant;

    /// Longest sleep of the run loop while the guest is idle (10 ms).
    const IDLE_STEP_NS: u64 = 10_000_000;

    const USAGE: &str = "\
usage: nanovm run [OPTIONS] [--] PROGRAM [ARGS...]
  --root DIR      the host directory DIR is the guest's root file system
                  (read-only; /tmp and /dev are in memory); PROGRAM is then
                  a guest path
  --mount HOST:GUEST[:ro]
                  mount the host directory HOST at GUEST (read-write unless :ro)
  --cwd DIR       the guest's initial working directory (default /)
  --env K=V       set a guest environment variable (repeatable)
  --tier interp   execution tier (only the interpreter exists yet)
  --stats         print instructions retired, blocks and MIPS to stderr at exit
  --strace        log every system call to stderr
  --memory MIB    limit guest memory to MIB mebibytes";

    /// A parsed `run` command.
    #[derive(Debug, PartialEq, Eq)]
    struct RunCmd {
        stats: bool,
        strace: bool,
        memory_mib: Option<u64>,
        fs: FsConfig,
        env: Vec<Vec<u8>>,
        program: OsString,
        args: Vec<OsString>,
    }

    /// What the command line asks for.
    #[derive(Debug, PartialEq, Eq)]
    enum Command {
        Help,
        Run(RunCmd),
    }

    /// Writes one line to stderr, ignoring failures (a closed stderr must not panic).
    fn err_line(s: &str) {
        let _ = writeln!(std::io::stderr(), "{s}");
    }

    fn parse(args: &[OsString]) -> Result<Command, String> {
        let mut it = args.iter();
        match it.next().map(|a| a.to_str()) {
            Some(Some("run")) => {}
            Some(Some("-h" | "--help" | "help")) => return Ok(Command::Help),
            Some(Some(other)) => return Err(format!("unknown command '{other}'")),
            Some(None) => return Err("unknown command".into()),
            None => return Err("missing command".into()),
        }
        let mut cmd = RunCmd {
            stats: false,
            strace: false,
            memory_mib: None,
            fs: FsConfig::default(),
            env: Vec::new(),
            program: OsString::new(),
            args: Vec::new(),
        };
        let rest: Vec<&OsString> = it.collect();
        let mut i = 0;
        while i < rest.len() {
            let arg = rest[i];
            let Some(s) = arg.to_str() else { break };
            if s == "--" {
                i += 1;
                break;
            }
            if !s.starts_with('-') || s == "-" {
                break;
            }
            let (name, inline) = match s.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (s, None),
            };
            let mut value = |what: &str| -> Result<String, String> {
                if let Some(v) = inline.clone() {
                    return Ok(v);
                }
                i += 1;
                rest.get(i)
                    .and_then(|v| v.to_str())
                    .map(str::to_string)
                    .ok_or_else(|| format!("option {name} needs {what}"))
            };
            match name {
                "--stats" if inline.is_none() => cmd.stats = true,
                "--strace" if inline.is_none() => cmd.strace = true,
                "--tier" => {
                    let v = value("a tier")?;
                    if v != "interp" {
                        return Err(format!("unknown tier '{v}' (available: interp)"));
                    }
                }
                "--memory" => {
                    let v = value("a size in MiB")?;
                    match v.parse::<u64>() {
                        Ok(n) if n > 0 && n <= 1 << 30 => cmd.memory_mib = Some(n),
                        _ => return Err(format!("invalid --memory value '{v}'")),
                    }
                }
                "--root" => {
                    let v = value("a directory")?;
                    if !std::path::Path::new(&v).is_dir() {
                        return Err(format!("--root {v}: not a directory"));
                    }
                    cmd.fs.root = Some(v.into());
                }
                "--mount" => cmd
                    .fs
                    .mounts
                    .push(MountSpec::parse(&value("HOST:GUEST[:ro]")?)?),
                "--cwd" => {
                    let v = value("a directory")?;
                    if !v.starts_with('/') {
                        return Err(format!("--cwd {v}: not an absolute path"));
                    }
                    cmd.fs.cwd = v.into_bytes();
                }
                "--env" => {
                    let v = value("K=V")?;
                    match v.split_once('=') {
                        Some((k, _)) if !k.is_empty() => cmd.env.push(v.into_bytes()),
                        _ => return Err(format!("invalid --env '{v}' (want K=V)")),
                    }
                }
                "-h" | "--help" => return Ok(Command::Help),
                _ => return Err(format!("unknown option '{s}'")),
            }
            i += 1;
        }
        let Some(program) = rest.get(i) else {
            return Err("missing PROGRAM".into());
        };
        cmd.program = (*program).clone();
        cmd.args = rest[i + 1..].iter().map(|a| (*a).clone()).collect();
        Ok(Command::Run(cmd))
    }

    #[cfg(unix)]
    fn bytes_of(s: &std::ffi::OsStr) -> Vec<u8> {
        use std::os::unix::ffi::OsStrExt;
        s.as_bytes().to_vec()
    }

    #[cfg(not(unix))]
    fn bytes_of(s: &std::ffi::OsStr) -> Vec<u8> {
        s.to_string_lossy().into_owned().into_bytes()
    }

    /// Reads the program file; on failure returns the message and exit status.
    fn read_program(path: &std::path::Path) -> Result<Vec<u8>, (String, i32)> {
        let msg = |e: &std::io::Error| match e.raw_os_error() {
            Some(code) => nanovm_runtime::Errno(code).message().to_string(),
            None => e.to_string(),
        };
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err((msg(&e), 127)),
            Err(e) => return Err((msg(&e), 126)),
            Ok(m) if m.is_dir() => return Err(("Is a directory".into(), 126)),
            Ok(_) => {}
        }
        std::fs::read(path).map_err(|e| (msg(&e), 126))
    }

    /// The guest environment: the host's, then `--env` entries (replacing
    /// an inherited variable of the same name).
    fn environment(extra: &[Vec<u8>]) -> Vec<Vec<u8>> {
        let key = |e: &[u8]| e.split(|&b| b == b'=').next().unwrap_or(&[]).to_vec();
        let overridden: Vec<Vec<u8>> = extra.iter().map(|e| key(e)).collect();
        let mut envp: Vec<Vec<u8>> = std::env::vars_os()
            .map(|(k, v)| {
                let mut e = bytes_of(&k);
                e.push(b'=');
                e.extend(bytes_of(&v));
                e
            })
            .filter(|e| !overridden.contains(&key(e)))
            .collect();
        envp.extend(extra.iter().cloned());
        envp
    }

    fn run(cmd: RunCmd) -> i32 {
        let shown = cmd.program.to_string_lossy().into_owned();
        let mut fs = match FsCtx::build(&cmd.fs) {
            Ok(fs) => fs,
            Err(m) => {
                err_line(&format!("nanovm: {m}"));
                return 2;
            }
        };
        let loaded = if cmd.fs.root.is_some() {
            // A guest path, read through the guest's file system.
            fs.open_exec(&bytes_of(&cmd.program)).map_err(|e| {
                let code = if e == Errno::ENOENT { 127 } else { 126 };
                (e.message().to_string(), code)
            })
        } else {
            read_program(std::path::Path::new(&cmd.program))
        };
        let bytes = match loaded {
            Ok(b) => b,
            Err((m, code)) => {
                err_line(&format!("nanovm: {shown}: {m}"));
                return code;
            }
        };
        let mut argv = vec![bytes_of(&cmd.program)];
        argv.extend(cmd.args.iter().map(|a| bytes_of(a)));
        let envp = environment(&cmd.env);
        // A terminal on stdin and stdout: the guest gets a console (raw host terminal).
        let mut console = nanovm_runtime::host_tty::Console::open();
        let opts = Options {
            strace: cmd.strace,
            memory_limit: cmd.memory_mib.map(|m| m << 20),
            exe_name: bytes_of(&cmd.program),
            fs: cmd.fs.clone(),
            console: console.as_ref().map(|c| c.config()),
        };
        let mut vm = match Vm::load_with_fs(&bytes, &argv, &envp, &opts, fs) {
            Ok(vm) => vm,
            Err(e) => {
                err_line(&format!("nanovm: {shown}: {e}"));
                return e.exit_code();
            }
        };
        let mut host = StdHost::default();
        let start = Instant::now();
        let sigint = Arc::new(AtomicBool::new(false));
        // Without the handler Ctrl-C still ends the CLI (the default action).
        let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, sigint.clone());
        let state = loop {
            if let Some(c) = console.as_mut() {
                break c.run(&mut vm, &mut host, &sigint);
            }
            if sigint.swap(false, Ordering::SeqCst) {
                vm.interrupt(SIGINT);
            }
            match vm.run(&mut host, 1 << 22) {
                RunState::Running => continue,
                RunState::Idle { until } => {
                    // Every guest thread is parked: sleep until the deadline,
                    // in short steps so a Ctrl-C is delivered at once.
                    use nanovm_runtime::Host;
                    let now = host.monotonic_ns();
                    let wait = until.map_or(1_000_000, |u| u.saturating_sub(now));
                    let step = wait.min(IDLE_STEP_NS);
                    std::thread::sleep(std::time::Duration::from_nanos(step));
                }
                s => break s,
            }
        };
        // The host terminal back to its settings before any message.
        drop(console);
        if cmd.stats {
            let s = vm.stats();
            let secs = start.elapsed().as_secs_f64();
            let mips = if secs > 0.0 {
                s.instructions as f64 / secs / 1e6
            } else {
                0.0
            };
            err_line(&format!(
                "nanovm: instructions retired: {}, blocks built: {}, block runs: {}, \
                 syscalls: {}, time: {secs:.3} s, MIPS: {mips:.1}",
                s.instructions, s.blocks_built, s.block_runs, s.syscalls
            ));
        }
        match state {
            RunState::Exited(code) => code,
            RunState::Killed(sig) => {
                // Like a shell, say nothing about a SIGPIPE death (`prog | head`)
                // or a SIGINT one (Ctrl-C).
                if let Some(k) = vm.kill_info().filter(|_| sig != 13 && sig != SIGINT) {
                    err_line(&format!("nanovm: {shown}: {k}"));
                }
                128 + sig
            }
            RunState::Running | RunState::Idle { .. } => 0,
        }
    }

    pub fn main() {
        let args: Vec<OsString> = std::env::args_os().skip(1).collect();
        let code = match parse(&args) {
            Ok(Command::Help) => {
                let _ = writeln!(std::io::stdout(), "{USAGE}");
                0
            }
            Ok(Command::Run(cmd)) => run(cmd),
            Err(msg) => {
                err_line(&format!("nanovm: {msg}\n{USAGE}"));
                2
            }
        };
        std::process::exit(code);
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn p(args: &[&str]) -> Result<Command, String> {
            parse(&args.iter().map(OsString::from).collect::<Vec<_>>())
        }

        #[test]
        fn parses_run() {
            let Ok(Command::Run(c)) = p(&["run", "--stats", "--memory", "64", "--", "prog", "-x"])
            else {
                panic!("parse failed");
            };
            assert!(c.stats && !c.strace);
            assert_eq!(c.memory_mib, Some(64));
            assert_eq!(c.program, "prog");
            assert_eq!(c.args, vec![OsString::from("-x")]);
            let Ok(Command::Run(c)) = p(&["run", "--tier=interp", "--strace", "prog", "--stats"])
            else {
                panic!("parse failed");
            };
            assert!(c.strace && !c.stats);
            assert_eq!(c.args, vec![OsString::from("--stats")]);
            let Ok(Command::Run(c)) = p(&[
                "run",
                "--root",
                "/",
                "--mount",
                "/tmp:/mnt:ro",
                "--env",
                "A=1",
                "--cwd",
                "/tmp",
                "--",
                "/bin/sh",
            ]) else {
                panic!("parse failed");
            };
            assert_eq!(c.fs.root, Some("/".into()));
            assert_eq!(c.fs.mounts[0].guest, b"/mnt");
            assert!(c.fs.mounts[0].read_only);
            assert_eq!(c.fs.cwd, b"/tmp");
            assert_eq!(c.env, vec![b"A=1".to_vec()]);
        }

        #[test]
        fn rejects_bad_usage() {
            assert!(p(&[]).is_err());
            assert!(p(&["walk"]).is_err());
            assert!(p(&["run"]).is_err());
            assert!(p(&["run", "--bogus", "x"]).is_err());
            assert!(p(&["run", "--tier", "jit", "x"]).is_err());
            assert!(p(&["run", "--memory", "lots", "x"]).is_err());
            assert!(p(&["run", "--memory"]).is_err());
            assert!(p(&["run", "--"]).is_err());
            assert!(p(&["run", "--root", "/nonexistent/dir", "x"]).is_err());
            assert!(p(&["run", "--mount", "nocolon", "x"]).is_err());
            assert!(p(&["run", "--mount", "/a:rel", "x"]).is_err());
            assert!(p(&["run", "--env", "=x", "x"]).is_err());
            assert!(p(&["run", "--cwd", "rel", "x"]).is_err());
            assert_eq!(p(&["--help"]), Ok(Command::Help));
        }
    }
}
