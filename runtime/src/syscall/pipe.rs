//! `pipe2(fds, flags)`: a pipe ([`crate::pipe`]) as two descriptors.

use super::{Args, Ctx, SysResult};
use crate::pipe::PIPE_DEV;
use crate::vfs::file::{flags::*, OpenFile};
use crate::vfs::mount::Vnode;
use crate::vfs::{FileType, MountId};
use crate::Errno;
use std::rc::Rc;

/// The mount id pipe ends claim (they belong to no mount).
const PIPE_MOUNT: MountId = MountId(u32::MAX - 1);

/// `pipe2(fds, flags)`: `O_CLOEXEC`, `O_NONBLOCK` (and `O_DIRECT`, taken
/// as a plain pipe).
pub fn pipe2(ctx: &mut Ctx, a: &Args) -> SysResult {
    let flags = a[1] as u32;
    if flags & !(O_CLOEXEC | O_NONBLOCK | O_DIRECT) != 0 {
        return Err(Errno::EINVAL);
    }
    let fs = ctx.kernel.pipes.clone();
    let (r, w) = fs.create();
    let dynfs: Rc<dyn crate::vfs::FileSystem> = fs;
    let rv = Vnode::new(PIPE_MOUNT, PIPE_DEV, dynfs.clone(), r);
    let wv = Vnode::new(PIPE_MOUNT, PIPE_DEV, dynfs, w);
    let status = flags & O_NONBLOCK;
    let rf = Rc::new(OpenFile::new(rv, FileType::Fifo, O_RDONLY | status));
    let wf = Rc::new(OpenFile::new(wv, FileType::Fifo, O_WRONLY | status));
    let cloexec = flags & O_CLOEXEC != 0;
    let fds = &mut ctx.proc.fs.fds;
    let rfd = fds.alloc(rf, cloexec)?;
    let wfd = match fds.alloc(wf, cloexec) {
        Ok(fd) => fd,
        Err(e) => {
            let _ = fds.close(rfd);
            return Err(e);
        }
    };
    let mut b = [0u8; 8];
    b[..4].copy_from_slice(&rfd.to_le_bytes());
    b[4..].copy_from_slice(&wfd.to_le_bytes());
    if let Err(e) = ctx.put(a[0], &b) {
        let _ = ctx.proc.fs.fds.close(rfd);
        let _ = ctx.proc.fs.fds.close(wfd);
        return Err(e);
    }
    Ok(0)
}
