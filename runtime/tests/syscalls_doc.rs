//! `docs/syscalls.md` is generated from the syscall table: this test renders
//! it and fails when the committed page differs, so the page can never drift
//! from the code. `NANOVM_BLESS=1 cargo test -p nanovm-runtime --test
//! syscalls_doc` rewrites it.

use nanovm_runtime::syscall::names::LINUX_SYSCALLS;
use nanovm_runtime::syscall::table::{Level, TABLE};
use std::fmt::Write as _;
use std::path::Path;

fn render() -> String {
    let mut out = String::new();
    let (mut full, mut partial, mut nosys) = (0, 0, 0);
    for row in TABLE {
        match row.level {
            Level::Full => full += 1,
            Level::Partial => partial += 1,
            Level::NoSys => nosys += 1,
        }
    }
    let missing = LINUX_SYSCALLS
        .iter()
        .filter(|(nr, _)| !TABLE.iter().any(|r| r.nr == *nr))
        .count();
    writeln!(
        out,
        "# System calls\n\n\
         Generated from `runtime/src/syscall/table.rs` by `runtime/tests/syscalls_doc.rs`\n\
         (`NANOVM_BLESS=1 cargo test -p nanovm-runtime --test syscalls_doc`); do not edit by hand.\n\n\
         Every system call of Linux's riscv64 ABI with NanoVM's support level:\n\n\
         - **full**: Linux semantics.\n\
         - **partial**: real semantics within today's limits; the handler's documentation says which.\n\
         - **ENOSYS (deliberate)**: answered with `-ENOSYS` on purpose; the C library falls back.\n\
         - **ENOSYS**: not implemented; returns `-ENOSYS` and is reported once under `--strace`.\n\n\
         Totals: {full} full, {partial} partial, {nosys} deliberately ENOSYS, {missing} not implemented.\n\n\
         | nr | name | status |\n| ---: | --- | --- |"
    )
    .unwrap();
    for (nr, name) in LINUX_SYSCALLS {
        let status = match TABLE.iter().find(|r| r.nr == *nr) {
            Some(r) => match r.level {
                Level::Full => "full",
                Level::Partial => "partial",
                Level::NoSys => "ENOSYS (deliberate)",
            },
            None => "ENOSYS",
        };
        writeln!(out, "| {nr} | `{name}` | {status} |").unwrap();
    }
    out
}

#[test]
fn table_rows_are_linux_syscalls() {
    for row in TABLE {
        let linux = LINUX_SYSCALLS.iter().find(|(nr, _)| *nr == row.nr);
        assert!(
            linux.is_some(),
            "table row {} ({}) is not a riscv64 syscall",
            row.nr,
            row.name
        );
    }
}

#[test]
fn syscalls_md_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/syscalls.md");
    let want = render();
    if std::env::var_os("NANOVM_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/syscalls.md is out of date with the syscall table; regenerate it with \
         NANOVM_BLESS=1 cargo test -p nanovm-runtime --test syscalls_doc"
    );
}
