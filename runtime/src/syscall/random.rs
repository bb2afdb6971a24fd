//! `getrandom`: bytes from [`Host::random`](crate::Host::random), a
//! cryptographically secure source (the OS on native hosts,
//! `crypto.getRandomValues` under JS).

use super::{Args, Ctx, SysResult};
use crate::Errno;

const GRND_NONBLOCK: u64 = 1;
const GRND_RANDOM: u64 = 2;
const GRND_INSECURE: u64 = 4;
/// Linux returns at most this many bytes per call (`MAX_RW_COUNT`-like cap).
const MAX_PER_CALL: u64 = 32 << 20;

/// `getrandom(buf, len, flags)`.
pub fn getrandom(ctx: &mut Ctx, a: &Args) -> SysResult {
    let [buf, len, flags, ..] = *a;
    if flags & !(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) != 0
        || flags & (GRND_RANDOM | GRND_INSECURE) == GRND_RANDOM | GRND_INSECURE
    {
        return Err(Errno::EINVAL);
    }
    let len = len.min(MAX_PER_CALL);
    let mut chunk = [0u8; 256];
    let mut done = 0;
    while done < len {
        let n = (len - done).min(chunk.len() as u64) as usize;
        ctx.host.random(&mut chunk[..n]);
        if ctx.put(buf.wrapping_add(done), &chunk[..n]).is_err() {
            return if done > 0 {
                Ok(done)
            } else {
                Err(Errno::EFAULT)
            };
        }
        done += n as u64;
    }
    Ok(len)
}

#[cfg(test)]
mod tests {
    use super::super::tests::TestVm;
    use crate::syscall::table::nr;
    use crate::Errno;

    #[test]
    fn fills_buffer() {
        let mut t = TestVm::new();
        let buf = t.data(&[0; 600]);
        assert_eq!(t.call(nr::GETRANDOM, [buf, 600, 0, 0, 0, 0]), Ok(600));
        assert!(t.read(buf + 500, 100).iter().any(|&b| b != 0));
        assert_eq!(
            t.call(nr::GETRANDOM, [buf, 8, 6, 0, 0, 0]),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            t.call(nr::GETRANDOM, [buf, 8, 0x10, 0, 0, 0]),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            t.call(nr::GETRANDOM, [8, 8, 0, 0, 0, 0]),
            Err(Errno::EFAULT)
        );
    }
}
