//! Parsing and comparing the dump records the generated programs write to stdout.
//!
//! A record is [`RECORD`] bytes: the scratch memory, x0..x31 (the x0 slot carries the
//! sequence index), f0..f31 and fcsr, all little-endian 64-bit words.

use crate::seq::*;
use std::fmt;

/// One dump record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a>(pub &'a [u8]);

impl Record<'_> {
    fn word(&self, off: usize) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.0[off..off + 8]);
        u64::from_le_bytes(b)
    }

    /// The sequence index stored in the record.
    pub fn index(&self) -> u64 {
        self.word(DUMP_X)
    }

    /// Integer register `i` (1..31).
    pub fn x(&self, i: usize) -> u64 {
        self.word(DUMP_X + 8 * i)
    }

    /// FP register `i`.
    pub fn f(&self, i: usize) -> u64 {
        self.word(DUMP_F + 8 * i)
    }

    /// `fcsr`.
    pub fn fcsr(&self) -> u64 {
        self.word(DUMP_FCSR)
    }

    /// Scratch doubleword `i`.
    pub fn mem(&self, i: usize) -> u64 {
        self.word(8 * i)
    }
}

/// Splits program output into records (a trailing partial record is ignored).
pub fn records(out: &[u8]) -> Vec<Record<'_>> {
    out.chunks_exact(RECORD).map(Record).collect()
}

/// Where two records differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// Integer register.
    X(usize),
    /// FP register.
    F(usize),
    /// `fcsr`.
    Fcsr,
    /// Scratch doubleword at this byte offset.
    Mem(usize),
}

/// One differing value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Difference {
    /// What differs.
    pub loc: Location,
    /// qemu's value.
    pub expected: u64,
    /// NanoVM's value.
    pub got: u64,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.loc {
            Location::X(i) => write!(f, "x{i} ({})", X_NAMES[i])?,
            Location::F(i) => write!(f, "f{i} ({})", F_NAMES[i])?,
            Location::Fcsr => write!(f, "fcsr")?,
            Location::Mem(o) => write!(f, "scratch+{o:#x}")?,
        }
        write!(
            f,
            ": expected {:#018x}, got {:#018x}",
            self.expected, self.got
        )
    }
}

/// Every difference between an expected and an actual record.
pub fn compare(expected: Record, got: Record) -> Vec<Difference> {
    let mut d = Vec::new();
    let mut check = |loc, e: u64, g: u64| {
        if e != g {
            d.push(Difference {
                loc,
                expected: e,
                got: g,
            });
        }
    };
    check(Location::X(0), expected.index(), got.index());
    for i in 1..32 {
        check(Location::X(i), expected.x(i), got.x(i));
    }
    for i in 0..32 {
        check(Location::F(i), expected.f(i), got.f(i));
    }
    check(Location::Fcsr, expected.fcsr(), got.fcsr());
    for i in 0..SCRATCH / 8 {
        check(Location::Mem(8 * i), expected.mem(i), got.mem(i));
    }
    d
}

/// The first way two program outputs disagree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Divergence {
    /// Record number `position` (sequence `index`) differs in these values.
    Values {
        /// Record number in the output.
        position: usize,
        /// Sequence index (from the expected record).
        index: u64,
        /// The differences.
        diffs: Vec<Difference>,
    },
    /// The actual output stops (or runs on) at record `position`; `index` is the expected
    /// record's sequence index there, if any.
    Length {
        /// Record number where the outputs stop agreeing in length.
        position: usize,
        /// The expected sequence index at that point (None if NanoVM wrote too much).
        index: Option<u64>,
        /// Expected and actual output lengths in bytes.
        expected_len: usize,
        /// Actual output length in bytes.
        got_len: usize,
    },
}

impl Divergence {
    /// The sequence index to blame, when known.
    pub fn index(&self) -> Option<u64> {
        match self {
            Divergence::Values { index, .. } => Some(*index),
            Divergence::Length { index, .. } => *index,
        }
    }
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Divergence::Values {
                position,
                index,
                diffs,
            } => {
                writeln!(f, "sequence {index} (record {position}) differs:")?;
                for d in diffs {
                    writeln!(f, "    {d}")?;
                }
                Ok(())
            }
            Divergence::Length {
                position,
                index,
                expected_len,
                got_len,
            } => {
                write!(f, "output length differs at record {position}")?;
                if let Some(i) = index {
                    write!(f, " (sequence {i})")?;
                }
                writeln!(f, ": expected {expected_len} bytes, got {got_len}")
            }
        }
    }
}

/// Compares whole outputs; `None` when they are identical.
pub fn first_divergence(expected: &[u8], got: &[u8]) -> Option<Divergence> {
    if expected == got {
        return None;
    }
    let (e, g) = (records(expected), records(got));
    for (position, (a, b)) in e.iter().zip(g.iter()).enumerate() {
        let diffs = compare(*a, *b);
        if !diffs.is_empty() {
            return Some(Divergence::Values {
                position,
                index: a.index(),
                diffs,
            });
        }
    }
    let position = e.len().min(g.len());
    Some(Divergence::Length {
        position,
        index: e.get(position).map(|r| r.index()),
        expected_len: expected.len(),
        got_len: got.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(index: u64, a0: u64) -> Vec<u8> {
        let mut v = vec![0u8; RECORD];
        v[DUMP_X..DUMP_X + 8].copy_from_slice(&index.to_le_bytes());
        v[DUMP_X + 80..DUMP_X + 88].copy_from_slice(&a0.to_le_bytes());
        v
    }

    #[test]
    fn finds_register_and_length_divergences() {
        let mut e = record(3, 1);
        e.extend(record(4, 2));
        let mut g = record(3, 1);
        g.extend(record(4, 5));
        let d = first_divergence(&e, &g).unwrap();
        assert_eq!(d.index(), Some(4));
        let text = d.to_string();
        assert!(text.contains("x10 (a0): expected 0x0000000000000002, got 0x0000000000000005"));
        assert_eq!(first_divergence(&e, &e), None);
        let short = record(3, 1);
        let d = first_divergence(&e, &short).unwrap();
        assert!(matches!(
            d,
            Divergence::Length {
                position: 1,
                index: Some(4),
                ..
            }
        ));
    }

    #[test]
    fn names_fp_fcsr_and_memory_differences() {
        let e = record(0, 0);
        let mut g = e.clone();
        g[DUMP_F + 8 * 3] = 1;
        g[DUMP_FCSR] = 0x10;
        g[0x18] = 7;
        let (re, rg) = (records(&e)[0], records(&g)[0]);
        let text: Vec<String> = compare(re, rg).iter().map(|d| d.to_string()).collect();
        assert_eq!(
            text,
            [
                "f3 (ft3): expected 0x0000000000000000, got 0x0000000000000001",
                "fcsr: expected 0x0000000000000000, got 0x0000000000000010",
                "scratch+0x18: expected 0x0000000000000000, got 0x0000000000000007",
            ]
        );
    }
}
