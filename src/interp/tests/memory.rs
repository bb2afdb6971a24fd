//! Loads, stores and precise faults.

use super::asm::*;
use super::{exec, Vm, CODE, DATA};
use crate::interp::Exit;
use crate::mem::{Access, FaultKind, Perms};

#[test]
fn loads_extend_correctly() {
    let vm = exec(
        &[
            sd(5, 10, 0),
            lb(11, 10, 7),
            lbu(12, 10, 7),
            lh(13, 10, 6),
            lhu(14, 10, 6),
            lw(15, 10, 4),
            lwu(16, 10, 4),
            ld(17, 10, 0),
            lw(18, 10, 0),
        ],
        &[(5, 0x8081_8283_7475_7677), (10, DATA)],
    );
    assert_eq!(vm.x(11), 0xffff_ffff_ffff_ff80);
    assert_eq!(vm.x(12), 0x80);
    assert_eq!(vm.x(13), 0xffff_ffff_ffff_8081);
    assert_eq!(vm.x(14), 0x8081);
    assert_eq!(vm.x(15), 0xffff_ffff_8081_8283);
    assert_eq!(vm.x(16), 0x8081_8283);
    assert_eq!(vm.x(17), 0x8081_8283_7475_7677);
    assert_eq!(vm.x(18), 0x7475_7677);
}

#[test]
fn stores_write_only_their_width() {
    let vm = exec(
        &[
            sd(6, 10, 0),
            sb(5, 10, 0),
            sh(5, 10, 2),
            sw(5, 10, 4),
            ld(11, 10, 0),
            sd(5, 10, -8),
            ld(12, 10, -8),
        ],
        &[(5, 0x1122_3344_5566_7788), (6, u64::MAX), (10, DATA + 8)],
    );
    assert_eq!(vm.x(11), 0x5566_7788_7788_ff88);
    assert_eq!(vm.x(12), 0x1122_3344_5566_7788);
}

#[test]
fn misaligned_and_page_crossing_access_works() {
    let vm = exec(
        &[sd(5, 10, 0), ld(11, 10, 0), lw(12, 10, 1)],
        &[(5, 0x0102_0304_0506_0708), (10, DATA + 0xffd)],
    );
    assert_eq!(vm.x(11), 0x0102_0304_0506_0708);
    assert_eq!(vm.x(12), 0x0405_0607);
}

#[test]
fn load_fault_is_precise() {
    // Two instructions retire, then the load faults: x7 keeps its old value.
    let code = Code::new().w(&[
        addi(5, 5, 1),
        addi(6, 6, 1),
        ld(7, 0, 8),
        addi(8, 8, 1),
        ECALL,
    ]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[7] = 99;
    let exit = vm.run(1000);
    assert_eq!(
        exit,
        Exit::Fault {
            pc: CODE + 8,
            fault: crate::mem::MemFault {
                addr: 8,
                access: Access::Read,
                kind: FaultKind::Unmapped
            }
        }
    );
    assert_eq!(vm.cpu.pc, CODE + 8);
    assert_eq!(vm.cpu.instret, 2);
    assert_eq!((vm.x(5), vm.x(6), vm.x(7), vm.x(8)), (1, 1, 99, 0));
    // The runtime maps the page and resumes at the same instruction.
    vm.mem.map_fixed(0, 0x1000, Perms::RW).unwrap();
    assert_eq!(vm.run(1000), Exit::Ecall);
    assert_eq!((vm.x(7), vm.x(8)), (0, 1));
    assert_eq!(vm.cpu.instret, 5);
}

#[test]
fn store_to_read_only_page_faults_and_writes_nothing() {
    let code = Code::new().w(&[addi(5, 0, 7), sw(5, 10, 0), ECALL]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[10] = CODE;
    match vm.run(100) {
        Exit::Fault { pc, fault } => {
            assert_eq!(pc, CODE + 4);
            assert_eq!(fault.addr, CODE);
            assert_eq!(fault.access, Access::Write);
            assert_eq!(fault.kind, FaultKind::Protection);
        }
        e => panic!("{e:?}"),
    }
    assert_eq!(vm.cpu.instret, 1);
    assert_eq!(vm.mem.load_u32(CODE).unwrap(), addi(5, 0, 7) as u64);
}

#[test]
fn fetch_fault_after_jump_reports_target() {
    // jal to DATA (not executable): the jal retires, the fetch faults there.
    let code = Code::new().w(&[jalr(1, 10, 0)]);
    let mut vm = Vm::new(&code);
    vm.cpu.x[10] = DATA;
    match vm.run(100) {
        Exit::Fault { pc, fault } => {
            assert_eq!(pc, DATA);
            assert_eq!(fault.access, Access::Exec);
        }
        e => panic!("{e:?}"),
    }
    assert_eq!(vm.cpu.pc, DATA);
    assert_eq!(vm.x(1), CODE + 4);
    assert_eq!(vm.cpu.instret, 1);
}

#[test]
fn running_off_the_end_of_code_faults_at_the_boundary() {
    // The last code page ends at CODE + 0x4000: fill its last 8 bytes.
    let mut vm = Vm::new(&Code::new());
    let tail = Code::new().w(&[addi(5, 5, 1), addi(5, 5, 1)]);
    vm.mem
        .write_bytes_unchecked(CODE + 0x3ff8, &tail.0)
        .unwrap();
    vm.cpu.pc = CODE + 0x3ff8;
    match vm.run(100) {
        Exit::Fault { pc, fault } => {
            assert_eq!(pc, CODE + 0x4000);
            assert_eq!(fault.kind, FaultKind::Unmapped);
        }
        e => panic!("{e:?}"),
    }
    assert_eq!(vm.x(5), 2);
    assert_eq!(vm.cpu.instret, 2);
}

#[test]
fn illegal_instruction_mid_block_is_precise() {
    let code = Code::new().w(&[addi(5, 0, 1), 0xffff_ffff, ECALL]);
    let mut vm = Vm::new(&code);
    assert_eq!(
        vm.run(100),
        Exit::Illegal {
            pc: CODE + 4,
            bits: 0xffff_ffff
        }
    );
    assert_eq!(vm.cpu.pc, CODE + 4);
    assert_eq!(vm.cpu.instret, 1);
    assert_eq!(vm.x(5), 1);
    // Illegal compressed encoding (all zero) reports 16 bits.
    let mut vm = Vm::new(&Code::new().c(&[0x0000]));
    assert_eq!(vm.run(100), Exit::Illegal { pc: CODE, bits: 0 });
}

#[test]
fn fp_loads_box_and_stores_raw() {
    let vm = exec(
        &[
            flw(1, 10, 0),
            fld(2, 10, 0),
            fsw(2, 10, 8),
            fsd(1, 10, 16),
            ld(11, 10, 8),
            ld(12, 10, 16),
        ],
        &[(10, DATA)],
    );
    // DATA is zero: flw boxes 0.
    assert_eq!(vm.cpu.f[1], 0xffff_ffff_0000_0000);
    assert_eq!(vm.cpu.f[2], 0);
    assert_eq!(vm.x(11), 0);
    assert_eq!(vm.x(12), 0xffff_ffff_0000_0000);
}

#[test]
fn instruction_straddling_into_unmapped_page_faults_at_its_pc() {
    let mut vm = Vm::new(&Code::new());
    // c.addi x5, 1 at 0x3ffc, c.addi x5, 1 at 0x3ffe... then a 32-bit addi at
    // 0x3ffe whose upper half would be at 0x4000 (unmapped).
    let a = addi(6, 6, 1);
    let mut bytes = c_addi(5, 1).to_le_bytes().to_vec();
    bytes.extend_from_slice(&(a as u16).to_le_bytes());
    vm.mem.write_bytes_unchecked(CODE + 0x3ffc, &bytes).unwrap();
    vm.cpu.pc = CODE + 0x3ffc;
    match vm.run(100) {
        Exit::Fault { pc, fault } => {
            assert_eq!(pc, CODE + 0x3ffe);
            assert_eq!(fault.addr, CODE + 0x4000);
            assert_eq!(fault.access, Access::Exec);
        }
        e => panic!("{e:?}"),
    }
    assert_eq!(vm.x(5), 1);
    assert_eq!(vm.x(6), 0);
    assert_eq!(vm.cpu.instret, 1);
}

#[test]
fn instruction_straddling_two_code_pages_runs() {
    let mut vm = Vm::new(&Code::new());
    let mut bytes = c_addi(5, 1).to_le_bytes().to_vec();
    bytes.extend_from_slice(&addi(6, 6, 3).to_le_bytes());
    bytes.extend_from_slice(&ECALL.to_le_bytes());
    vm.mem.write_bytes_unchecked(CODE + 0xffc, &bytes).unwrap();
    vm.cpu.pc = CODE + 0xffc;
    assert_eq!(vm.run(100), Exit::Ecall);
    assert_eq!((vm.x(5), vm.x(6)), (1, 3));
    assert_eq!(vm.cpu.pc, CODE + 0x1006);
}
