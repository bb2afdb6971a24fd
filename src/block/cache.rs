//! The block cache: pc -> pre-decoded basic block.
//!
//! Blocks live in a `Vec` and are named by their index, so the interpreter's
//! common path is: hash `pc` into a direct-mapped [jump cache](JUMP_CACHE_SIZE)
//! (one compare, no hashing), and only on a miss consult the `hashbrown` map,
//! and only if that misses too decode a new block. A dead block's slot is
//! recycled through a free list; every reference to a slot (jump cache entry,
//! page index) is validated by comparing the block's start pc, so stale
//! references are harmless.
//!
//! Rejected alternative: chaining each block to its successors. It saves the
//! jump-cache load only, costs a validation load anyway (blocks can die), and
//! complicates invalidation; the direct-mapped table gives the same "no hash
//! in the common path" property with one structure.

use hashbrown::HashMap;

use crate::decode::{decode, insn_len, Insn, Op};
use crate::interp::code::Code;
use crate::interp::exec::writes_only_rd;
use crate::interp::lower::{lower, XInsn};
use crate::mem::{AddressSpace, MemFault, PAGE_MASK};

use super::profile::{hottest, Counters, Stat, Stats};

/// Longest block, in instructions. Long enough that dispatch overhead between
/// blocks (lookup, budget and code-write checks) is amortised over straight-line
/// code, short enough that the budget is overshot by little and a block
/// entered once in the middle of a long run does not decode far ahead in vain.
pub const MAX_BLOCK_INSNS: usize = 128;

/// Entries in the direct-mapped jump cache (a power of two). 4096 entries of
/// 16 bytes in wasm (64 KiB) cover the working set of typical programs' hot code.
pub const JUMP_CACHE_SIZE: usize = 4096;

/// Appended to blocks that do not end in a control transfer: `jal x0, 0`
/// with length 0, i.e. "continue at the block's end address".
pub const END_MARKER: Insn = Insn {
    op: Op::Jal,
    rd: 0,
    rs1: 0,
    rs2: 0,
    rs3: 0,
    rm: 0,
    len: 0,
    imm: 0,
};

/// A `pc` that no block can have (pcs are even): marks dead blocks and empty
/// jump-cache entries.
const NO_PC: u64 = u64::MAX;

/// One basic block of pre-decoded instructions.
#[derive(Debug)]
pub struct Block {
    /// Guest address of the first instruction ([`u64::MAX`] once dead).
    pub pc: u64,
    /// The instructions, in order; only the last one may end the block.
    /// Two rewrites make them cheaper to interpret: pure ops writing `x0`
    /// are stored as `fence` (a no-op), and an `auipc` carries its byte
    /// offset from the block start in its unused `rs1` (low byte) and `rs2`
    /// (high byte) fields. A block always ends with an instruction that
    /// leaves it ([`Insn::ends_block`]); one cut short (length limit, page
    /// boundary, undecodable successor) gets [`END_MARKER`] appended, so the
    /// interpreter needs no end-of-slice check per instruction.
    pub insns: Box<[Insn]>,
    /// The same instructions in the interpreter's private form (index for
    /// index, see [`crate::interp::lower`]), followed by what the dispatch
    /// loop reads at the block's end, the run counter among it
    /// ([`crate::interp::code`]).
    pub(crate) code: Code,
    /// Page of the first instruction.
    first_page: u64,
    /// Page of the last byte (differs from `first_page` only when the last
    /// instruction straddles a page boundary).
    last_page: u64,
}

/// Why a block could not be built: its very first instruction does not fetch
/// or decode. (A later instruction that fails just ends the block before it.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuildError {
    /// Fetching the instruction faulted (unmapped, or not executable).
    Fault(MemFault),
    /// The instruction bits are illegal.
    Illegal(u32),
}

impl Block {
    /// How many times the block ran (the JIT profile).
    pub fn count(&self) -> u64 {
        self.code.count()
    }

    /// Number of guest instructions (`insns` without the end marker).
    pub fn n(&self) -> u64 {
        self.code.tail().n
    }

    /// Address after the last instruction (the fall-through successor).
    pub fn end(&self) -> u64 {
        self.code.tail().end
    }
}

/// A jump-cache entry: the block's index, and its first interpreter slot
/// (which stays put when `blocks` moves: the code is a separate
/// allocation), where the dispatch loop goes on without touching the
/// `Block`.
#[derive(Clone, Copy)]
struct JumpEntry {
    pc: u64,
    idx: u32,
    code: *mut XInsn,
}

/// Blocks, their lookup structures, and the statistics about them.
pub struct BlockCache {
    blocks: Vec<Block>,
    free: Vec<u32>,
    map: HashMap<u64, u32>,
    jump: Box<[JumpEntry; JUMP_CACHE_SIZE]>,
    /// Page address -> blocks with code on that page (may hold stale indices).
    pages: HashMap<u64, Vec<u32>>,
    /// Event counters.
    pub counters: Counters,
}

impl Default for BlockCache {
    fn default() -> Self {
        Self::new()
    }
}

#[inline(always)]
fn jump_slot(pc: u64) -> usize {
    ((pc >> 1) as usize) & (JUMP_CACHE_SIZE - 1)
}

impl BlockCache {
    /// An empty cache.
    pub fn new() -> Self {
        BlockCache {
            blocks: Vec::new(),
            free: Vec::new(),
            map: HashMap::new(),
            jump: Box::new(
                [JumpEntry {
                    pc: NO_PC,
                    idx: 0,
                    code: core::ptr::null_mut(),
                }; JUMP_CACHE_SIZE],
            ),
            pages: HashMap::new(),
            counters: Counters::default(),
        }
    }

    /// The block at `idx` (as returned by [`lookup`](Self::lookup) or
    /// [`build`](Self::build)).
    #[inline(always)]
    pub fn block(&self, idx: u32) -> &Block {
        &self.blocks[idx as usize]
    }

    /// The block at `idx`, mutably (to bump its counter).
    #[inline(always)]
    pub fn block_mut(&mut self, idx: u32) -> &mut Block {
        &mut self.blocks[idx as usize]
    }

    /// [`lookup`](Self::lookup), building the block on a miss; returns the
    /// block itself. The interpreter's per-block entry point.
    #[inline(always)]
    pub fn enter(&mut self, pc: u64, mem: &mut AddressSpace) -> Result<&mut Block, BuildError> {
        // The hit path tests the jump cache directly rather than through
        // `lookup`'s `Option`: merging a `Some` from two paths costs a
        // materialized flag and a compare per block in wasm.
        let e = self.jump[jump_slot(pc)];
        let idx = if e.pc == pc {
            e.idx
        } else {
            self.enter_slow(pc, mem)?
        };
        debug_assert!((idx as usize) < self.blocks.len());
        // SAFETY: `idx` comes from the jump cache, the map or `build`. Slots
        // are never removed from `blocks` except by `flush`, which also
        // empties the jump cache and the map, so every index they hold is
        // below `blocks.len()`.
        Ok(unsafe { self.blocks.get_unchecked_mut(idx as usize) })
    }

    /// The first slot of the block starting at `pc` if the jump cache has
    /// it: the hit path of [`enter`](Self::enter) alone, which calls nothing
    /// (the dispatch loop's block-to-block step; it leaves misses to
    /// `enter`).
    #[inline(always)]
    pub(crate) fn enter_cached(&mut self, pc: u64) -> Option<*mut XInsn> {
        let e = self.jump[jump_slot(pc)];
        if e.pc != pc {
            return None;
        }
        debug_assert!(core::ptr::eq(
            e.code,
            self.blocks[e.idx as usize].code.slots().as_ptr()
        ));
        // (A live entry's `code` is its block's, see `JumpEntry`.)
        Some(e.code)
    }

    /// The live block starting at `pc`, if any (for the JIT tier and tests;
    /// the interpreter uses [`lookup`](Self::lookup)).
    pub fn get(&self, pc: u64) -> Option<&Block> {
        self.map.get(&pc).map(|&idx| &self.blocks[idx as usize])
    }

    /// Finds the block starting at `pc`: jump cache first, then the map.
    #[inline(always)]
    pub fn lookup(&mut self, pc: u64) -> Option<u32> {
        let e = self.jump[jump_slot(pc)];
        if e.pc == pc {
            return Some(e.idx);
        }
        self.lookup_slow(pc)
    }

    /// Points the jump-cache entry of `pc` at block `idx`.
    fn set_jump(&mut self, pc: u64, idx: u32) {
        let code = self.blocks[idx as usize].code.entry();
        self.jump[jump_slot(pc)] = JumpEntry { pc, idx, code };
    }

    /// The jump-cache miss path of [`enter`](Self::enter): the map, then
    /// a build.
    #[cold]
    #[inline(never)]
    fn enter_slow(&mut self, pc: u64, mem: &mut AddressSpace) -> Result<u32, BuildError> {
        match self.lookup_slow(pc) {
            Some(idx) => Ok(idx),
            None => self.build(pc, mem),
        }
    }

    #[inline(never)]
    fn lookup_slow(&mut self, pc: u64) -> Option<u32> {
        self.counters.bump(Stat::LookupMisses);
        let idx = *self.map.get(&pc)?;
        self.set_jump(pc, idx);
        Some(idx)
    }

    /// Decodes the block starting at `pc` and inserts it. Fetches go through
    /// `mem.fetch_u16` (execute permission) and every page decoded from is
    /// marked with `mem.mark_code`.
    #[cold]
    #[inline(never)]
    pub fn build(&mut self, pc: u64, mem: &mut AddressSpace) -> Result<u32, BuildError> {
        let first_page = pc & !PAGE_MASK;
        let mut last_page = first_page;
        let mut insns: Vec<Insn> = Vec::with_capacity(16);
        let mut at = pc;
        mem.mark_code(first_page);
        while insns.len() < MAX_BLOCK_INSNS && at & !PAGE_MASK == first_page {
            let fetched = fetch(mem, at);
            let insn = match fetched
                .and_then(|bits| decode(bits).map_err(|e| BuildError::Illegal(e.bits)))
            {
                Ok(i) => i,
                Err(e) if insns.is_empty() => return Err(e),
                // The failing instruction starts a later block, where it
                // faults precisely with its own pc.
                Err(_) => break,
            };
            let end = at.wrapping_add(insn.len as u64 - 1) & !PAGE_MASK;
            if end != first_page {
                mem.mark_code(end);
                last_page = end;
            }
            let mut stored = insn;
            if insn.rd == 0 && writes_only_rd(insn.op) {
                // A pure op writing x0 does nothing: store a no-op so the
                // interpreter never has to undo a write to x0 after ALU ops.
                stored = Insn::new(Op::Fence, insn.len);
            } else if insn.op == Op::Auipc {
                let off = at - pc; // < PAGE_SIZE: the block stays in one page
                stored.rs1 = off as u8;
                stored.rs2 = (off >> 8) as u8;
            }
            insns.push(stored);
            at = at.wrapping_add(insn.len as u64);
            if insn.ends_block() {
                break;
            }
        }
        let n = insns.len() as u64;
        if !insns.last().is_some_and(Insn::ends_block) {
            insns.push(END_MARKER);
        }
        let block = Block {
            pc,
            code: Code::new(lower(&insns), pc, at, n),
            insns: insns.into_boxed_slice(),
            first_page,
            last_page,
        };
        let idx = match self.free.pop() {
            Some(i) => {
                self.blocks[i as usize] = block;
                i
            }
            None => {
                self.blocks.push(block);
                (self.blocks.len() - 1) as u32
            }
        };
        self.blocks[idx as usize].code.set_index(idx);
        self.map.insert(pc, idx);
        self.set_jump(pc, idx);
        self.pages.entry(first_page).or_default().push(idx);
        if last_page != first_page {
            self.pages.entry(last_page).or_default().push(idx);
        }
        self.counters.bump(Stat::BlocksBuilt);
        Ok(idx)
    }

    /// Drops every block with code on the page at `page` (page aligned).
    pub fn invalidate_page(&mut self, page: u64) {
        let page = page & !PAGE_MASK;
        let Some(list) = self.pages.remove(&page) else {
            return;
        };
        for idx in list {
            let b = &self.blocks[idx as usize];
            if b.pc != NO_PC && (b.first_page == page || b.last_page == page) {
                self.kill(idx);
            }
        }
    }

    fn kill(&mut self, idx: u32) {
        let b = &mut self.blocks[idx as usize];
        let pc = b.pc;
        self.counters.add(Stat::BlockRuns, b.count());
        b.pc = NO_PC;
        b.insns = Box::new([]);
        b.code = Code::empty();
        self.map.remove(&pc);
        let slot = &mut self.jump[jump_slot(pc)];
        if slot.pc == pc {
            slot.pc = NO_PC;
        }
        self.free.push(idx);
        self.counters.bump(Stat::Invalidations);
    }

    /// Drops every block (`fence.i`, `exec`).
    pub fn flush(&mut self) {
        let runs = self.live_runs();
        self.counters.add(Stat::BlockRuns, runs);
        self.blocks.clear();
        self.free.clear();
        self.map.clear();
        self.pages.clear();
        for e in self.jump.iter_mut() {
            e.pc = NO_PC;
        }
        self.counters.bump(Stat::Flushes);
    }

    /// Number of live blocks.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True if no block is cached.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        let mut s = self.counters.snapshot(self.len());
        s.block_runs += self.live_runs();
        s
    }

    /// Runs of the live blocks. The interpreter counts runs only per block
    /// (`Block::count`, one add per block run); `Stat::BlockRuns` holds the
    /// runs of blocks that died, so the total needs no second counter in
    /// the hot loop.
    fn live_runs(&self) -> u64 {
        self.blocks
            .iter()
            .filter(|b| b.pc != NO_PC)
            .map(|b| b.count())
            .sum()
    }

    /// The `n` most executed live blocks as `(pc, runs)`, hottest first.
    pub fn hot_blocks(&self, n: usize) -> Vec<(u64, u64)> {
        hottest(
            self.blocks
                .iter()
                .filter(|b| b.pc != NO_PC)
                .map(|b| (b.pc, b.count())),
            n,
        )
    }
}

/// Fetches the instruction bits at `pc` (one or two halfwords).
fn fetch(mem: &mut AddressSpace, pc: u64) -> Result<u32, BuildError> {
    let lo = mem.fetch_u16(pc).map_err(BuildError::Fault)?;
    if insn_len(lo) == 2 {
        return Ok(lo as u32);
    }
    let hi = mem
        .fetch_u16(pc.wrapping_add(2))
        .map_err(BuildError::Fault)?;
    Ok(lo as u32 | (hi as u32) << 16)
}

/// Re-fetches the bits of the instruction at `pc` for an `Illegal` exit
/// (0 if they can no longer be fetched).
pub fn refetch_bits(mem: &mut AddressSpace, pc: u64) -> u32 {
    fetch(mem, pc).unwrap_or(0)
}
