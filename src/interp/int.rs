//! Integer helpers with RISC-V corner cases (M extension division, high
//! multiplies, 32-bit `*w` results). All are tiny and `#[inline(always)]` so
//! the dispatch arms stay one call-free expression each.

/// Sign-extends the low 32 bits.
#[inline(always)]
pub fn sext32(v: u64) -> u64 {
    v as i32 as i64 as u64
}

/// `div`: x/0 = -1, MIN/-1 = MIN.
#[inline(always)]
pub fn div(a: u64, b: u64) -> u64 {
    if b == 0 {
        u64::MAX
    } else {
        (a as i64).wrapping_div(b as i64) as u64
    }
}

/// `divu`: x/0 = all ones.
#[inline(always)]
pub fn divu(a: u64, b: u64) -> u64 {
    a.checked_div(b).unwrap_or(u64::MAX)
}

/// `rem`: x%0 = x, MIN%-1 = 0.
#[inline(always)]
pub fn rem(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        (a as i64).wrapping_rem(b as i64) as u64
    }
}

/// `remu`: x%0 = x.
#[inline(always)]
pub fn remu(a: u64, b: u64) -> u64 {
    a.checked_rem(b).unwrap_or(a)
}

/// `divw`.
#[inline(always)]
pub fn divw(a: u64, b: u64) -> u64 {
    let (a, b) = (a as i32, b as i32);
    if b == 0 {
        u64::MAX
    } else {
        a.wrapping_div(b) as i64 as u64
    }
}

/// `divuw`.
#[inline(always)]
pub fn divuw(a: u64, b: u64) -> u64 {
    let (a, b) = (a as u32, b as u32);
    match a.checked_div(b) {
        Some(q) => q as i32 as i64 as u64,
        None => u64::MAX,
    }
}

/// `remw`.
#[inline(always)]
pub fn remw(a: u64, b: u64) -> u64 {
    let (a, b) = (a as i32, b as i32);
    if b == 0 {
        a as i64 as u64
    } else {
        a.wrapping_rem(b) as i64 as u64
    }
}

/// `remuw`.
#[inline(always)]
pub fn remuw(a: u64, b: u64) -> u64 {
    let (a, b) = (a as u32, b as u32);
    a.checked_rem(b).unwrap_or(a) as i32 as i64 as u64
}

/// `mulh`: high 64 bits of signed x signed (the unsigned product corrected
/// for each negative operand). `lo` is `0xffff_ffff` (see [`mulhu`]).
#[inline(always)]
pub fn mulh(a: u64, b: u64, lo: u64) -> u64 {
    mulhu(a, b, lo)
        .wrapping_sub(if (a as i64) < 0 { b } else { 0 })
        .wrapping_sub(if (b as i64) < 0 { a } else { 0 })
}

/// `mulhsu`: high 64 bits of signed x unsigned. `lo` as for [`mulhu`].
#[inline(always)]
pub fn mulhsu(a: u64, b: u64, lo: u64) -> u64 {
    mulhu(a, b, lo).wrapping_sub(if (a as i64) < 0 { b } else { 0 })
}

/// `mulhu`: high 64 bits of unsigned x unsigned. `lo` must be
/// `0xffff_ffff`; natively it is unused.
#[cfg(not(target_family = "wasm"))]
#[inline(always)]
pub fn mulhu(a: u64, b: u64, _lo: u64) -> u64 {
    ((a as u128 * b as u128) >> 64) as u64
}

/// `mulhu`: high 64 bits of unsigned x unsigned, `lo` being `0xffff_ffff`.
/// In wasm a `u128` multiply is a call to compiler-rt's `__multi3`, and a
/// call in the dispatch loop makes V8 spill the loop's state on every path
/// (see `exec::hot`), so the product is built from four 32x32 partial
/// products. The mask comes from the caller as data (the instruction's
/// immediate, see `lower::MULH_MASK`): with a constant mask LLVM recognises
/// the pattern and puts the `u128` multiply back.
#[cfg(target_family = "wasm")]
#[inline(always)]
pub fn mulhu(a: u64, b: u64, lo: u64) -> u64 {
    mulhu_parts(a, b, lo)
}

/// The high half of `a * b` from 32-bit partial products (`lo` =
/// `0xffff_ffff`).
#[cfg_attr(not(any(test, target_family = "wasm")), allow(dead_code))]
#[inline(always)]
fn mulhu_parts(a: u64, b: u64, lo: u64) -> u64 {
    let (a0, a1, b0, b1) = (a & lo, a >> 32, b & lo, b >> 32);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    // The middle column: at most 3 * (2^32 - 1), no overflow.
    let mid = (p00 >> 32) + (p01 & lo) + (p10 & lo);
    p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = i64::MIN as u64;
    const M1: u64 = u64::MAX;
    const LO: u64 = crate::interp::lower::MULH_MASK as u32 as u64;

    #[test]
    fn division_corner_cases() {
        assert_eq!(div(7, 0), M1);
        assert_eq!(div(MIN, M1), MIN);
        assert_eq!(rem(MIN, M1), 0);
        assert_eq!(rem(7, 0), 7);
        assert_eq!(div(-7i64 as u64, 2), -3i64 as u64);
        assert_eq!(rem(-7i64 as u64, 2), -1i64 as u64);
        assert_eq!(divu(7, 0), M1);
        assert_eq!(remu(7, 0), 7);
        assert_eq!(divu(M1, 2), M1 >> 1);
    }

    #[test]
    fn word_division_corner_cases() {
        assert_eq!(divw(5, 0), M1);
        assert_eq!(divw(0x8000_0000, 0xffff_ffff), 0xffff_ffff_8000_0000);
        assert_eq!(remw(0x8000_0000, 0xffff_ffff), 0);
        assert_eq!(remw(0x1_8000_0000, 0), 0xffff_ffff_8000_0000);
        assert_eq!(divuw(5, 0x1_0000_0000), M1);
        assert_eq!(divuw(0xffff_fffe, 1), 0xffff_ffff_ffff_fffe);
        assert_eq!(remuw(0xffff_fff0, 0), 0xffff_ffff_ffff_fff0);
        assert_eq!(remuw(10, 3), 1);
    }

    #[test]
    fn high_multiplies() {
        assert_eq!(mulh(M1, M1, LO), 0);
        assert_eq!(mulhu(M1, M1, LO), M1 - 1);
        assert_eq!(mulhsu(M1, M1, LO), M1);
        assert_eq!(mulhsu(2, M1, LO), 1);
        assert_eq!(mulh(MIN, MIN, LO), 1 << 62);
    }

    #[test]
    fn high_multiplies_match_128_bit_products() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Mix in edge values: 0, 1, all ones, the sign bit alone.
            match x % 8 {
                0 => [0, 1, M1, MIN][(x >> 8) as usize % 4],
                _ => x,
            }
        };
        for _ in 0..200_000 {
            let (a, b) = (next(), next());
            let s = (a as i64 as i128 * b as i64 as i128) >> 64;
            let su = (a as i64 as i128).wrapping_mul(b as i128) >> 64;
            let u = (a as u128 * b as u128) >> 64;
            assert_eq!(mulhu_parts(a, b, LO), u as u64, "{a:#x} {b:#x}");
            assert_eq!(mulh(a, b, LO), s as u64, "{a:#x} {b:#x}");
            assert_eq!(mulhsu(a, b, LO), su as u64, "{a:#x} {b:#x}");
            assert_eq!(mulhu(a, b, LO), u as u64, "{a:#x} {b:#x}");
        }
    }
}
