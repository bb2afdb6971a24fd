//! Minimising a diverging sequence: shortest failing prefix (binary search), then dropping
//! items one at a time while the divergence persists (a simple one-pass delta debugging), then
//! replacing the initial values the remaining items use by simpler ones (zero) where that
//! keeps the divergence.
//! Items are self-contained (an `lr`/`sc` pair or `addi`+`amo` is one item) and branch labels
//! move to the next surviving item, so every candidate is still a valid program.

use crate::seq::Sequence;

/// The smallest sequence derived from `seq` for which `diverges` still holds. `diverges(seq)`
/// is expected to be true; the predicate is called O(len) times.
pub fn minimise(seq: &Sequence, mut diverges: impl FnMut(&Sequence) -> bool) -> Sequence {
    let ids: Vec<usize> = seq.items.iter().map(|i| i.id).collect();
    let prefix = |k: usize| {
        let keep: Vec<usize> = ids[..k].to_vec();
        seq.retain(|id| keep.contains(&id))
    };
    let mut hi = ids.len();
    if diverges(&prefix(0)) {
        hi = 0;
    } else {
        // invariant: prefix(lo) passes, prefix(hi) fails
        let mut lo = 0;
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if diverges(&prefix(mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
    }
    let cur = prefix(hi);
    let cur = drop_items(cur, &mut diverges);
    simplify_init(cur, &mut diverges)
}

/// Tries to remove each item but the last one.
fn drop_items(mut cur: Sequence, diverges: &mut impl FnMut(&Sequence) -> bool) -> Sequence {
    // the last item of the prefix is needed by construction; try dropping each earlier one
    let mut i = cur.items.len().saturating_sub(1);
    while i > 0 {
        i -= 1;
        let drop_id = cur.items[i].id;
        let cand = cur.retain(|id| id != drop_id);
        if diverges(&cand) {
            cur = cand;
        }
    }
    cur
}

/// Tries zero for each used register's initial value, for `fcsr` and for the scratch memory.
fn simplify_init(mut cur: Sequence, diverges: &mut impl FnMut(&Sequence) -> bool) -> Sequence {
    let mut attempt = |cur: &mut Sequence, change: &dyn Fn(&mut Sequence)| {
        let mut cand = cur.clone();
        change(&mut cand);
        if cand != *cur && diverges(&cand) {
            *cur = cand;
        }
    };
    let (xs, fs) = cur.used_registers();
    for i in (0..32).filter(|&i| xs[i]) {
        attempt(&mut cur, &|s| s.init_x[i] = 0);
    }
    for i in (0..32).filter(|&i| fs[i]) {
        attempt(&mut cur, &|s| s.init_f[i] = 0);
    }
    attempt(&mut cur, &|s| s.init_fcsr = 0);
    attempt(&mut cur, &|s| s.scratch = Default::default());
    cur
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::sequence;

    #[test]
    fn shrinks_to_the_culprits() {
        let seq = sequence(9, 0, 40);
        let (a, b) = (seq.items[7].id, seq.items[23].id);
        let mut calls = 0;
        // "diverges" when both items 7 and 23 are present
        let min = minimise(&seq, |s| {
            calls += 1;
            s.items.iter().any(|i| i.id == a) && s.items.iter().any(|i| i.id == b)
        });
        let ids: Vec<usize> = min.items.iter().map(|i| i.id).collect();
        assert_eq!(ids, vec![a, b]);
        assert!(calls < 80);
        // nothing depends on the initial state here, so all used values become zero
        let (xs, _) = min.used_registers();
        assert!((0..32).all(|i| !xs[i] || min.init_x[i] == 0));
        assert_eq!(min.init_fcsr, 0);
    }
}
