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

/// `mulh`: high 64 bits of signed x signed.
#[inline(always)]
pub fn mulh(a: u64, b: u64) -> u64 {
    ((a as i64 as i128 * b as i64 as i128) >> 64) as u64
}

/// `mulhsu`: high 64 bits of signed x unsigned.
#[inline(always)]
pub fn mulhsu(a: u64, b: u64) -> u64 {
    ((a as i64 as i128).wrapping_mul(b as i128) >> 64) as u64
}

/// `mulhu`: high 64 bits of unsigned x unsigned.
#[inline(always)]
pub fn mulhu(a: u64, b: u64) -> u64 {
    ((a as u128 * b as u128) >> 64) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: u64 = i64::MIN as u64;
    const M1: u64 = u64::MAX;

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
        assert_eq!(mulh(M1, M1), 0);
        assert_eq!(mulhu(M1, M1), M1 - 1);
        assert_eq!(mulhsu(M1, M1), M1);
        assert_eq!(mulhsu(2, M1), 1);
        assert_eq!(mulh(MIN, MIN), 1 << 62);
    }
}
