//! Cross-check of the decoder and disassembler against GNU objdump
//! (`riscv64-linux-gnu-objdump -M no-aliases,numeric`): every one of the
//! 49152 compressed halfwords, and a few hundred thousand 32-bit words (every
//! major opcode × funct3 × funct7 with random register fields, all of OP-FP
//! and AMO by their selector fields, fences, SYSTEM specials, and random
//! words). Legal/illegal must agree and legal words must print the same.
//!
//! Where objdump and the specification disagree the spec wins; each such
//! case is one named entry of [`exception`] (and counted, so a rule that
//! stops matching anything is noticed). If objdump is missing the test fails.

use super::{decode, disasm::disasm, Op};
use std::collections::HashMap;
use std::process::Command;

const OBJDUMP: &str = "riscv64-linux-gnu-objdump";

/// A small xorshift generator: the sample is the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 16) as u32
    }
}

/// Runs objdump over `bytes` (a raw binary) and returns the text of each
/// instruction by offset, with objdump's tab after the mnemonic turned into a
/// space and its `# ...` comments dropped.
fn objdump(name: &str, bytes: &[u8]) -> HashMap<u64, String> {
    let path =
        std::env::temp_dir().join(format!("nanovm-decode-{}-{name}.bin", std::process::id()));
    std::fs::write(&path, bytes).expect("writing the objdump input file");
    let out = Command::new(OBJDUMP)
        .args([
            "-D",
            "-b",
            "binary",
            "-m",
            "riscv:rv64",
            "-M",
            "no-aliases,numeric",
        ])
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    let out = match out {
        Ok(o) => o,
        Err(e) => panic!(
            "this test needs GNU binutils for RISC-V: could not run `{OBJDUMP}` ({e}); \
             install binutils-riscv64-linux-gnu"
        ),
    };
    assert!(
        out.status.success(),
        "{OBJDUMP} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("objdump output is UTF-8");
    let mut map = HashMap::new();
    for line in text.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(addr), Some(_hex), Some(insn)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Some(addr) = addr.trim().strip_suffix(':') else {
            continue;
        };
        let Ok(addr) = u64::from_str_radix(addr, 16) else {
            continue;
        };
        let insn = insn
            .split(" #")
            .next()
            .unwrap_or("")
            .trim()
            .replacen('\t', " ", 1);
        map.insert(addr, insn);
    }
    map
}

/// True if objdump's text says it could not decode the word.
fn objdump_illegal(t: &str) -> bool {
    t.starts_with(".2byte") || t.starts_with(".4byte") || t.starts_with(".byte") || t == "c.unimp"
}

/// Rewrites the CSR operand of a Zicsr instruction as a hex number, using
/// objdump's own names for every CSR number.
fn normalize_csr(t: &str, names: &HashMap<String, u32>) -> String {
    let Some((mn, ops)) = t.split_once(' ') else {
        return t.to_string();
    };
    if !mn.starts_with("csrr") {
        return t.to_string();
    }
    let v: Vec<&str> = ops.split(',').collect();
    if v.len() != 3 {
        return t.to_string();
    }
    let n = match names.get(v[1]) {
        Some(&n) => n,
        None => match v[1]
            .strip_prefix("0x")
            .and_then(|h| u32::from_str_radix(h, 16).ok())
        {
            Some(n) => n,
            None => return t.to_string(),
        },
    };
    format!("{mn} {},0x{n:x},{}", v[0], v[2])
}

/// The 32-bit form objdump's `c.*` text stands for, or `None` for an illegal
/// halfword.
fn expand_c(t: &str) -> Option<String> {
    if objdump_illegal(t) {
        return None;
    }
    let (mn, ops) = t.split_once(' ').unwrap_or((t, ""));
    let o: Vec<&str> = ops.split(',').collect();
    let s = match mn {
        "c.addi4spn" => format!("addi {},{},{}", o[0], o[1], o[2]),
        "c.fld" | "c.lw" | "c.ld" | "c.fsd" | "c.sw" | "c.sd" => format!("{} {ops}", &mn[2..]),
        "c.fldsp" | "c.lwsp" | "c.ldsp" | "c.fsdsp" | "c.swsp" | "c.sdsp" => {
            format!("{} {ops}", &mn[2..mn.len() - 2])
        }
        "c.nop" => "addi x0,x0,0".to_string(),
        "c.addi" | "c.addiw" | "c.andi" | "c.srli" | "c.srai" | "c.slli" => {
            format!("{} {},{},{}", &mn[2..], o[0], o[0], o[1])
        }
        "c.srli64" | "c.srai64" | "c.slli64" => format!("{} {},{},0x0", &mn[2..6], o[0], o[0]),
        "c.li" => format!("addi {},x0,{}", o[0], o[1]),
        "c.addi16sp" => format!("addi x2,x2,{}", o[1]),
        "c.lui" => format!("lui {ops}"),
        "c.sub" | "c.xor" | "c.or" | "c.and" | "c.subw" | "c.addw" | "c.add" => {
            format!("{} {},{},{}", &mn[2..], o[0], o[0], o[1])
        }
        "c.mv" => format!("add {},x0,{}", o[0], o[1]),
        "c.j" => format!("jal x0,{}", o[0]),
        "c.beqz" => format!("beq {},x0,{}", o[0], o[1]),
        "c.bnez" => format!("bne {},x0,{}", o[0], o[1]),
        "c.jr" => format!("jalr x0,0({})", o[0]),
        "c.jalr" => format!("jalr x1,0({})", o[0]),
        "c.ebreak" => "ebreak".to_string(),
        _ => panic!("objdump printed an unexpected compressed instruction: {t}"),
    };
    Some(s)
}

/// A documented disagreement between objdump and the specification, for
/// `word` that we decode as `ours` (None = illegal) and objdump prints as
/// `theirs` (None = illegal). Returns the rule's name.
fn exception(word: u32, ours: Option<&str>, theirs: Option<&str>) -> Option<&'static str> {
    let opcode = word & 0x7f;
    let f3 = (word >> 12) & 7;
    match (ours, theirs) {
        (None, Some(t)) => {
            let mn = t.split(' ').next().unwrap_or("");
            let base = mn
                .trim_end_matches(".aqrl")
                .trim_end_matches(".aq")
                .trim_end_matches(".rl");
            if word & 3 != 3 {
                // c.addi16sp with nzimm == 0 is reserved (RVC spec); objdump
                // prints it as `c.addi16sp x2,0`.
                return (word == 0x6101).then_some("c.addi16sp imm=0 is reserved");
            }
            if !Op::ALL.iter().any(|o| o.mnemonic() == base) {
                // objdump knows every ratified extension (privileged ops,
                // Zfh, Q, B, V, Zicbo*, ...); none of them is RV64GC.
                return Some("not an RV64GC instruction");
            }
            if opcode == 0x73 && f3 == 0 {
                return None;
            }
            if t.ends_with(",unknown") && mn.starts_with('f') {
                // rm 5 and 6 are reserved; objdump prints them as `unknown`.
                return Some("reserved rounding mode");
            }
            None
        }
        (Some(_), None) => {
            if opcode == 0x0f && f3 == 0 {
                // The spec: reserved fm values act as a normal fence, and the
                // rd/rs1 fields are ignored; objdump rejects both.
                return Some("fence with reserved fm/rd/rs1");
            }
            if opcode == 0x0f && f3 == 1 {
                return Some("fence.i with nonzero reserved fields");
            }
            let f7 = word >> 25;
            let rs2 = (word >> 20) & 31;
            if opcode == 0x53 && f3 != 0 && ((f7 == 0x21 && rs2 == 0) || (f7 == 0x69 && rs2 < 2)) {
                // fcvt.d.s / fcvt.d.w / fcvt.d.wu have an rm field (unused as
                // they are exact); binutils 2.40 only accepts rm = 0.
                return Some("exact fcvt.d.* with rm != 0");
            }
            None
        }
        _ => None,
    }
}

/// Compares one word; on disagreement, returns a description.
fn check(
    word: u32,
    pc: u64,
    ours: Option<String>,
    theirs: Option<String>,
    stats: &mut HashMap<&'static str, usize>,
) -> Option<String> {
    if ours == theirs {
        return None;
    }
    if let Some(rule) = exception(word, ours.as_deref(), theirs.as_deref()) {
        *stats.entry(rule).or_default() += 1;
        return None;
    }
    Some(format!(
        "{word:#010x} at {pc:#x}: ours {ours:?}, objdump {theirs:?}"
    ))
}

fn report(what: &str, bad: &[String], n: usize) {
    if !bad.is_empty() {
        let shown: Vec<&str> = bad.iter().take(40).map(|s| s.as_str()).collect();
        panic!(
            "{what}: {} of {n} disagree with objdump:\n{}",
            bad.len(),
            shown.join("\n")
        );
    }
}

#[test]
fn compressed_matches_objdump() {
    let halfs: Vec<u16> = (0..=0xffffu16).filter(|h| h & 3 != 3).collect();
    let bytes: Vec<u8> = halfs.iter().flat_map(|h| h.to_le_bytes()).collect();
    let dump = objdump("rvc", &bytes);
    let mut stats = HashMap::new();
    let mut bad = Vec::new();
    let mut legal = 0;
    for (k, &h) in halfs.iter().enumerate() {
        let pc = 2 * k as u64;
        let t = dump
            .get(&pc)
            .unwrap_or_else(|| panic!("objdump skipped offset {pc:#x}"));
        let theirs = expand_c(t);
        legal += decode(h as u32).is_ok() as usize;
        let ours = decode(h as u32).ok().map(|i| disasm(&i, pc));
        if let Some(e) = check(h as u32, pc, ours, theirs, &mut stats) {
            bad.push(e);
        }
    }
    report("compressed halfwords", &bad, halfs.len());
    // Every rule must still be needed, and the sample must be meaningful.
    assert_eq!(
        stats.get("c.addi16sp imm=0 is reserved"),
        Some(&1),
        "{stats:?}"
    );
    assert!(legal > 45000, "only {legal} legal halfwords");
}

/// The 32-bit sample; see the module documentation.
fn sample32() -> Vec<u32> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut w = Vec::with_capacity(400_000);
    // Every CSR number, so objdump's CSR names can be mapped back.
    w.extend((0..4096u32).map(|c| c << 20 | 2 << 12 | 0x73));
    for op5 in 0..32u32 {
        if op5 & 7 == 7 {
            continue; // 48-bit and longer encodings
        }
        let opcode = op5 << 2 | 3;
        for f3 in 0..8u32 {
            for f7 in 0..128u32 {
                for _ in 0..5 {
                    let fields = rng.next() & 0x01ff_8f80; // rd, rs1, rs2
                    w.push(f7 << 25 | fields | f3 << 12 | opcode);
                }
            }
        }
    }
    // OP-FP and AMO by every funct7 × rs2 × funct3 (rs2 is a selector).
    for opcode in [0x53u32, 0x2f] {
        for sel in 0..(1u32 << 15) {
            let (f7, rs2, f3) = (sel >> 8, (sel >> 3) & 31, sel & 7);
            let fields = rng.next() & 0x000f_8f80; // rd, rs1
            w.push(f7 << 25 | rs2 << 20 | fields | f3 << 12 | opcode);
        }
    }
    // Fences: every fm/pred/succ, plus nonzero rd/rs1.
    for imm in 0..4096u32 {
        w.push(imm << 20 | 0x0f);
    }
    w.extend([
        0x0000_008f,
        0x0000_800f,
        0x0000_100f,
        0x0000_108f,
        0x0010_100f,
    ]);
    // SYSTEM specials: ecall/ebreak and their neighbours, privileged ops.
    w.extend([
        0x0000_0073,
        0x0010_0073,
        0x0000_00f3,
        0x0000_8073,
        0x0020_0073,
        0x0030_0073,
    ]);
    w.extend([
        0x1020_0073,
        0x3020_0073,
        0x1050_0073,
        0x1200_0073,
        0x7b20_0073,
        0x0000_4073,
    ]);
    // Random words.
    for _ in 0..100_000 {
        let x = rng.next() | 3;
        if x & 0x1c != 0x1c {
            w.push(x);
        }
    }
    w
}

#[test]
fn words_match_objdump() {
    let words = sample32();
    let bytes: Vec<u8> = words.iter().flat_map(|x| x.to_le_bytes()).collect();
    let dump = objdump("rv32", &bytes);
    let at = |k: usize| {
        dump.get(&(4 * k as u64))
            .unwrap_or_else(|| panic!("no line at {k}"))
    };
    let mut names = HashMap::new();
    for csr in 0..4096usize {
        let t = at(csr);
        let name = t.split(',').nth(1).expect("csrrs has three operands");
        names.insert(name.to_string(), csr as u32);
    }
    let mut stats = HashMap::new();
    let mut bad = Vec::new();
    let mut legal = 0;
    let mut seen = [false; 256];
    for (k, &word) in words.iter().enumerate() {
        let pc = 4 * k as u64;
        let t = at(k);
        let theirs = (!objdump_illegal(t)).then(|| normalize_csr(t, &names));
        let ours = decode(word).ok().map(|i| {
            assert_eq!(i.len, 4);
            seen[i.op as usize] = true;
            // Normalise our CSR names the same way as objdump's.
            normalize_csr(&disasm(&i, pc), &names)
        });
        legal += ours.is_some() as usize;
        if let Some(e) = check(word, pc, ours, theirs, &mut stats) {
            bad.push(e);
        }
    }
    report("32-bit words", &bad, words.len());
    for rule in [
        "not an RV64GC instruction",
        "reserved rounding mode",
        "fence with reserved fm/rd/rs1",
        "exact fcvt.d.* with rm != 0",
    ] {
        assert!(
            stats.contains_key(rule),
            "exception rule {rule:?} never used: {stats:?}"
        );
    }
    assert!(
        legal > words.len() / 4,
        "only {legal} of {} words legal",
        words.len()
    );
}

#[test]
fn long_encodings_are_illegal() {
    for low in [0x1fu32, 0x3f, 0x5f, 0x7f, 0xffff_ffff] {
        assert!(decode(low).is_err(), "{low:#x}");
    }
}
