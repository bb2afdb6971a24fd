//! Sparse file contents: a map of 4 KiB chunks, holes read as zeros.
//!
//! A file's bytes live in `BTreeMap<chunk index, Box<[u8; 4096]>>`; a chunk
//! exists only once something was written into it, so a 1 TB file with one
//! byte written costs one chunk. Rejected alternative: one `Vec<u8>` per file
//! (simple, but `truncate(1 TB)` or a write at a huge offset would allocate
//! it all). Writing zeros into a hole still allocates (we do not scan data).

use std::collections::BTreeMap;

/// Chunk size (also the reported `st_blksize`).
pub const CHUNK: usize = 4096;
const CHUNK64: u64 = CHUNK as u64;

/// Largest file size (Linux's `MAX_LFS_FILESIZE` on 64-bit).
pub const MAX_FILE_SIZE: u64 = i64::MAX as u64;

/// The contents of a regular file.
#[derive(Default, Debug)]
pub struct SparseData {
    chunks: BTreeMap<u64, Box<[u8; CHUNK]>>,
    size: u64,
}

impl SparseData {
    /// Apparent size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Number of allocated chunks.
    pub fn chunks(&self) -> u64 {
        self.chunks.len() as u64
    }

    /// Read at `off` into `buf`; short at end of file.
    pub fn read(&self, off: u64, buf: &mut [u8]) -> usize {
        if off >= self.size {
            return 0;
        }
        let n = (buf.len() as u64).min(self.size - off) as usize;
        let buf = &mut buf[..n];
        buf.fill(0);
        let first = off / CHUNK64;
        let last = (off + n as u64 - 1) / CHUNK64;
        for (&idx, chunk) in self.chunks.range(first..=last) {
            let cstart = idx * CHUNK64;
            let from = off.max(cstart);
            let to = (off + n as u64).min(cstart + CHUNK64);
            let src = &chunk[(from - cstart) as usize..(to - cstart) as usize];
            buf[(from - off) as usize..(to - off) as usize].copy_from_slice(src);
        }
        n
    }

    /// How many new chunks a write of `len` bytes at `off` would allocate.
    pub fn chunks_needed(&self, off: u64, len: usize) -> u64 {
        if len == 0 {
            return 0;
        }
        let first = off / CHUNK64;
        let last = (off + len as u64 - 1) / CHUNK64;
        let present = self.chunks.range(first..=last).count() as u64;
        last - first + 1 - present
    }

    /// Write `buf` at `off` (the caller checked size limits and space).
    pub fn write(&mut self, off: u64, buf: &[u8]) {
        let mut pos = 0usize;
        while pos < buf.len() {
            let at = off + pos as u64;
            let idx = at / CHUNK64;
            let within = (at % CHUNK64) as usize;
            let take = (CHUNK - within).min(buf.len() - pos);
            let chunk = self
                .chunks
                .entry(idx)
                .or_insert_with(|| Box::new([0u8; CHUNK]));
            chunk[within..within + take].copy_from_slice(&buf[pos..pos + take]);
            pos += take;
        }
        self.size = self.size.max(off + buf.len() as u64);
    }

    /// Set the size; shrinking drops whole chunks past the end and zeroes
    /// the tail of the last partial chunk, growing leaves a hole. Returns the
    /// number of chunks freed.
    pub fn set_size(&mut self, size: u64) -> u64 {
        let before = self.chunks.len() as u64;
        if size < self.size {
            let keep = size.div_ceil(CHUNK64);
            drop(self.chunks.split_off(&keep));
            let within = (size % CHUNK64) as usize;
            if within != 0 {
                if let Some(c) = self.chunks.get_mut(&(size / CHUNK64)) {
                    c[within..].fill(0);
                }
            }
        }
        self.size = size;
        before - self.chunks.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_read_across_chunks() {
        let mut d = SparseData::default();
        let data: Vec<u8> = (0..10000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(d.chunks_needed(100, data.len()), 3);
        d.write(100, &data);
        assert_eq!(d.size(), 10100);
        assert_eq!(d.chunks(), 3);
        let mut out = vec![0xffu8; 10200];
        assert_eq!(d.read(0, &mut out), 10100);
        assert!(out[..100].iter().all(|&b| b == 0));
        assert_eq!(&out[100..10100], &data[..]);
        assert_eq!(d.read(10100, &mut out), 0);
        assert_eq!(d.chunks_needed(0, 8192), 0);
    }

    #[test]
    fn holes_and_truncate() {
        let mut d = SparseData::default();
        d.write(1 << 40, b"end");
        assert_eq!(d.size(), (1 << 40) + 3);
        assert_eq!(d.chunks(), 1);
        let mut buf = [1u8; 8];
        assert_eq!(d.read(12345, &mut buf), 8);
        assert_eq!(buf, [0; 8]);
        d.write(0, &[7u8; 5000]);
        assert_eq!(d.set_size(10), 2);
        assert_eq!(d.chunks(), 1);
        d.set_size(6000);
        let mut buf = [9u8; 20];
        assert_eq!(d.read(5, &mut buf), 20);
        assert_eq!(&buf[..5], &[7; 5]);
        assert!(
            buf[5..].iter().all(|&b| b == 0),
            "truncated tail must read as zeros"
        );
    }
}
