//! Guest ABI encodings of VFS results for RISC-V 64 Linux: `struct stat`
//! (asm-generic layout, 128 bytes), `struct statx` (256 bytes) and packed
//! `linux_dirent64` records for `getdents64`.
//!
//! They live here, next to [`Stat`] and [`OpenFile::readdir`], so that the
//! syscall layer only copies bytes into guest memory. Device numbers in
//! [`Stat`] are already in the userspace (glibc `makedev`) encoding.

use super::file::OpenFile;
use super::*;

/// Size of `struct stat` on riscv64.
pub const STAT_SIZE: usize = 128;
/// Size of `struct statx`.
pub const STATX_SIZE: usize = 256;
/// The `stx_mask` bits we fill: `STATX_BASIC_STATS | STATX_BTIME`.
pub const STATX_FILLED: u32 = 0xfff;

fn put(buf: &mut [u8], off: usize, bytes: &[u8]) {
    buf[off..off + bytes.len()].copy_from_slice(bytes);
}

/// `major()` of a userspace device number.
pub fn dev_major(dev: u64) -> u32 {
    (((dev >> 8) & 0xfff) | ((dev >> 32) & 0xffff_f000)) as u32
}

/// `minor()` of a userspace device number.
pub fn dev_minor(dev: u64) -> u32 {
    ((dev & 0xff) | ((dev >> 12) & 0xffff_ff00)) as u32
}

/// `struct stat` bytes (little-endian) for `fstat`/`newfstatat`.
pub fn encode_stat(st: &Stat) -> [u8; STAT_SIZE] {
    let mut b = [0u8; STAT_SIZE];
    put(&mut b, 0, &st.dev.to_le_bytes());
    put(&mut b, 8, &st.ino.to_le_bytes());
    put(&mut b, 16, &st.mode.to_le_bytes());
    put(&mut b, 20, &st.nlink.to_le_bytes());
    put(&mut b, 24, &st.uid.to_le_bytes());
    put(&mut b, 28, &st.gid.to_le_bytes());
    put(&mut b, 32, &st.rdev.to_le_bytes());
    put(&mut b, 48, &st.size.to_le_bytes());
    put(&mut b, 56, &st.blksize.to_le_bytes());
    put(&mut b, 64, &st.blocks.to_le_bytes());
    for (i, t) in [st.atime, st.mtime, st.ctime].iter().enumerate() {
        put(&mut b, 72 + 16 * i, &t.sec.to_le_bytes());
        put(&mut b, 80 + 16 * i, &u64::from(t.nsec).to_le_bytes());
    }
    b
}

/// `struct statx` bytes for `statx` (all basic fields and btime filled;
/// `mnt_id` is the mount's index).
pub fn encode_statx(st: &Stat, mnt_id: u64) -> [u8; STATX_SIZE] {
    let mut b = [0u8; STATX_SIZE];
    put(&mut b, 0, &STATX_FILLED.to_le_bytes());
    put(&mut b, 4, &st.blksize.to_le_bytes());
    put(&mut b, 16, &st.nlink.to_le_bytes());
    put(&mut b, 20, &st.uid.to_le_bytes());
    put(&mut b, 24, &st.gid.to_le_bytes());
    put(&mut b, 28, &(st.mode as u16).to_le_bytes());
    put(&mut b, 32, &st.ino.to_le_bytes());
    put(&mut b, 40, &st.size.to_le_bytes());
    put(&mut b, 48, &st.blocks.to_le_bytes());
    for (i, t) in [st.atime, st.btime, st.ctime, st.mtime].iter().enumerate() {
        put(&mut b, 64 + 16 * i, &t.sec.to_le_bytes());
        put(&mut b, 72 + 16 * i, &t.nsec.to_le_bytes());
    }
    put(&mut b, 128, &dev_major(st.rdev).to_le_bytes());
    put(&mut b, 132, &dev_minor(st.rdev).to_le_bytes());
    put(&mut b, 136, &dev_major(st.dev).to_le_bytes());
    put(&mut b, 140, &dev_minor(st.dev).to_le_bytes());
    put(&mut b, 144, &mnt_id.to_le_bytes());
    b
}

/// Length of one `linux_dirent64` record for a name of `name_len` bytes.
pub fn dirent64_len(name_len: usize) -> usize {
    (19 + name_len + 1 + 7) & !7
}

/// `getdents64` core: pack as many entries from `file`'s position as fit in
/// `cap` bytes, advancing the position past them. Empty at the end of the
/// directory; EINVAL if the first entry does not fit.
pub fn getdents64(file: &OpenFile, cap: usize) -> VfsResult<Vec<u8>> {
    let mut out = Vec::new();
    let mut too_small = false;
    file.readdir(&mut |e| {
        let len = dirent64_len(e.name.len());
        if out.len() + len > cap {
            too_small = out.is_empty();
            return false;
        }
        let start = out.len();
        out.resize(start + len, 0);
        let rec = &mut out[start..];
        put(rec, 0, &e.ino.to_le_bytes());
        put(rec, 8, &e.next.to_le_bytes());
        put(rec, 16, &(len as u16).to_le_bytes());
        rec[18] = e.kind.dirent_type();
        put(rec, 19, e.name);
        true
    })?;
    if too_small {
        return Err(Errno::EINVAL);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::memfs::MemFs;
    use std::rc::Rc;

    #[test]
    fn stat_layout() {
        let st = Stat {
            dev: 0x801,
            ino: 42,
            mode: mode::S_IFREG | 0o644,
            nlink: 3,
            uid: 1000,
            gid: 100,
            rdev: 0,
            size: 12345,
            blksize: 4096,
            blocks: 32,
            atime: Timespec::new(1, 2),
            mtime: Timespec::new(3, 4),
            ctime: Timespec::new(5, 6),
            btime: Timespec::new(7, 8),
        };
        let b = encode_stat(&st);
        let u64_at = |o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap());
        let u32_at = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap());
        assert_eq!(
            (u64_at(0), u64_at(8), u32_at(16), u32_at(20)),
            (0x801, 42, 0o100644, 3)
        );
        assert_eq!((u64_at(48), u32_at(56), u64_at(64)), (12345, 4096, 32));
        assert_eq!(
            (u64_at(72), u64_at(80), u64_at(104), u64_at(112)),
            (1, 2, 5, 6)
        );
        let x = encode_statx(&st, 3);
        let x32 = |o: usize| u32::from_le_bytes(x[o..o + 4].try_into().unwrap());
        let x64 = |o: usize| u64::from_le_bytes(x[o..o + 8].try_into().unwrap());
        assert_eq!((x32(0), x32(16), x64(32), x64(40)), (0xfff, 3, 42, 12345));
        assert_eq!(u16::from_le_bytes([x[28], x[29]]), 0o100644);
        assert_eq!(
            (x64(80), x32(88), x64(112)),
            (7, 8, 3),
            "btime, then mtime at 112"
        );
        assert_eq!((x32(136), x32(140), x64(144)), (8, 1, 3));
        assert_eq!((dev_major(0x103), dev_minor(0x103)), (1, 3));
    }

    #[test]
    fn getdents64_packing() {
        let fs = Rc::new(MemFs::new(Box::new(|| Timespec::new(1, 0))));
        let vfs = Vfs::new(fs.clone());
        let node = NewNode {
            mode: mode::S_IFREG | 0o644,
            uid: 0,
            gid: 0,
            rdev: 0,
        };
        let ino = fs.create(1, b"hello.txt", &node).unwrap();
        let dir = OpenFile::new(vfs.root(), FileType::Directory, 0);
        assert_eq!(getdents64(&dir, 10), Err(Errno::EINVAL));
        let first = getdents64(&dir, 24 + 24).unwrap();
        assert_eq!(first.len(), 48, "`.` and `..` are 24 bytes each");
        assert_eq!(&first[19..21], b".\0");
        assert_eq!(i64::from_le_bytes(first[32..40].try_into().unwrap()), 2);
        let rest = getdents64(&dir, 4096).unwrap();
        assert_eq!(rest.len(), dirent64_len(9));
        assert_eq!(u64::from_le_bytes(rest[0..8].try_into().unwrap()), ino);
        assert_eq!(rest[18], 8, "DT_REG");
        assert_eq!(&rest[19..29], b"hello.txt\0");
        assert!(getdents64(&dir, 4096).unwrap().is_empty());
    }
}
