//! Changing credentials: the `set*id` family, `setgroups`, capabilities
//! (`capget`, `capset`), and the calls that need one (`sethostname`,
//! `setdomainname`).
//!
//! The guest runs as one unprivileged user (`task::GUEST_UID`, real =
//! effective = saved = filesystem id, no supplementary groups, no
//! capabilities) and nothing in the guest can gain privilege: there are no
//! set-user-ID files. So Linux's rules for an unprivileged caller decide
//! every call: an id may only be "changed" to one the process already has
//! (which, all four being equal, changes nothing), `-1` leaves an id as it
//! is, and anything else is EPERM; the capability checks always fail.
//! These are Linux's answers, not placeholders: a program that tries to
//! drop or switch identity sees exactly what it would as a normal user.

use super::{Args, Ctx, SysResult};
use crate::Errno;

/// `(uid_t)-1`: "leave unchanged" for the multi-id calls.
const KEEP: u32 = u32::MAX;

/// Linux's `NGROUPS_MAX`.
const NGROUPS_MAX: u64 = 65536;

/// An id argument (the low 32 bits, as the kernel reads `uid_t`).
fn id(arg: u64) -> u32 {
    arg as u32
}

/// Each of `ids` is `-1` or `current`.
fn only_own(current: u32, ids: &[u64]) -> SysResult {
    if ids.iter().all(|&a| id(a) == KEEP || id(a) == current) {
        Ok(0)
    } else {
        Err(Errno::EPERM)
    }
}

/// `setuid(uid)`: `-1` is not an id (EINVAL); an unprivileged caller may
/// only set its real or saved uid.
pub fn setuid(ctx: &mut Ctx, a: &Args) -> SysResult {
    if id(a[0]) == KEEP {
        return Err(Errno::EINVAL);
    }
    only_own(ctx.proc.uid, &a[..1])
}

/// `setgid(gid)`: as [`setuid`] for the group.
pub fn setgid(ctx: &mut Ctx, a: &Args) -> SysResult {
    if id(a[0]) == KEEP {
        return Err(Errno::EINVAL);
    }
    only_own(ctx.proc.gid, &a[..1])
}

/// `setresuid(ruid, euid, suid)`.
pub fn setresuid(ctx: &mut Ctx, a: &Args) -> SysResult {
    only_own(ctx.proc.uid, &a[..3])
}

/// `setresgid(rgid, egid, sgid)`.
pub fn setresgid(ctx: &mut Ctx, a: &Args) -> SysResult {
    only_own(ctx.proc.gid, &a[..3])
}

/// `setreuid(ruid, euid)`.
pub fn setreuid(ctx: &mut Ctx, a: &Args) -> SysResult {
    only_own(ctx.proc.uid, &a[..2])
}

/// `setregid(rgid, egid)`.
pub fn setregid(ctx: &mut Ctx, a: &Args) -> SysResult {
    only_own(ctx.proc.gid, &a[..2])
}

/// `setfsuid(uid)`: never fails; returns the previous filesystem uid,
/// which an unprivileged caller can only "set" to an id it has.
pub fn setfsuid(ctx: &mut Ctx, _: &Args) -> SysResult {
    Ok(ctx.proc.uid as u64)
}

/// `setfsgid(gid)`: as [`setfsuid`].
pub fn setfsgid(ctx: &mut Ctx, _: &Args) -> SysResult {
    Ok(ctx.proc.gid as u64)
}

/// `setgroups(size, list)`: needs CAP_SETGID (EPERM); an absurd size is
/// EINVAL first, as Linux checks it before the capability.
pub fn setgroups(_: &mut Ctx, a: &Args) -> SysResult {
    if a[0] as u32 as u64 > NGROUPS_MAX {
        return Err(Errno::EINVAL);
    }
    Err(Errno::EPERM)
}

/// `sethostname(name, len)` and `setdomainname(name, len)`: need
/// CAP_SYS_ADMIN in the UTS namespace, checked first (EPERM).
pub fn set_uts_name(_: &mut Ctx, _: &Args) -> SysResult {
    Err(Errno::EPERM)
}

const CAP_V1: u32 = 0x1998_0330;
const CAP_V2: u32 = 0x2007_1026;
const CAP_V3: u32 = 0x2008_0522;

/// Checks a `cap_user_header_t` at `hdr`: the number of 32-bit data
/// words (1 or 2) for its version, or EINVAL after writing the preferred
/// version back, as Linux's `cap_validate_magic` does.
fn cap_header(ctx: &mut Ctx, hdr: u64) -> Result<(usize, i32), Errno> {
    let mut b = [0u8; 8];
    ctx.proc.mem.read_bytes(hdr, &mut b)?;
    let version = u32::from_le_bytes(b[..4].try_into().unwrap());
    let pid = i32::from_le_bytes(b[4..].try_into().unwrap());
    match version {
        CAP_V1 => Ok((1, pid)),
        CAP_V2 | CAP_V3 => Ok((2, pid)),
        _ => {
            ctx.put(hdr, &CAP_V3.to_le_bytes())?;
            Err(Errno::EINVAL)
        }
    }
}

/// `capget(hdr, data)`: the caller's (or `pid`'s) capability sets, all
/// empty. With a NULL `data` it only reports the version.
pub fn capget(ctx: &mut Ctx, a: &Args) -> SysResult {
    let (words, pid) = match cap_header(ctx, a[0]) {
        Err(Errno::EINVAL) if a[1] == 0 => return Ok(0),
        r => r?,
    };
    if a[1] == 0 {
        return Ok(0);
    }
    if pid < 0 {
        return Err(Errno::EINVAL);
    }
    if ctx.thread_by_tid(pid).is_none() {
        return Err(Errno::ESRCH);
    }
    // `words` x {effective, permitted, inheritable}.
    ctx.put(a[1], &vec![0u8; words * 12])?;
    Ok(0)
}

/// `capset(hdr, data)`: only the caller's own sets, and only to subsets of
/// what it has (nothing), so any capability bit is EPERM.
pub fn capset(ctx: &mut Ctx, a: &Args) -> SysResult {
    let (words, pid) = cap_header(ctx, a[0])?;
    if pid != 0 && pid != ctx.proc.pid {
        return Err(Errno::EPERM);
    }
    let mut data = vec![0u8; words * 12];
    ctx.proc.mem.read_bytes(a[1], &mut data)?;
    if data.iter().any(|&b| b != 0) {
        return Err(Errno::EPERM);
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::super::tests::TestVm;
    use super::*;

    fn call(nr: u64, args: &[u64]) -> SysResult {
        let mut t = TestVm::new();
        let mut a = [0u64; 6];
        a[..args.len()].copy_from_slice(args);
        t.call(nr, a)
    }

    const SETREGID: u64 = 143;
    const SETGID: u64 = 144;
    const SETREUID: u64 = 145;
    const SETUID: u64 = 146;
    const SETRESUID: u64 = 147;
    const SETRESGID: u64 = 149;
    const SETFSUID: u64 = 151;
    const SETFSGID: u64 = 152;
    const SETGROUPS: u64 = 159;
    const SETHOSTNAME: u64 = 161;
    const SETDOMAINNAME: u64 = 162;

    #[test]
    fn an_unprivileged_user_keeps_its_ids() {
        let me = crate::task::GUEST_UID as u64;
        let keep = u32::MAX as u64;
        assert_eq!(call(SETUID, &[me]), Ok(0));
        assert_eq!(call(SETUID, &[0]), Err(Errno::EPERM));
        assert_eq!(call(SETUID, &[keep]), Err(Errno::EINVAL));
        assert_eq!(call(SETGID, &[me]), Ok(0));
        assert_eq!(call(SETGID, &[0]), Err(Errno::EPERM));
        assert_eq!(call(SETRESUID, &[keep, me, keep]), Ok(0));
        assert_eq!(call(SETRESUID, &[me, me, 0]), Err(Errno::EPERM));
        assert_eq!(call(SETRESGID, &[keep, keep, keep]), Ok(0));
        assert_eq!(call(SETRESGID, &[5, keep, keep]), Err(Errno::EPERM));
        assert_eq!(call(SETREUID, &[keep, me]), Ok(0));
        assert_eq!(call(SETREUID, &[0, keep]), Err(Errno::EPERM));
        assert_eq!(call(SETREGID, &[me, me]), Ok(0));
        // The upper half of a register is not part of a uid_t.
        assert_eq!(call(SETUID, &[me | 0xffff_0000_0000_0000]), Ok(0));
        // setfs*id never fail and report the old id.
        assert_eq!(call(SETFSUID, &[0]), Ok(me));
        assert_eq!(call(SETFSGID, &[me]), Ok(me));
    }

    #[test]
    fn no_capabilities_to_get_or_set() {
        const CAPGET: u64 = 90;
        const CAPSET: u64 = 91;
        let mut t = TestVm::new();
        let hdr = t.data(&[0x22, 0x05, 0x08, 0x20, 0, 0, 0, 0]); // v3, pid 0
        let data = t.data(&[0xff; 24]);
        assert_eq!(t.call(CAPGET, [hdr, data, 0, 0, 0, 0]), Ok(0));
        assert_eq!(t.read(data, 24), vec![0; 24]);
        assert_eq!(
            t.call(CAPSET, [hdr, data, 0, 0, 0, 0]),
            Ok(0),
            "dropping nothing"
        );
        t.words(data, &[1 << 32]); // CAP_CHOWN permitted
        assert_eq!(t.call(CAPSET, [hdr, data, 0, 0, 0, 0]), Err(Errno::EPERM));
        // An unknown version: EINVAL, and the header says which one to use.
        let bad = t.data(&[1, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(t.call(CAPGET, [bad, data, 0, 0, 0, 0]), Err(Errno::EINVAL));
        assert_eq!(t.read(bad, 4), 0x2008_0522u32.to_le_bytes());
        assert_eq!(
            t.call(CAPGET, [bad, 0, 0, 0, 0, 0]),
            Ok(0),
            "a version query"
        );
        let other = t.data(&[0x22, 0x05, 0x08, 0x20, 0x39, 0x30, 0, 0]); // pid 12345
        assert_eq!(t.call(CAPGET, [other, data, 0, 0, 0, 0]), Err(Errno::ESRCH));
        assert_eq!(t.call(CAPSET, [other, data, 0, 0, 0, 0]), Err(Errno::EPERM));
    }

    #[test]
    fn capabilities_are_refused() {
        assert_eq!(call(SETGROUPS, &[0, 0]), Err(Errno::EPERM));
        assert_eq!(call(SETGROUPS, &[1 << 20, 0]), Err(Errno::EINVAL));
        assert_eq!(call(SETHOSTNAME, &[0, 5]), Err(Errno::EPERM));
        assert_eq!(call(SETDOMAINNAME, &[0, 500]), Err(Errno::EPERM));
    }
}
