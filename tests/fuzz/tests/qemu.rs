//! The generator against qemu-riscv64 alone: generated programs assemble, run to completion
//! deterministically, and the load/dump scaffolding round-trips the initial state.
//! Needs riscv64-linux-gnu-gcc and qemu-riscv64 (see `tools`).

use nanovm_fuzzgen::dump::records;
use nanovm_fuzzgen::seq::{x_untouchable, BASE, RECORD, SCRATCH};
use nanovm_fuzzgen::{asm, generate, tools};

#[test]
fn empty_bodies_dump_their_initial_state() {
    assert!(
        tools::tools_available(),
        "needs {} and {}",
        tools::cc(),
        tools::qemu()
    );
    let seqs: Vec<_> = generate(77, 0, 50, 16)
        .into_iter()
        .map(|s| s.retain(|_| false))
        .collect();
    let dir = tools::temp_dir("empty");
    let exe = tools::build(&asm::program(&seqs), &dir, "empty").unwrap();
    let out = tools::run_qemu(&exe).unwrap();
    assert_eq!(out.code, Some(0));
    let recs = records(&out.stdout);
    assert_eq!(recs.len(), seqs.len());
    for (s, r) in seqs.iter().zip(&recs) {
        assert_eq!(r.index(), s.index);
        for i in 1..32 {
            if x_untouchable(i as u8) {
                assert_eq!(r.x(i), 0, "x{i} slot must stay zero");
            } else if i != BASE as usize {
                assert_eq!(r.x(i), s.init_x[i], "x{i}");
            }
        }
        for i in 0..32 {
            assert_eq!(r.f(i), s.init_f[i], "f{i}");
        }
        assert_eq!(r.fcsr(), s.init_fcsr);
        for i in 0..SCRATCH / 8 {
            assert_eq!(r.mem(i), s.scratch[i]);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn random_programs_run_to_completion_deterministically() {
    assert!(
        tools::tools_available(),
        "needs {} and {}",
        tools::cc(),
        tools::qemu()
    );
    let dir = tools::temp_dir("determinism");
    for (seed, len) in [(1u64, 8usize), (2, 48), (3, 120)] {
        let seqs = generate(seed, 1000, 500, len);
        let exe = tools::build(&asm::program(&seqs), &dir, "prog").unwrap();
        let a = tools::run_qemu(&exe).unwrap();
        let b = tools::run_qemu(&exe).unwrap();
        assert_eq!(a.code, Some(0), "seed {seed}: signal {:?}", a.signal);
        assert_eq!(a.stdout.len(), 500 * RECORD);
        assert_eq!(a, b);
        let recs = records(&a.stdout);
        assert!(recs.iter().zip(1000..).all(|(r, i)| r.index() == i));
        // the random code does change state
        let changed = seqs
            .iter()
            .zip(&recs)
            .filter(|(s, r)| r.fcsr() != s.init_fcsr)
            .count();
        assert!(changed > 50, "only {changed} sequences changed fcsr");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
