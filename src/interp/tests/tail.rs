//! The tail after a block's slots (`interp::code`): what the dispatch loop
//! reads there (the start pc for `auipc`, the end for branches, the run
//! counter) and how the out-of-line path finds a slot's block from the
//! distance the slot carries, for every kind of slot that goes there, at
//! every distance from the block's end, including blocks cut at the length
//! limit.

use super::asm::*;
use super::{Code, Vm, CODE, DATA};
use crate::block::MAX_BLOCK_INSNS;
use crate::interp::Exit;

/// `csrrs rd, instret, x0` (an out-of-line `Generic` slot).
fn rdinstret(rd: u32) -> u32 {
    csr(2, rd, 0xc02, 0)
}

/// One instruction (or fused pair) that leaves the fast path on its first
/// run in a fresh machine, and what to read back afterwards.
struct Case {
    name: &'static str,
    insns: Vec<u32>,
}

fn cases() -> Vec<Case> {
    let c = |name, insns: &[u32]| Case {
        name,
        insns: insns.to_vec(),
    };
    // x10 and x12 point at two pages touched for the first time (TLB
    // misses); f1, f2 hold 1.0 and 0.1.
    vec![
        c("lb", &[lb(23, 10, 1)]),
        c("lh", &[lh(23, 10, 2)]),
        c("lw", &[lw(23, 10, 4)]),
        c("ld", &[ld(23, 10, 8)]),
        c("lbu", &[lbu(23, 10, 1)]),
        c("lhu", &[lhu(23, 10, 2)]),
        c("lwu", &[lwu(23, 10, 4)]),
        c("flw", &[flw(5, 10, 4)]),
        c("fld", &[fld(5, 10, 8)]),
        c("sb", &[sb(11, 10, 1), ld(23, 10, 0)]),
        c("sh", &[sh(11, 10, 2), ld(23, 10, 0)]),
        c("sw", &[sw(11, 10, 4), ld(23, 10, 0)]),
        c("sd", &[sd(11, 10, 8), ld(23, 10, 8)]),
        c("fsw", &[fsw(1, 10, 4), ld(23, 10, 0)]),
        c("fsd", &[fsd(2, 10, 8), ld(23, 10, 8)]),
        // Both halves of the pairs miss (two fresh pages).
        c("ld;ld", &[ld(23, 10, 8), ld(24, 12, 16)]),
        c(
            "sd;sd",
            &[sd(11, 10, 8), sd(11, 12, 16), ld(23, 10, 8), ld(24, 12, 16)],
        ),
        // Double arithmetic in round-towards-zero: outside the fast path.
        c("fadd.d", &[fp(0x01, 5, 1, 2, 1)]),
        c("fsub.d", &[fp(0x05, 5, 1, 2, 1)]),
        c("fmul.d", &[fp(0x09, 5, 1, 2, 1)]),
        c("fdiv.d", &[fp(0x0d, 5, 1, 2, 1)]),
        c("fmadd.d", &[fma(0x43, true, 5, 1, 2, 2, 1)]),
        c("fmsub.d", &[fma(0x47, true, 5, 1, 2, 2, 1)]),
        c("fnmsub.d", &[fma(0x4b, true, 5, 1, 2, 2, 1)]),
        c("fnmadd.d", &[fma(0x4f, true, 5, 1, 2, 2, 1)]),
        // Generic: a rare FP op and an atomic.
        c("fsqrt.d", &[fp(0x2d, 5, 2, 0, 0)]),
        c("amoadd.d", &[amo(ADD, true, 23, 10, 11)]),
    ]
}

/// Runs `pad` counted `addi`s, the case, `addi x21, x0, 7`, `rdinstret
/// x22` and `ecall`, in one block unless the pad reaches the length limit;
/// returns the machine.
fn run(case: &Case, pad: usize) -> Vm {
    let mut insns = vec![addi(20, 20, 1); pad];
    insns.extend_from_slice(&case.insns);
    insns.extend_from_slice(&[addi(21, 0, 7), rdinstret(22), ECALL]);
    let mut vm = Vm::new(&Code::new().w(&insns));
    vm.mem
        .write_bytes_unchecked(DATA + 0x3000, &0x8877_6655_4433_2211u64.to_le_bytes())
        .unwrap();
    vm.mem
        .write_bytes_unchecked(DATA + 0x3008, &0x1122_3344_5566_7788u64.to_le_bytes())
        .unwrap();
    vm.mem
        .write_bytes_unchecked(DATA + 0x5010, &0x0102_0304_0506_0708u64.to_le_bytes())
        .unwrap();
    vm.cpu.x[10] = DATA + 0x3000;
    vm.cpu.x[11] = 0xa1b2_c3d4_e5f6_0718;
    vm.cpu.x[12] = DATA + 0x5000;
    vm.cpu.f[1] = 1.0f64.to_bits();
    vm.cpu.f[2] = 0.1f64.to_bits();
    assert_eq!(
        vm.run(100_000),
        Exit::Ecall,
        "{} after {pad} instructions",
        case.name
    );
    let n = (pad + case.insns.len()) as u64;
    assert_eq!(vm.x(20), pad as u64, "{}: the pad ran", case.name);
    assert_eq!(vm.x(21), 7, "{}: the block went on after it", case.name);
    assert_eq!(vm.x(22), n + 1, "{}: instret before rdinstret", case.name);
    assert_eq!(vm.cpu.instret, n + 3, "{}: instret", case.name);
    assert_eq!(
        vm.cpu.pc,
        CODE + 4 * (n + 3),
        "{}: pc after ecall",
        case.name
    );
    vm
}

#[test]
fn every_slot_kind_on_the_out_of_line_path_finds_its_block_at_any_distance() {
    // Distances from 1 to the block's length, and blocks cut at the limit
    // on either side of the case (end-marker closing units).
    let pads = [
        0,
        1,
        2,
        3,
        7,
        30,
        64,
        MAX_BLOCK_INSNS - 6,
        MAX_BLOCK_INSNS - 4,
        MAX_BLOCK_INSNS - 1,
    ];
    for case in cases() {
        let mut reference = run(&case, 0);
        for pad in pads {
            let mut vm = run(&case, pad);
            assert_eq!(
                (vm.x(23), vm.x(24), vm.cpu.f[5], vm.cpu.fcsr),
                (
                    reference.x(23),
                    reference.x(24),
                    reference.cpu.f[5],
                    reference.cpu.fcsr
                ),
                "{} after {pad} instructions",
                case.name
            );
            let mut data = [0u8; 24];
            vm.mem
                .read_bytes_unchecked(DATA + 0x3000, &mut data)
                .unwrap();
            let mut want = [0u8; 24];
            reference
                .mem
                .read_bytes_unchecked(DATA + 0x3000, &mut want)
                .unwrap();
            assert_eq!(data, want, "{} after {pad} instructions: memory", case.name);
        }
    }
}

#[test]
fn the_cases_really_ran() {
    // Spot checks of the reference runs themselves.
    let by = |name: &str| cases().into_iter().find(|c| c.name == name).unwrap();
    assert_eq!(run(&by("ld"), 0).x(23), 0x1122_3344_5566_7788);
    assert_eq!(run(&by("lb"), 0).x(23), 0x22);
    let vm = run(&by("ld;ld"), 5);
    assert_eq!(
        (vm.x(23), vm.x(24)),
        (0x1122_3344_5566_7788, 0x0102_0304_0506_0708)
    );
    let vm = run(&by("sd;sd"), 5);
    assert_eq!(
        (vm.x(23), vm.x(24)),
        (0xa1b2_c3d4_e5f6_0718, 0xa1b2_c3d4_e5f6_0718)
    );
    let near = (1.0f64 + 0.1).to_bits();
    assert_eq!(
        run(&by("fadd.d"), 9).cpu.f[5],
        near - 1,
        "round towards zero"
    );
    assert_eq!(run(&by("amoadd.d"), 9).x(23), 0x8877_6655_4433_2211);
}

#[test]
fn auipc_reads_its_block_start_at_any_distance() {
    // A block of the full length (cut, so it ends with the end marker),
    // with `auipc` at its first, second, middle and last two slots.
    let at = [0usize, 1, 63, MAX_BLOCK_INSNS - 2, MAX_BLOCK_INSNS - 1];
    let mut insns = vec![addi(20, 20, 1); MAX_BLOCK_INSNS];
    for (r, &k) in at.iter().enumerate() {
        insns[k] = auipc(5 + r as u32, (k as i32 + 1) << 12);
    }
    insns.push(ECALL);
    let mut vm = Vm::new(&Code::new().w(&insns));
    vm.run_ecall();
    for (r, &k) in at.iter().enumerate() {
        let want = CODE + 4 * k as u64 + ((k as u64 + 1) << 12);
        assert_eq!(vm.x(5 + r), want, "auipc at slot {k}");
    }
    assert_eq!(vm.interp.stats().blocks_built, 2);
}

#[test]
fn auipc_in_the_fp_loop() {
    // After an FP op the block runs in the FP build of the loop, which has
    // its own `auipc` arm.
    let code = Code::new().w(&[
        fp(0x01, 3, 1, 1, 0), // fadd.d f3, f1, f1 (fast path)
        auipc(5, 0x2000),
        addi(6, 0, 1),
        auipc(7, -4096),
        ECALL,
    ]);
    let mut vm = Vm::new(&code);
    vm.cpu.f[1] = 1.5f64.to_bits();
    vm.run_ecall();
    assert_eq!(vm.cpu.f[3], 3.0f64.to_bits());
    assert_eq!(vm.x(5), CODE + 4 + 0x2000);
    assert_eq!(vm.x(7), CODE + 12 - 4096);
}

#[test]
fn a_run_is_counted_at_the_block_end_or_where_it_stops() {
    // CODE: addi x5, x5, 1; ecall   CODE + 8: j CODE
    let mut vm = Vm::new(&Code::new().w(&[addi(5, 5, 1), ECALL, jal(0, -8)]));
    for _ in 0..3 {
        assert_eq!(vm.run(1000), Exit::Ecall);
    }
    let cache = vm.interp.cache();
    assert_eq!(cache.get(CODE).unwrap().count(), 3, "stopped at its ecall");
    assert_eq!(cache.get(CODE + 8).unwrap().count(), 2, "ran to its end");
    assert_eq!(vm.interp.stats().block_runs, 5);

    // A block that faults half-way is counted once.
    let mut vm = Vm::new(&Code::new().w(&[addi(5, 5, 1), ld(6, 11, 0), addi(5, 5, 1), ECALL]));
    vm.cpu.x[11] = 0x7000_0000;
    assert!(matches!(vm.run(1000), Exit::Fault { .. }));
    assert_eq!(vm.interp.cache().get(CODE).unwrap().count(), 1);
    assert_eq!(vm.cpu.instret, 1);

    // A budget that ends on a block boundary counts the block that ran.
    let mut vm = Vm::new(&Code::new().w(&[addi(5, 5, 1), addi(6, 6, 1), jal(0, -8)]));
    assert_eq!(vm.run(7), Exit::Budget);
    assert_eq!(vm.cpu.instret, 9);
    assert_eq!(vm.interp.cache().get(CODE).unwrap().count(), 3);
}
