//! RV64I and M computational instructions.

use super::asm::*;
use super::exec;

const M1: u64 = u64::MAX;
const MIN: u64 = i64::MIN as u64;

fn one(insn: u32, a: u64, b: u64) -> u64 {
    exec(&[insn], &[(5, a), (6, b)]).x(7)
}

#[test]
fn add_sub_wrap() {
    assert_eq!(one(add(7, 5, 6), M1, 2), 1);
    assert_eq!(one(sub(7, 5, 6), 0, 1), M1);
    assert_eq!(one(addi(7, 5, -1), 0, 0), M1);
    assert_eq!(one(addi(7, 5, 2047), 1, 0), 2048);
    assert_eq!(one(addi(7, 5, -2048), 0, 0), -2048i64 as u64);
}

#[test]
fn logic_and_compare() {
    assert_eq!(one(xor(7, 5, 6), 0b1100, 0b1010), 0b0110);
    assert_eq!(one(or(7, 5, 6), 0b1100, 0b1010), 0b1110);
    assert_eq!(one(and(7, 5, 6), 0b1100, 0b1010), 0b1000);
    assert_eq!(one(xori(7, 5, -1), 0, 0), M1);
    assert_eq!(one(ori(7, 5, 0x0f0), 0xf, 0), 0xff);
    assert_eq!(one(andi(7, 5, -16), 0x1234, 0), 0x1230);
    assert_eq!(one(slt(7, 5, 6), M1, 0), 1);
    assert_eq!(one(sltu(7, 5, 6), M1, 0), 0);
    assert_eq!(one(slti(7, 5, -1), MIN, 0), 1);
    // sltiu compares against the sign-extended immediate as unsigned.
    assert_eq!(one(sltiu(7, 5, -1), M1 - 1, 0), 1);
    assert_eq!(one(sltiu(7, 5, 1), 0, 0), 1);
}

#[test]
fn shifts_mask_their_amount() {
    assert_eq!(one(sll(7, 5, 6), 1, 63), 1 << 63);
    assert_eq!(one(sll(7, 5, 6), 1, 64), 1);
    assert_eq!(one(srl(7, 5, 6), MIN, 65), MIN >> 1);
    assert_eq!(one(sra(7, 5, 6), MIN, 63), M1);
    assert_eq!(one(slli(7, 5, 63), 1, 0), MIN);
    assert_eq!(one(srli(7, 5, 63), MIN, 0), 1);
    assert_eq!(one(srai(7, 5, 63), MIN, 0), M1);
    assert_eq!(one(srai(7, 5, 4), 0x80, 0), 8);
    // 32-bit forms use 5 bits and sign-extend the 32-bit result.
    assert_eq!(one(sllw(7, 5, 6), 1, 31), 0xffff_ffff_8000_0000);
    assert_eq!(one(sllw(7, 5, 6), 1, 32), 1);
    assert_eq!(one(srlw(7, 5, 6), 0xffff_ffff_8000_0000, 31), 1);
    assert_eq!(one(srlw(7, 5, 6), 0x8000_0000, 0), 0xffff_ffff_8000_0000);
    assert_eq!(one(sraw(7, 5, 6), 0x8000_0000, 31), M1);
    assert_eq!(one(slliw(7, 5, 31), 1, 0), 0xffff_ffff_8000_0000);
    assert_eq!(one(srliw(7, 5, 1), 0xffff_ffff_0000_0002, 0), 1);
    assert_eq!(one(sraiw(7, 5, 4), 0x8000_0000, 0), 0xffff_ffff_f800_0000);
}

#[test]
fn word_ops_sign_extend() {
    assert_eq!(one(addw(7, 5, 6), 0x7fff_ffff, 1), 0xffff_ffff_8000_0000);
    assert_eq!(one(subw(7, 5, 6), 0, 1), M1);
    assert_eq!(one(addiw(7, 5, 0), 0x1_8000_0000, 0), 0xffff_ffff_8000_0000);
    assert_eq!(one(addiw(7, 5, 1), 0xffff_fffe_ffff_ffff, 0), 0);
    assert_eq!(one(mulw(7, 5, 6), 0x10000, 0x8000), 0xffff_ffff_8000_0000);
}

#[test]
fn multiply() {
    assert_eq!(one(mul(7, 5, 6), M1, M1), 1);
    assert_eq!(one(mulh(7, 5, 6), M1, M1), 0);
    assert_eq!(one(mulhu(7, 5, 6), M1, M1), M1 - 1);
    assert_eq!(one(mulhsu(7, 5, 6), M1, M1), M1);
    assert_eq!(one(mulh(7, 5, 6), MIN, 2), M1);
}

#[test]
fn division_corner_cases() {
    assert_eq!(one(div(7, 5, 6), 7, 0), M1);
    assert_eq!(one(divu(7, 5, 6), 7, 0), M1);
    assert_eq!(one(rem(7, 5, 6), 7, 0), 7);
    assert_eq!(one(remu(7, 5, 6), 7, 0), 7);
    assert_eq!(one(div(7, 5, 6), MIN, M1), MIN);
    assert_eq!(one(rem(7, 5, 6), MIN, M1), 0);
    assert_eq!(one(div(7, 5, 6), -7i64 as u64, 2), -3i64 as u64);
    assert_eq!(one(rem(7, 5, 6), -7i64 as u64, 2), M1);
    assert_eq!(one(divw(7, 5, 6), 0x8000_0000, M1), 0xffff_ffff_8000_0000);
    assert_eq!(one(remw(7, 5, 6), 0x8000_0000, M1), 0);
    assert_eq!(one(divw(7, 5, 6), 1, 0), M1);
    assert_eq!(one(divuw(7, 5, 6), 1, 0), M1);
    assert_eq!(one(remw(7, 5, 6), 0xffff_fff9, 0), -7i64 as u64);
    assert_eq!(one(remuw(7, 5, 6), 0x1_ffff_fff9, 0), -7i64 as u64);
    assert_eq!(one(divuw(7, 5, 6), 0xffff_fffe, 1), -2i64 as u64);
}

#[test]
fn lui_auipc() {
    let vm = exec(
        &[
            lui(5, 0x12345 << 12),
            lui(6, 0x80000 << 12),
            auipc(7, 0x1000),
            auipc(8, -4096),
        ],
        &[],
    );
    assert_eq!(vm.x(5), 0x1234_5000);
    assert_eq!(vm.x(6), 0xffff_ffff_8000_0000);
    assert_eq!(vm.x(7), super::CODE + 8 + 0x1000);
    assert_eq!(vm.x(8), super::CODE + 12 - 4096);
}

#[test]
fn writes_to_x0_are_discarded() {
    let vm = exec(
        &[
            addi(0, 0, 5),
            lui(0, 0x1000),
            add(0, 5, 5),
            mul(0, 5, 5),
            jal(0, 4),
            addi(6, 0, 1),
        ],
        &[(5, 3)],
    );
    assert_eq!(vm.x(0), 0);
    assert_eq!(vm.x(6), 1);
}

#[test]
fn auipc_far_into_a_block() {
    // 100 nops (offset 400 > 255 exercises the offset's high byte).
    let mut insns = vec![addi(5, 5, 1); 100];
    insns.push(auipc(6, 0x2000));
    let vm = exec(&insns, &[]);
    assert_eq!(vm.x(5), 100);
    assert_eq!(vm.x(6), super::CODE + 400 + 0x2000);
}
