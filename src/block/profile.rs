//! Execution statistics: cache-wide event counters and the per-block run
//! counts that make up the JIT's profile.
//!
//! Counters are a plain array indexed by the [`Stat`] enum, so bumping one in
//! a hot path is a single add at a constant offset (a struct of named fields
//! would be as cheap but could not be iterated or reset generically).

/// A cache-wide event counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum Stat {
    /// Blocks decoded and inserted into the cache.
    BlocksBuilt,
    /// Blocks executed (each run of a block counts once).
    BlockRuns,
    /// Block lookups that missed the direct-mapped jump cache.
    LookupMisses,
    /// Blocks dropped because a store hit their code page (or an explicit
    /// `invalidate_page`).
    Invalidations,
    /// Whole-cache flushes (`fence.i`, `exec`, explicit `flush`).
    Flushes,
}

/// Number of [`Stat`] variants.
pub const STAT_COUNT: usize = 5;

/// The counters, indexed by [`Stat`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters([u64; STAT_COUNT]);

impl Counters {
    /// Adds one to `s`.
    #[inline(always)]
    pub fn bump(&mut self, s: Stat) {
        self.0[s as usize] += 1;
    }

    /// Adds `n` to `s`.
    #[inline(always)]
    pub fn add(&mut self, s: Stat, n: u64) {
        self.0[s as usize] += n;
    }

    /// The current value of `s`.
    pub fn get(&self, s: Stat) -> u64 {
        self.0[s as usize]
    }

    /// A snapshot with named fields.
    pub fn snapshot(&self, live_blocks: usize) -> Stats {
        Stats {
            blocks_built: self.get(Stat::BlocksBuilt),
            block_runs: self.get(Stat::BlockRuns),
            lookup_misses: self.get(Stat::LookupMisses),
            invalidations: self.get(Stat::Invalidations),
            flushes: self.get(Stat::Flushes),
            live_blocks: live_blocks as u64,
        }
    }
}

/// A snapshot of the block cache's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Blocks decoded and inserted into the cache.
    pub blocks_built: u64,
    /// Blocks executed.
    pub block_runs: u64,
    /// Lookups that missed the jump cache (and went to the hash map or built a block).
    pub lookup_misses: u64,
    /// Blocks invalidated by code writes.
    pub invalidations: u64,
    /// Whole-cache flushes.
    pub flushes: u64,
    /// Blocks currently in the cache.
    pub live_blocks: u64,
}

/// The `n` most executed `(pc, count)` pairs of `blocks` (count descending,
/// then pc ascending so the order is deterministic).
pub fn hottest(blocks: impl Iterator<Item = (u64, u64)>, n: usize) -> Vec<(u64, u64)> {
    let mut v: Vec<(u64, u64)> = blocks.filter(|&(_, c)| c > 0).collect();
    v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(n);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_index_by_stat() {
        let mut c = Counters::default();
        c.bump(Stat::BlockRuns);
        c.add(Stat::Flushes, 3);
        let s = c.snapshot(7);
        assert_eq!(s.block_runs, 1);
        assert_eq!(s.flushes, 3);
        assert_eq!(s.blocks_built, 0);
        assert_eq!(s.live_blocks, 7);
        assert_eq!(Stat::Flushes as usize + 1, STAT_COUNT);
    }

    #[test]
    fn hottest_sorts_and_truncates() {
        let v = hottest([(0x10, 5), (0x20, 9), (0x30, 0), (0x8, 5)].into_iter(), 2);
        assert_eq!(v, vec![(0x20, 9), (0x8, 5)]);
    }
}
