//! Shared helpers for the integration tests: building the guest programs in
//! `tests/guest/` with the riscv64 cross compiler, and running a binary
//! under `qemu-riscv64`, the reference.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

static BUILD_LOCK: Mutex<()> = Mutex::new(());

/// Cross compiler used for the guests.
pub const CC: &str = "riscv64-linux-gnu-gcc";
/// The reference emulator.
pub const QEMU: &str = "qemu-riscv64";

/// How to link a guest.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Link {
    /// `-static`
    Static,
    /// `-static-pie` without libc: this toolchain's glibc has no static-pie
    /// start file (`rcrt1.o`), so such guests use raw syscalls.
    StaticPie,
    /// Default dynamic linking (runs with a dynamic loader, e.g. the image's).
    Dynamic,
}

fn guest_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/guest")
}

/// Builds `tests/guest/NAME.c` (once; rebuilt when the source is newer)
/// and returns the binary's path. Panics with a clear message when the
/// cross compiler is missing: these tests must not pass vacuously.
pub fn build(name: &str, link: Link) -> PathBuf {
    let _guard = BUILD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let src = guest_dir().join(format!("{name}.c"));
    let suffix = match link {
        Link::Static => "",
        Link::StaticPie => "-pie",
        Link::Dynamic => "-dyn",
    };
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("guest");
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = out_dir.join(format!("{name}{suffix}"));
    let fresh = match (std::fs::metadata(&out), std::fs::metadata(&src)) {
        (Ok(o), Ok(s)) => o.modified().unwrap() >= s.modified().unwrap(),
        _ => false,
    };
    if fresh {
        return out;
    }
    let tmp = out_dir.join(format!("{name}{suffix}.tmp{}", std::process::id()));
    let mut cmd = Command::new(CC);
    cmd.arg("-O2");
    match link {
        Link::Static => {
            cmd.arg("-static");
        }
        Link::StaticPie => {
            cmd.args([
                "-static-pie",
                "-fPIE",
                "-nostdlib",
                "-ffreestanding",
                "-fno-builtin",
                "-Wl,--no-dynamic-linker",
            ]);
        }
        Link::Dynamic => {}
    }
    cmd.arg("-o").arg(&tmp).arg(&src);
    if link != Link::StaticPie {
        cmd.arg("-lm");
    }
    let status = cmd.status().unwrap_or_else(|e| {
        panic!("cannot run the cross compiler `{CC}` ({e}); install gcc-riscv64-linux-gnu")
    });
    assert!(status.success(), "{CC} failed to build {}", src.display());
    std::fs::rename(&tmp, &out).unwrap();
    out
}

/// Outcome of running a guest somewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Captured stdout.
    pub stdout: Vec<u8>,
    /// Captured stderr.
    pub stderr: Vec<u8>,
    /// `Ok(code)` for an exit, `Err(signal)` when killed.
    pub status: Result<i32, i32>,
}

/// Runs `prog ARGS` under qemu-riscv64 with exactly the environment `env`,
/// in that order (through `env -i`, since `Command` reorders variables).
pub fn run_qemu(prog: &Path, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Outcome {
    use std::io::Write;
    use std::os::unix::process::ExitStatusExt;
    let mut child = Command::new("env")
        .arg("-i")
        .args(env.iter().map(|(k, v)| format!("{k}={v}")))
        .arg(which(QEMU))
        .arg(prog)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `env` ({e})"));
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    let status = match out.status.code() {
        Some(c) => Ok(c),
        None => Err(out.status.signal().unwrap_or(0)),
    };
    Outcome {
        stdout: out.stdout,
        stderr: out.stderr,
        status,
    }
}

/// Full path of `tool` on `PATH`; panics with a clear message if it is missing.
pub fn which(tool: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("`{tool}` is not installed (needed as the reference); install qemu-user")
        })
}
