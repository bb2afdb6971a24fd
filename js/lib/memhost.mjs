//! A host object that keeps guest I/O in memory: stdin from a byte array, stdout and stderr
//! collected. Uses only web-platform APIs (crypto, performance), so it works in browsers and in
//! Node.js; tests use it to run many guests in one process.

const EBADF = 9;
const ENOSYS = 38;

export class MemoryHost {
  /** `stdin`: the bytes the guest reads from fd 0 (then end of file). */
  constructor({ stdin = new Uint8Array(0), onLog = null } = {}) {
    this.stdin = stdin;
    this.stdinPos = 0;
    this.out = [[], [], []];
    this.onLog = onLog;
    this.logLines = [];
  }

  write(fd, data) {
    if (fd !== 1 && fd !== 2) return -EBADF;
    this.out[fd].push(data.slice()); // copy: `data` is a view into wasm memory
    return data.length;
  }

  read(fd, buf) {
    if (fd !== 0) return -EBADF;
    const n = Math.min(buf.length, this.stdin.length - this.stdinPos);
    buf.set(this.stdin.subarray(this.stdinPos, this.stdinPos + n));
    this.stdinPos += n;
    return n;
  }

  /** Never a terminal: output is collected like a pipe's. */
  isatty(_fd) {
    return false;
  }

  /** Fds 0-2 are pipes (1; see NodeHost.stdioKind): glibc fully buffers stdout. */
  stdioKind(_fd) {
    return 1;
  }

  stdioInfo(_fd) {
    return 0;
  }

  realtimeNs() {
    return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  }

  monotonicNs() {
    return BigInt(Math.round(performance.now() * 1e6));
  }

  random(buf) {
    for (let i = 0; i < buf.length; i += 65536) {
      globalThis.crypto.getRandomValues(buf.subarray(i, Math.min(buf.length, i + 65536)));
    }
  }

  log(line) {
    if (this.onLog) this.onLog(line);
    else this.logLines.push(line);
  }

  /**
   * Host directories (`--root`, `--mount`) are not served yet: the runtime's JsFs asks for
   * `fsRealpath` first and gets ENOSYS, so building such a file system fails cleanly. A
   * browser host can later provide the same `fs*` functions (see js/lib/nodefs.mjs) over an
   * in-memory or OPFS tree.
   */
  fsRealpath(_path) {
    return Uint8Array.of(1, ENOSYS);
  }

  /** Everything the guest wrote to fd 1 (or 2), as one Uint8Array. */
  output(fd) {
    const parts = this.out[fd];
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  }
}
