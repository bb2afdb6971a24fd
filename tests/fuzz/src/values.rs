//! Random register and memory values biased towards the edge cases that break emulators:
//! zero, ±1, the 32- and 64-bit signed extremes, sign-extension boundaries, and for floating
//! point ±0, ±inf, quiet and signalling NaNs with payloads, subnormals, the normal extremes
//! and the integer-conversion boundaries.

use crate::rng::Rng;

/// Integer edge values (64-bit patterns).
const INT_EDGES: &[u64] = &[
    0,
    1,
    2,
    u64::MAX,              // -1
    u64::MAX - 1,          // -2
    0x8000_0000_0000_0000, // INT64_MIN
    0x7fff_ffff_ffff_ffff, // INT64_MAX
    0x8000_0000_0000_0001,
    0x0000_0000_8000_0000, // 2^31, not sign-extended
    0xffff_ffff_8000_0000, // INT32_MIN sign-extended
    0x0000_0000_7fff_ffff, // INT32_MAX
    0x0000_0000_ffff_ffff,
    0xffff_ffff_0000_0000,
    0x0000_0001_0000_0000,
    0xffff_ffff_ffff_f800, // -2048
    0x0000_0000_0000_07ff,
    0x0000_0000_0000_0800,
    0x0000_0000_0000_003f,
    0x0000_0000_0000_0040,
    0x0000_0000_0000_001f,
    0x0000_0000_0000_0020,
    0x0000_0000_0000_0080,
    0x0000_0000_0000_ff80,
    0x0000_0000_0000_8000,
    0x0000_0000_0001_0000,
    0xffff_ffff_ffff_8000,
    0x7fff_ffff_8000_0000,
];

/// A random 64-bit integer register value.
pub fn int_value(r: &mut Rng) -> u64 {
    match r.below(10) {
        0..=3 => r.pick(INT_EDGES),
        4 => r.next_u64(),
        5 => r.next_u64() as u32 as i32 as i64 as u64, // random sign-extended word
        6 => r.range(-64, 64) as u64,
        7 => r.pick(INT_EDGES).wrapping_add(r.range(-2, 2) as u64),
        8 => 1u64 << r.below(64),
        _ => {
            // an integer that converts to an FP value near a rounding boundary
            let base = r.below(1 << 25) as i64 * if r.chance(1, 2) { 1 } else { -1 };
            (base << r.below(40)) as u64
        }
    }
}

const F32_EDGES: &[u32] = &[
    0x0000_0000, // +0
    0x8000_0000, // -0
    0x7f80_0000, // +inf
    0xff80_0000, // -inf
    0x7fc0_0000, // canonical qNaN
    0xffc0_0000, // negative qNaN
    0x7fc0_1234, // qNaN with payload
    0x7f80_0001, // sNaN
    0x7fa0_0000, // sNaN
    0xffbf_ffff, // negative sNaN with payload
    0x0000_0001, // min subnormal
    0x807f_ffff, // max subnormal, negative
    0x0080_0000, // min normal
    0x7f7f_ffff, // max normal
    0xff7f_ffff,
    0x3f80_0000, // 1.0
    0xbf80_0000, // -1.0
    0x3f00_0000, // 0.5
    0x3fc0_0000, // 1.5
    0x4020_0000, // 2.5
    0xbfc0_0000, // -1.5
    0x4f00_0000, // 2^31
    0xcf00_0000, // -2^31
    0x4f80_0000, // 2^32
    0x5f00_0000, // 2^63
    0xdf00_0000, // -2^63
    0x5f80_0000, // 2^64
    0x4effffff,  // just below 2^31
    0x3400_0000, // 2^-23
];

const F64_EDGES: &[u64] = &[
    0x0000_0000_0000_0000,
    0x8000_0000_0000_0000,
    0x7ff0_0000_0000_0000,
    0xfff0_0000_0000_0000,
    0x7ff8_0000_0000_0000,
    0xfff8_0000_0000_0000,
    0x7ff8_0000_dead_beef,
    0x7ff0_0000_0000_0001,
    0x7ff4_0000_0000_0000,
    0xfff7_ffff_ffff_ffff,
    0x0000_0000_0000_0001,
    0x800f_ffff_ffff_ffff,
    0x0010_0000_0000_0000,
    0x7fef_ffff_ffff_ffff,
    0xffef_ffff_ffff_ffff,
    0x3ff0_0000_0000_0000, // 1.0
    0xbff0_0000_0000_0000,
    0x3fe0_0000_0000_0000, // 0.5
    0x3ff8_0000_0000_0000, // 1.5
    0x4004_0000_0000_0000, // 2.5
    0x41e0_0000_0000_0000, // 2^31
    0x41df_ffff_ffe0_0000, // 2^31 - 1
    0xc1e0_0000_0000_0000, // -2^31
    0x41f0_0000_0000_0000, // 2^32
    0x43e0_0000_0000_0000, // 2^63
    0xc3e0_0000_0000_0000, // -2^63
    0x43f0_0000_0000_0000, // 2^64
    0x3690_0000_0000_0000, // below f32 min subnormal
    0x47ef_ffff_e000_0000, // f32 max normal
    0x47ef_ffff_f000_0000, // f32 max + half ulp (rounding boundary)
    0x3810_0000_0000_0000, // f32 min normal
    0x3ca0_0000_0000_0000, // 2^-53
];

/// A random single-precision bit pattern.
pub fn f32_bits(r: &mut Rng) -> u32 {
    match r.below(8) {
        0..=3 => r.pick(F32_EDGES),
        4 => r.next_u64() as u32,
        5 => {
            // a small "nice" number: integer or half-integer
            let v = r.range(-40, 40) as f32 * if r.chance(1, 2) { 0.5 } else { 1.0 };
            v.to_bits()
        }
        6 => r.pick(F32_EDGES) ^ (1 << r.below(23)), // near an edge
        _ => (r.next_u64() as u32 & 0x807f_ffff) | ((r.range(100, 160) as u32) << 23),
    }
}

/// A random double-precision bit pattern.
pub fn f64_bits(r: &mut Rng) -> u64 {
    match r.below(8) {
        0..=3 => r.pick(F64_EDGES),
        4 => r.next_u64(),
        5 => {
            let v = r.range(-40, 40) as f64 * if r.chance(1, 2) { 0.5 } else { 1.0 };
            v.to_bits()
        }
        6 => r.pick(F64_EDGES) ^ (1 << r.below(52)),
        7 if r.chance(1, 2) => (f32::from_bits(f32_bits(r)) as f64).to_bits(), // exact single
        _ => (r.next_u64() & 0x800f_ffff_ffff_ffff) | ((r.range(900, 1150) as u64) << 52),
    }
}

/// A random 64-bit FP register value: a double, a NaN-boxed single, or (sometimes) a single
/// that is *not* properly boxed (which single-precision instructions must read as the
/// canonical NaN).
pub fn freg_value(r: &mut Rng) -> u64 {
    match r.below(10) {
        0..=4 => f64_bits(r),
        5..=8 => 0xffff_ffff_0000_0000 | f32_bits(r) as u64,
        _ => {
            let any = r.next_u64() & 0xffff_ffff;
            let hi = r.pick(&[0u64, 0x7fff_ffff, 0xffff_fffe, any]);
            (hi << 32) | f32_bits(r) as u64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cover_edges() {
        let mut r = Rng::new(11);
        let ints: Vec<u64> = (0..4000).map(|_| int_value(&mut r)).collect();
        assert!(ints.contains(&0));
        assert!(ints.contains(&0x8000_0000_0000_0000));
        let fs: Vec<u64> = (0..4000).map(|_| freg_value(&mut r)).collect();
        assert!(fs.iter().any(|&v| v >> 32 == 0xffff_ffff));
        assert!(fs
            .iter()
            .any(|&v| v >> 32 != 0xffff_ffff && f64::from_bits(v).is_nan()));
        assert!(fs
            .iter()
            .any(|&v| (v >> 32) != 0xffff_ffff && (v >> 32) < 0x7fff_0000));
    }
}
