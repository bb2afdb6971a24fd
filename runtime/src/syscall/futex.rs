//! `futex`: WAIT, WAKE, WAIT_BITSET, WAKE_BITSET, REQUEUE, CMP_REQUEUE and
//! WAKE_OP, private or not, with timeouts (relative for WAIT, absolute for
//! the BITSET form, on CLOCK_MONOTONIC or, with FUTEX_CLOCK_REALTIME,
//! CLOCK_REALTIME).
//!
//! A futex is named by its process and address: waiters are the parked
//! threads whose [`Wait::Futex`] matches (no separate hash table: the thread
//! table is small and a wake scans it once). Process-shared futexes in
//! `MAP_SHARED` memory across `fork` are therefore not matched between
//! processes (they would need a key by frame).

use super::{Args, Ctx, SysResult};
use crate::sched::{block, Wait};
use crate::Errno;

const WAIT: u64 = 0;
const WAKE: u64 = 1;
const REQUEUE: u64 = 3;
const CMP_REQUEUE: u64 = 4;
const WAKE_OP: u64 = 5;
const WAIT_BITSET: u64 = 9;
const WAKE_BITSET: u64 = 10;
const PRIVATE: u64 = 128;
const CLOCK_REALTIME: u64 = 256;

fn load(ctx: &mut Ctx, addr: u64) -> Result<u32, Errno> {
    if addr & 3 != 0 {
        return Err(Errno::EINVAL);
    }
    let mut b = [0u8; 4];
    ctx.proc.mem.read_bytes(addr, &mut b)?;
    Ok(u32::from_le_bytes(b))
}

/// `futex(uaddr, op, val, timeout/val2, uaddr2, val3)`.
pub fn futex(ctx: &mut Ctx, a: &Args) -> SysResult {
    let [uaddr, op, val, timeout, uaddr2, val3] = *a;
    let cmd = op & !(PRIVATE | CLOCK_REALTIME);
    if op & CLOCK_REALTIME != 0 && !matches!(cmd, WAIT | WAIT_BITSET) {
        return Err(Errno::ENOSYS);
    }
    let pid = ctx.proc.pid;
    match cmd {
        WAIT | WAIT_BITSET => {
            let bitset = if cmd == WAIT { u32::MAX } else { val3 as u32 };
            if bitset == 0 {
                return Err(Errno::EINVAL);
            }
            let deadline = if timeout != 0 {
                let t = super::time::read_timespec(ctx, timeout)?;
                let now = ctx.host.monotonic_ns();
                Some(if cmd == WAIT {
                    now.saturating_add(t)
                } else if op & CLOCK_REALTIME != 0 {
                    let real = ctx.host.realtime_ns();
                    now.saturating_add(t.saturating_sub(real))
                } else {
                    t
                })
            } else {
                None
            };
            if load(ctx, uaddr)? != val as u32 {
                return Err(Errno::EAGAIN);
            }
            if deadline.is_some_and(|d| d <= ctx.host.monotonic_ns()) {
                return Err(Errno::ETIMEDOUT);
            }
            ctx.kernel.futex_seq += 1;
            let seq = ctx.kernel.futex_seq;
            block(
                ctx,
                Wait::Futex {
                    pid,
                    addr: uaddr,
                    bitset,
                    deadline,
                    seq,
                },
            );
            Ok(0)
        }
        WAKE | WAKE_BITSET => {
            let bitset = if cmd == WAKE { u32::MAX } else { val3 as u32 };
            if bitset == 0 {
                return Err(Errno::EINVAL);
            }
            if uaddr & 3 != 0 {
                return Err(Errno::EINVAL);
            }
            Ok(ctx.kernel.futex_wake(pid, uaddr, val as u32, bitset) as u64)
        }
        REQUEUE | CMP_REQUEUE => {
            if uaddr & 3 != 0 || uaddr2 & 3 != 0 || (val as i32) < 0 || (timeout as i32) < 0 {
                return Err(Errno::EINVAL);
            }
            if cmd == CMP_REQUEUE && load(ctx, uaddr)? != val3 as u32 {
                return Err(Errno::EAGAIN);
            }
            let woken = ctx.kernel.futex_wake(pid, uaddr, val as u32, u32::MAX);
            let moved = ctx.kernel.futex_requeue(pid, uaddr, uaddr2, timeout as u32);
            Ok((woken + moved) as u64)
        }
        WAKE_OP => wake_op(ctx, uaddr, val as u32, timeout as u32, uaddr2, val3 as u32),
        _ => Err(Errno::ENOSYS),
    }
}

/// `FUTEX_WAKE_OP`: `old = *uaddr2; *uaddr2 = old OP oparg`; wake `n` on
/// `uaddr`, and `n2` on `uaddr2` if `old CMP cmparg`.
fn wake_op(ctx: &mut Ctx, uaddr: u64, n: u32, n2: u32, uaddr2: u64, enc: u32) -> SysResult {
    if uaddr & 3 != 0 {
        return Err(Errno::EINVAL);
    }
    let op = (enc >> 28) & 7;
    let shift = (enc >> 28) & 8 != 0;
    let cmp = (enc >> 24) & 15;
    let mut oparg = (enc >> 12) & 0xfff;
    let cmparg = enc & 0xfff;
    // Sign-extend the 12-bit fields as Linux does.
    oparg = ((oparg << 20) as i32 >> 20) as u32;
    let cmparg = ((cmparg << 20) as i32 >> 20) as u32;
    if shift {
        oparg = 1u32.checked_shl(oparg & 31).unwrap_or(0);
    }
    let old = load(ctx, uaddr2)?;
    let new = match op {
        0 => oparg,                   // SET
        1 => old.wrapping_add(oparg), // ADD
        2 => old | oparg,             // OR
        3 => old & !oparg,            // ANDN
        4 => old ^ oparg,             // XOR
        _ => return Err(Errno::ENOSYS),
    };
    let hit = match cmp {
        0 => old == cmparg,
        1 => old != cmparg,
        2 => (old as i32) < cmparg as i32,
        3 => (old as i32) <= cmparg as i32,
        4 => (old as i32) > cmparg as i32,
        5 => (old as i32) >= cmparg as i32,
        _ => return Err(Errno::ENOSYS),
    };
    ctx.proc.mem.write_bytes(uaddr2, &new.to_le_bytes())?;
    let pid = ctx.proc.pid;
    let mut woken = ctx.kernel.futex_wake(pid, uaddr, n, u32::MAX);
    if hit {
        woken += ctx.kernel.futex_wake(pid, uaddr2, n2, u32::MAX);
    }
    Ok(woken as u64)
}
