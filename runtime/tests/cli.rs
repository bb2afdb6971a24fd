//! The `nanovm` command line: exit statuses and one-line diagnostics for
//! bad programs and bad usage, signal deaths, and a normal run.

mod common;

use common::{build, Link};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn nanovm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nanovm"))
        .args(args)
        .output()
        .expect("cannot run nanovm")
}

fn run_prog(path: &Path) -> Output {
    nanovm(&["run", "--", path.to_str().unwrap()])
}

fn tmpdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Asserts that nothing ran (empty stdout), exit status `code` and a single
/// stderr line `nanovm: PATH: ...` containing `needle`.
fn assert_rejected(out: &Output, path: &Path, code: i32, needle: &str) {
    assert!(out.stdout.is_empty());
    assert_one_line(out, path, code, needle);
}

/// Asserts exit status `code` and a single stderr line `nanovm: PATH: ...`
/// containing `needle`.
fn assert_one_line(out: &Output, path: &Path, code: i32, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    assert!(err.ends_with('\n'));
    let prefix = format!("nanovm: {}: ", path.display());
    assert!(err.starts_with(&prefix), "{err:?} does not name {prefix:?}");
    assert!(err.contains(needle), "{err:?} does not mention {needle:?}");
}

fn u16_at(b: &[u8], o: usize) -> u16 {
    u16::from_le_bytes([b[o], b[o + 1]])
}

fn u64_at(b: &[u8], o: usize) -> u64 {
    u64::from_le_bytes(b[o..o + 8].try_into().unwrap())
}

/// Offsets of the PT_LOAD program headers of a real static binary.
fn load_phdrs(b: &[u8]) -> Vec<usize> {
    let phoff = u64_at(b, 32) as usize;
    let n = u16_at(b, 56) as usize;
    (0..n)
        .map(|i| phoff + i * 56)
        .filter(|&h| u32::from_le_bytes(b[h..h + 4].try_into().unwrap()) == 1)
        .collect()
}

#[test]
fn runs_a_program() {
    let prog = build("hello", Link::Static);
    let out = run_prog(&prog);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"Hello, world!\n42 forty-two 2a -42\n");
    assert!(out.stderr.is_empty());
    let prog = build("exitcode", Link::Static);
    let out = nanovm(&["run", prog.to_str().unwrap(), "7"]);
    assert_eq!(out.status.code(), Some(7));
}

#[test]
fn stats_and_strace() {
    let prog = build("hello", Link::Static);
    let p = prog.to_str().unwrap();
    let out = nanovm(&["run", "--stats", "--tier", "interp", "--memory", "64", p]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("instructions retired") && err.contains("MIPS"),
        "{err}"
    );
    let out = nanovm(&["run", "--strace", p]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("write(1, \"Hello, world!\\n"), "{err}");
    assert!(err.contains("exit_group(0) = ?"), "{err}");
}

#[test]
fn killed_by_signal() {
    let prog = build("segv", Link::Static);
    let out = run_prog(&prog);
    assert_eq!(out.stdout, b"before\n");
    assert_one_line(&out, &prog, 139, "Segmentation fault (SIGSEGV at 0x0)");
    let prog = build("illegal", Link::Static);
    let out = run_prog(&prog);
    assert_eq!(out.stdout, b"before\n");
    assert_one_line(&out, &prog, 132, "Illegal instruction (SIGILL at 0x");
    let prog = build("abort", Link::Static);
    let out = run_prog(&prog);
    assert_eq!(out.stdout, b"aborting\n");
    assert_one_line(&out, &prog, 134, "Aborted (SIGABRT)");
}

#[test]
fn missing_file_and_directory() {
    let d = tmpdir("missing");
    let missing = d.join("nope");
    assert_rejected(
        &run_prog(&missing),
        &missing,
        127,
        "No such file or directory",
    );
    assert_rejected(&run_prog(&d), &d, 126, "Is a directory");
}

#[test]
fn not_elf_files() {
    let d = tmpdir("notelf");
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty", b"", "not an ELF file"),
        ("script", b"#!/bin/sh\necho hi\n", "not an ELF file"),
        ("tiny", b"\x7fE", "not an ELF file"),
        ("header", b"\x7fELF\x02\x01\x01\0\0\0", "truncated"),
    ];
    for (name, bytes, needle) in cases {
        let p = d.join(name);
        std::fs::write(&p, bytes).unwrap();
        assert_rejected(&run_prog(&p), &p, 126, needle);
    }
}

#[test]
fn patched_binaries() {
    let real = std::fs::read(build("hello", Link::Static)).unwrap();
    let d = tmpdir("patched");
    let check = |name: &str, bytes: &[u8], code: i32, needle: &str| {
        let p = d.join(name);
        std::fs::write(&p, bytes).unwrap();
        assert_rejected(&run_prog(&p), &p, code, needle);
    };
    let mut b = real.clone();
    b[18..20].copy_from_slice(&62u16.to_le_bytes());
    check("x86", &b, 126, "x86-64");
    let mut b = real.clone();
    b[18..20].copy_from_slice(&183u16.to_le_bytes());
    check("arm64", &b, 126, "AArch64");
    let mut b = real.clone();
    b[4] = 1;
    check("elf32", &b, 126, "32-bit");
    let mut b = real.clone();
    b[16] = 1;
    check("relocatable", &b, 126, "not an executable");
    check("truncated", &real[..real.len() / 2], 126, "truncated");
    check("truncated-phdrs", &real[..100], 126, "truncated");
    let loads = load_phdrs(&real);
    assert!(loads.len() >= 2, "expected two PT_LOADs");
    let mut b = real.clone();
    let first_vaddr = b[loads[0] + 16..loads[0] + 24].to_vec();
    b[loads[1] + 16..loads[1] + 24].copy_from_slice(&first_vaddr);
    check("overlap", &b, 126, "overlapping");
    let mut b = real.clone();
    b[loads[1] + 40..loads[1] + 48].copy_from_slice(&(1u64 << 60).to_le_bytes());
    check("huge", &b, 126, "out of the address space");
    let mut b = real.clone();
    b[loads[0] + 16..loads[0] + 24].copy_from_slice(&(u64::MAX - 0xfff).to_le_bytes());
    check("wrap", &b, 126, "out of the address space");
    let mut b = real.clone();
    b[loads[1] + 40..loads[1] + 48].copy_from_slice(&1u64.to_le_bytes());
    check("filesz", &b, 126, "file size larger than memory size");
}

/// A `--root` tree holding `prog` as `/prog` and `interp` (if any) as
/// `/lib/ld-linux-riscv64-lp64d.so.1`.
fn root_with(name: &str, prog: &Path, interp: Option<&[u8]>) -> PathBuf {
    let root = tmpdir(name);
    std::fs::copy(prog, root.join("prog")).unwrap();
    if let Some(bytes) = interp {
        std::fs::create_dir_all(root.join("lib")).unwrap();
        let ld = root.join("lib/ld-linux-riscv64-lp64d.so.1");
        std::fs::write(&ld, bytes).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&ld, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    root
}

#[test]
fn dynamic_program_needs_its_interpreter() {
    let prog = build("hello", Link::Dynamic);
    // Without --root the guest file system has no /lib: as bash says it.
    assert_rejected(
        &run_prog(&prog),
        &prog,
        127,
        "cannot execute: required file not found (no interpreter /lib/ld-linux-riscv64-lp64d.so.1)",
    );
    let run_root = |root: &Path| nanovm(&["run", "--root", root.to_str().unwrap(), "--", "/prog"]);
    let shown = Path::new("/prog");
    let root = root_with("interp-missing", &prog, None);
    assert_rejected(&run_root(&root), shown, 127, "required file not found");
    let root = root_with("interp-text", &prog, Some(b"#!/bin/sh\n"));
    assert_rejected(
        &run_root(&root),
        shown,
        126,
        "bad ELF interpreter /lib/ld-linux-riscv64-lp64d.so.1: not an ELF file",
    );
    // A loader for another machine (the host's own ELF files are not riscv64).
    let host_elf = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    let root = root_with("interp-machine", &prog, Some(&host_elf));
    assert_rejected(&run_root(&root), shown, 126, "wrong architecture");
}

/// A dynamically linked program runs its PT_INTERP loader first: a
/// stand-in loader (tests/guest/fakeld.c) checks AT_BASE and AT_ENTRY and
/// jumps to the program, which exits 42. Byte for byte as qemu-riscv64.
#[test]
fn dynamic_program_starts_in_its_interpreter() {
    let ld = build("fakeld", Link::StaticPie);
    let dir = tmpdir("fakeld");
    let src = dir.join("main.c");
    std::fs::write(
        &src,
        "asm(\".globl _start\\n_start: li a0, 42; li a7, 93; ecall\");\n",
    )
    .unwrap();
    let main = dir.join("main");
    let st = Command::new(common::CC)
        .args(["-nostdlib", "-pie", "-fPIE"])
        .arg("-Wl,--dynamic-linker=/lib/ld-linux-riscv64-lp64d.so.1")
        .arg("-o")
        .arg(&main)
        .arg(&src)
        .status()
        .expect("cannot run the cross compiler");
    assert!(st.success());
    let root = root_with("interp-fake", &main, Some(&std::fs::read(&ld).unwrap()));
    let out = nanovm(&["run", "--root", root.to_str().unwrap(), "--", "/prog"]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.stdout, b"interp: ok\n");
    assert_eq!(out.status.code(), Some(42));
    let q = Command::new(common::QEMU)
        .arg("-L")
        .arg(&root)
        .arg(root.join("prog"))
        .output()
        .expect("cannot run qemu-riscv64");
    assert_eq!(q.stdout, out.stdout);
    assert_eq!(q.status.code(), Some(42));
}

#[test]
fn usage_errors() {
    let prog = build("hello", Link::Static);
    let p = prog.to_str().unwrap();
    for args in [
        &[][..],
        &["walk"][..],
        &["run"][..],
        &["run", "--bogus", p][..],
        &["run", "--tier", "jit", p][..],
        &["run", "--memory", "lots", p][..],
        &["run", "--memory"][..],
    ] {
        let out = nanovm(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("usage: nanovm run"), "{args:?}: {err}");
        assert!(!err.contains("panicked"));
    }
    let out = nanovm(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn memory_limit_kills_like_the_oom_killer() {
    let prog = build("malloc", Link::Static);
    let p = prog.to_str().unwrap();
    let out = nanovm(&["run", "--memory", "1", "--", p]);
    assert_one_line(&out, &prog, 137, "Killed (SIGKILL: out of guest memory)");
    let out = nanovm(&["run", "--memory=64", "--", p]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.starts_with(b"checksum "));
}

#[test]
fn closed_stdout_kills_with_sigpipe_silently() {
    use std::io::Read;
    use std::process::Stdio;
    let prog = build("flood", Link::Static);
    let mut child = Command::new(env!("CARGO_BIN_EXE_nanovm"))
        .args(["run", "--", prog.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 7];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    assert_eq!(&first, b"line 0\n");
    // The read end is dropped here.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(128 + 13));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Ctrl-C with stdin a pipe: the CLI catches SIGINT and delivers it to the
/// guest (spinning without syscalls), whose handler runs; without a handler
/// the guest dies of it and the CLI exits 130 without a message.
#[test]
fn sigint_reaches_a_spinning_guest() {
    use std::io::Read;
    use std::process::Stdio;
    let prog = build("spin", Link::Static);
    for (args, code, stdout) in [
        (&["catch"][..], 3, "ready\ncaught SIGINT\n"),
        (&[][..], 130, "ready\n"),
        (&["sleep"][..], 130, "ready\n"),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nanovm"))
            .args(["run", "--", prog.to_str().unwrap()])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = child.stdout.take().unwrap();
        let mut first = [0u8; 6];
        out.read_exact(&mut first).unwrap();
        assert_eq!(&first, b"ready\n");
        let st = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
        let mut rest = Vec::new();
        out.read_to_end(&mut rest).unwrap();
        let res = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&res.stderr);
        assert_eq!(res.status.code(), Some(code), "{args:?}: {err}");
        assert_eq!(
            format!("ready\n{}", String::from_utf8_lossy(&rest)),
            stdout,
            "{args:?}"
        );
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn root_mount_env_and_cwd() {
    let d = tmpdir("root");
    std::fs::create_dir_all(d.join("bin")).unwrap();
    std::fs::create_dir_all(d.join("tmp")).unwrap();
    std::fs::create_dir_all(d.join("work")).unwrap();
    std::fs::copy(build("hello", Link::Static), d.join("bin/hello")).unwrap();
    let root = d.to_str().unwrap();
    let out = nanovm(&["run", "--root", root, "--", "/bin/hello"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", out);
    assert_eq!(out.stdout, b"Hello, world!\n42 forty-two 2a -42\n");
    // A guest path that does not exist in the root: 127, one line.
    let out = nanovm(&["run", "--root", root, "--", "/bin/nope"]);
    assert_rejected(
        &out,
        Path::new("/bin/nope"),
        127,
        "No such file or directory",
    );
    let out = nanovm(&["run", "--root", root, "--", "/tmp"]);
    assert_rejected(&out, Path::new("/tmp"), 126, "Permission denied");
    // Bad file-system options are usage errors.
    for args in [
        &["run", "--root", "/nonexistent/x", "--", "/bin/hello"][..],
        &["run", "--mount", "bad", "--", "/bin/hello"],
        &[
            "run",
            "--root",
            root,
            "--cwd",
            "/missing",
            "--",
            "/bin/hello",
        ],
        &[
            "run",
            "--root",
            root,
            "--mount",
            "/tmp:/not-there",
            "--",
            "/bin/hello",
        ],
    ] {
        let out = nanovm(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(out.stdout.is_empty());
    }
    // The args guest prints its arguments and environment.
    std::fs::copy(build("args", Link::Static), d.join("bin/args")).unwrap();
    let mnt = format!("{}:/work", d.join("work").display());
    let out = Command::new(env!("CARGO_BIN_EXE_nanovm"))
        .args(["run", "--root", root, "--mount", &mnt, "--cwd", "/work"])
        .args(["--env", "GUEST=yes", "--", "/bin/args", "x"])
        .env_clear()
        .env("HOSTVAR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("GUEST=yes") && text.contains("HOSTVAR=1"),
        "{text}"
    );
}

/// A real dynamically linked glibc program, run with the guest image's
/// `ld.so` and libc (`scripts/build-image.sh`), byte for byte as
/// `qemu-riscv64 -L IMAGE`. Opt-in: only when `NANOVM_IMAGE` names the image
/// directory (a missing image is then a failure), because the image is built
/// by `make image`, not by `cargo test`. The image's `/usr/lib` is mounted at
/// `/lib` (where PT_INTERP and the loader's search path point) on the
/// default root, so the program itself can stay a host path.
#[test]
fn dynamic_glibc_program_with_the_image() {
    let Some(image) = std::env::var_os("NANOVM_IMAGE") else {
        eprintln!("skipped: set NANOVM_IMAGE=build/image (scripts/build-image.sh) to run");
        return;
    };
    // A relative path is relative to the repository root.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let image = std::fs::canonicalize(repo.join(&image))
        .unwrap_or_else(|e| panic!("NANOVM_IMAGE={}: {e}", Path::new(&image).display()));
    let lib = image.join("usr/lib");
    assert!(
        lib.join("ld-linux-riscv64-lp64d.so.1").exists(),
        "NANOVM_IMAGE={}: no usr/lib/ld-linux-riscv64-lp64d.so.1 (run scripts/build-image.sh)",
        image.display()
    );
    let prog = build("hello", Link::Dynamic);
    let mount = format!("{}:/lib:ro", lib.display());
    let out = nanovm(&["run", "--mount", &mount, "--", prog.to_str().unwrap()]);
    let q = Command::new(common::QEMU)
        .arg("-L")
        .arg(&image)
        .arg(&prog)
        .output()
        .expect("cannot run qemu-riscv64");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.stdout, q.stdout);
    assert_eq!(out.stdout, b"Hello, world!\n42 forty-two 2a -42\n");
    assert_eq!(out.status.code(), Some(0));
}
