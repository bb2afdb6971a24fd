//! Building generated programs with the cross toolchain and running them under qemu-riscv64.
//!
//! Tool names can be overridden with `NANOVM_FUZZ_CC` and `NANOVM_FUZZ_QEMU`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The cross compiler driver used to assemble and link.
pub fn cc() -> String {
    std::env::var("NANOVM_FUZZ_CC").unwrap_or_else(|_| "riscv64-linux-gnu-gcc".into())
}

/// The reference emulator.
pub fn qemu() -> String {
    std::env::var("NANOVM_FUZZ_QEMU").unwrap_or_else(|_| "qemu-riscv64".into())
}

/// True when both the compiler and qemu can be started.
pub fn tools_available() -> bool {
    let ok = |prog: String| {
        Command::new(prog)
            .arg("--version")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    ok(cc()) && ok(qemu())
}

/// Writes `asm` to `dir/name.S` and links it into the static executable `dir/name`.
pub fn build(asm: &str, dir: &Path, name: &str) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let src = dir.join(format!("{name}.S"));
    let exe = dir.join(name);
    std::fs::write(&src, asm).map_err(|e| format!("{}: {e}", src.display()))?;
    let out = Command::new(cc())
        .args([
            "-nostdlib",
            "-static",
            "-march=rv64gc",
            "-mabi=lp64d",
            "-Wl,--no-relax",
            "-o",
        ])
        .arg(&exe)
        .arg(&src)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", cc()))?;
    if !out.status.success() {
        return Err(format!(
            "assembling {} failed:\n{}",
            src.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(exe)
}

/// How a guest run ended, plus what it wrote to stdout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOutput {
    /// Bytes written to fd 1.
    pub stdout: Vec<u8>,
    /// Exit code, or `None` if killed by a signal.
    pub code: Option<i32>,
    /// Killing signal, if any.
    pub signal: Option<i32>,
}

/// Runs `exe` under qemu-riscv64.
pub fn run_qemu(exe: &Path) -> Result<RunOutput, String> {
    use std::os::unix::process::ExitStatusExt;
    let out = Command::new(qemu())
        .arg(exe)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", qemu()))?;
    Ok(RunOutput {
        stdout: out.stdout,
        code: out.status.code(),
        signal: out.status.signal(),
    })
}

/// A fresh scratch directory under the system temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("nanovm-fuzz-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}
