//! Page permissions ([`Perms`]) and the kind of access that needs them ([`Access`]).
//!
//! `Perms` is a tiny bit set rather than a `bitflags` type: it has to be `Copy`,
//! cheap to test on the slow path and free of dependencies.

use core::ops::{BitAnd, BitOr};

/// A set of page permissions (read, write, execute).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Perms(u8);

impl Perms {
    /// No access (PROT_NONE).
    pub const NONE: Perms = Perms(0);
    /// Readable.
    pub const R: Perms = Perms(1);
    /// Writable.
    pub const W: Perms = Perms(2);
    /// Executable.
    pub const X: Perms = Perms(4);
    /// Readable and writable.
    pub const RW: Perms = Perms(3);
    /// Readable and executable.
    pub const RX: Perms = Perms(5);
    /// Readable, writable and executable.
    pub const RWX: Perms = Perms(7);

    /// True if every permission in `other` is also in `self`.
    #[inline]
    pub const fn contains(self, other: Perms) -> bool {
        self.0 & other.0 == other.0
    }

    /// The raw bits (R = 1, W = 2, X = 4, the same values as Linux `PROT_*`).
    #[inline]
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Builds a set from raw `PROT_*`-style bits; bits other than R/W/X are dropped.
    #[inline]
    pub const fn from_bits(bits: u8) -> Perms {
        Perms(bits & 7)
    }
}

impl BitOr for Perms {
    type Output = Perms;
    #[inline]
    fn bitor(self, rhs: Perms) -> Perms {
        Perms(self.0 | rhs.0)
    }
}

impl BitAnd for Perms {
    type Output = Perms;
    #[inline]
    fn bitand(self, rhs: Perms) -> Perms {
        Perms(self.0 & rhs.0)
    }
}

/// The kind of memory access, as reported in a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    /// A data load (needs [`Perms::R`]).
    Read,
    /// A data store (needs [`Perms::W`]).
    Write,
    /// An instruction fetch (needs [`Perms::X`]).
    Exec,
}

impl Access {
    /// The permission this access requires.
    #[inline]
    pub const fn required(self) -> Perms {
        match self {
            Access::Read => Perms::R,
            Access::Write => Perms::W,
            Access::Exec => Perms::X,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_set_ops() {
        assert!(Perms::RWX.contains(Perms::RW));
        assert!(!Perms::RX.contains(Perms::W));
        assert!(Perms::NONE.contains(Perms::NONE));
        assert_eq!(Perms::R | Perms::W, Perms::RW);
        assert_eq!(Perms::RX & Perms::RW, Perms::R);
        assert_eq!(Perms::from_bits(0xff), Perms::RWX);
        assert_eq!(Access::Exec.required(), Perms::X);
    }
}
