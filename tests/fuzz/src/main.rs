//! Command line: `nanovm-fuzzgen --seed S --count K --len N [--first I] --out file.S` writes
//! the assembly of sequences `I..I+K` of run `(S, N)` (default: seed 0x5eed2026, first 0,
//! count 1000, len 32; `-` or no `--out` writes to stdout).

use nanovm_fuzzgen::{asm, generate, DEFAULT_LEN, DEFAULT_SEED};
use std::process::ExitCode;

fn parse_u64(s: &str) -> Option<u64> {
    match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => s.parse().ok(),
    }
}

fn main() -> ExitCode {
    let (mut seed, mut first, mut count, mut len, mut out) = (
        DEFAULT_SEED,
        0u64,
        1000u64,
        DEFAULT_LEN as u64,
        None::<String>,
    );
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let val = args.next();
        let num = val.as_deref().and_then(parse_u64);
        match (a.as_str(), num) {
            ("--seed", Some(v)) => seed = v,
            ("--first", Some(v)) => first = v,
            ("--count", Some(v)) => count = v,
            ("--len", Some(v)) => len = v,
            ("--out", _) if val.is_some() => out = val,
            _ => {
                eprintln!(
                    "usage: nanovm-fuzzgen [--seed S] [--first I] [--count K] [--len N] [--out file.S]"
                );
                return ExitCode::from(2);
            }
        }
    }
    let text = asm::program(&generate(seed, first, count, len as usize));
    match out.as_deref() {
        None | Some("-") => print!("{text}"),
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("nanovm-fuzzgen: {path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
