//! The host object a `WasmVm` calls for guest I/O, clocks and randomness, in Node.js.
//!
//! `NodeHost` does synchronous I/O on the process's own fds (0, 1, 2) with `fs.readSync` /
//! `fs.writeSync`: the guest's syscalls are synchronous, so blocking here is the honest model
//! (the rejected alternative, async I/O, would need the guest suspended mid-syscall).
//! Every method catches its own errors: an exception thrown into wasm would wreck the VM, so
//! failures travel back as `-errno`.

import fs from 'node:fs';
import os from 'node:os';
import tty from 'node:tty';
import { webcrypto } from 'node:crypto';
import { nodeFsMethods } from './nodefs.mjs';

/** Linux errno numbers the host can return (negated). */
export const EBADF = 9;
export const EIO = 5;
export const EAGAIN = 11;

/** `stdioKind` answers (see runtime/src/wasm.rs). */
export const STDIO_NULL = 0;
export const STDIO_PIPE = 1;
export const STDIO_FILE = 2;
export const STDIO_TTY = 3;

/** Maps a Node.js system error to a Linux errno (EIO when unknown). */
export function errnoOf(err) {
  const code = err && err.code;
  const n = code && os.constants.errno[code];
  return typeof n === 'number' && n > 0 ? n : EIO;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** Blocks the thread for `ms` milliseconds (used when a non-blocking fd says EAGAIN). */
function sleepSync(ms) {
  Atomics.wait(sleepCell, 0, 0, ms);
}

/** Runs `op` again while it fails with EAGAIN (fds shared with a non-blocking owner). */
function retryAgain(op) {
  for (;;) {
    try {
      return op();
    } catch (err) {
      if (err && err.code === 'EAGAIN') {
        sleepSync(5);
        continue;
      }
      throw err;
    }
  }
}

/**
 * A host backed by this process: guest fd 0/1/2 are Node's fd 0/1/2 (or the fds given in
 * `options.fds`), diagnostics go to `options.logFd` (default 2).
 */
export class NodeHost {
  constructor(options = {}) {
    this.fds = options.fds ?? [0, 1, 2];
    this.logFd = options.logFd ?? 2;
    this.origin = process.hrtime.bigint();
    // Wall clock at `origin`, with sub-millisecond precision.
    this.realOrigin = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  }

  /** Writes `data` to guest fd 1 or 2; returns the byte count or -errno. */
  write(fd, data) {
    if (fd !== 1 && fd !== 2) return -EBADF;
    try {
      let done = 0;
      while (done < data.length) {
        done += retryAgain(() => fs.writeSync(this.fds[fd], data, done, data.length - done));
      }
      return done;
    } catch (err) {
      return -errnoOf(err);
    }
  }

  /** Reads guest fd 0 into `buf`; returns the byte count (0 at end of file) or -errno. */
  read(fd, buf) {
    if (fd !== 0) return -EBADF;
    if (buf.length === 0) return 0;
    try {
      return retryAgain(() => fs.readSync(this.fds[0], buf, 0, buf.length, null));
    } catch (err) {
      if (err && err.code === 'EOF') return 0;
      return -errnoOf(err);
    }
  }

  /** Whether guest fd 0/1/2 is a terminal (glibc line-buffers stdout only then). */
  isatty(fd) {
    return fd >= 0 && fd <= 2 && tty.isatty(this.fds[fd]);
  }

  /**
   * What guest fd 0/1/2 really is, so the guest sees the same (as under qemu-user):
   * 0 something else (/dev/null, closed), 1 a pipe or socket, 2 a regular file, 3 a terminal.
   */
  stdioKind(fd) {
    if (fd < 0 || fd > 2) return STDIO_NULL;
    if (this.isatty(fd)) return STDIO_TTY;
    try {
      const st = fs.fstatSync(this.fds[fd]);
      if (st.isFIFO() || st.isSocket()) return STDIO_PIPE;
      if (st.isFile()) return STDIO_FILE;
    } catch {
      // A closed fd: something else.
    }
    return STDIO_NULL;
  }

  /** For `stdioKind` 2 the file's size; for 3 `rows * 65536 + cols` (0 when unknown). */
  stdioInfo(fd) {
    if (fd < 0 || fd > 2) return 0;
    try {
      if (this.isatty(fd)) {
        const stream = [process.stdin, process.stdout, process.stderr].find(
          (s) => s && s.fd === this.fds[fd] && s.isTTY && s.columns,
        );
        const out = stream ?? (process.stdout.isTTY ? process.stdout : process.stderr);
        const rows = out.rows || 24;
        const cols = out.columns || 80;
        return rows * 65536 + cols;
      }
      return fs.fstatSync(this.fds[fd]).size;
    } catch {
      return 0;
    }
  }

  /** Nanoseconds since the Unix epoch (BigInt). */
  realtimeNs() {
    return this.realOrigin + (process.hrtime.bigint() - this.origin);
  }

  /** Nanoseconds since an arbitrary fixed point (BigInt, never goes backwards). */
  monotonicNs() {
    return process.hrtime.bigint();
  }

  /** Fills `buf` with cryptographically secure random bytes. */
  random(buf) {
    // getRandomValues takes at most 65536 bytes per call.
    for (let i = 0; i < buf.length; i += 65536) {
      webcrypto.getRandomValues(buf.subarray(i, Math.min(buf.length, i + 65536)));
    }
  }

  /** Prints one diagnostic line (strace output) on the log fd. */
  log(line) {
    try {
      const bytes = Buffer.from(line + '\n');
      let done = 0;
      while (done < bytes.length) {
        done += retryAgain(() => fs.writeSync(this.logFd, bytes, done, bytes.length - done));
      }
    } catch {
      // Diagnostics are best effort; the guest must not die because stderr is closed.
    }
  }
}

// The file functions for `--root` / `--mount` (see nodefs.mjs).
Object.assign(NodeHost.prototype, nodeFsMethods);
