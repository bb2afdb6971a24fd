//! The file functions of the host object (`fsLstat`, `fsOpen`, `fsPread`, ...) over Node's
//! synchronous `fs`: what the runtime's `JsFs` (runtime/src/vfs/jsfs.rs) calls to serve host
//! directories for `--root` and `--mount`. They are thin: every confinement rule (single
//! checked names, no symlink following, identity re-checks) is enforced on the Rust side; this
//! side only adds `O_NOFOLLOW | O_NONBLOCK` to every open. Paths arrive as byte arrays (Linux
//! names need not be UTF-8) and are passed to Node as Buffers.
//!
//! Like every host method these never throw: failures return `-errno`, or `[1, errno]` for the
//! functions that return bytes (success: `[0, bytes...]`).

import fs from 'node:fs';
import { errnoOf } from './host.mjs';

const C = fs.constants;
const ACCESS = [C.O_RDONLY, C.O_WRONLY, C.O_RDWR];

/** `op()`'s number result, or -errno. */
function num(op) {
  try {
    const r = op();
    return typeof r === 'number' ? r : 0;
  } catch (err) {
    return -errnoOf(err);
  }
}

/** `op()`'s bytes as `[0, bytes...]`, or `[1, errno]`. */
function tagged(op) {
  try {
    const b = op();
    const out = new Uint8Array(b.length + 1);
    out.set(b, 1);
    return out;
  } catch (err) {
    return Uint8Array.of(1, errnoOf(err) & 0xff);
  }
}

const path = (p) => Buffer.from(p.buffer, p.byteOffset, p.length);

/** Fills `out` (BigInt64Array) from BigIntStats in JsFs's order. */
function fill(st, out) {
  const split = (ns) => [ns / 1000000000n, ns % 1000000000n];
  const v = [st.dev, st.ino, st.mode, st.nlink, st.rdev, st.size, st.blksize, st.blocks];
  for (const t of [st.atimeNs, st.mtimeNs, st.ctimeNs, st.birthtimeNs]) v.push(...split(t));
  for (let i = 0; i < out.length && i < v.length; i++) out[i] = v[i];
  return 0;
}

/** Node.js implementations of the host object's file functions (mixed into `NodeHost`). */
export const nodeFsMethods = {
  fsRealpath: (p) => tagged(() => fs.realpathSync(path(p), { encoding: 'buffer' })),
  fsLstat: (p, out) => num(() => fill(fs.lstatSync(path(p), { bigint: true }), out)),
  fsFstat: (fd, out) => num(() => fill(fs.fstatSync(fd, { bigint: true }), out)),
  fsOpen: (p, access, create, mode) =>
    num(() => {
      const flags =
        (ACCESS[access] ?? C.O_RDONLY) | C.O_NOFOLLOW | C.O_NONBLOCK | (create ? C.O_CREAT | C.O_EXCL : 0);
      return fs.openSync(path(p), flags, mode);
    }),
  fsClose: (fd) => num(() => fs.closeSync(fd)),
  fsPread: (fd, buf, pos) => num(() => fs.readSync(fd, buf, 0, buf.length, pos)),
  fsPwrite: (fd, data, pos) => num(() => fs.writeSync(fd, data, 0, data.length, pos)),
  fsFtruncate: (fd, len) => num(() => fs.ftruncateSync(fd, len)),
  fsFutimes: (fd, atime, mtime) =>
    num(() => {
      const now = Date.now() / 1000;
      fs.futimesSync(fd, Number.isNaN(atime) ? now : atime, Number.isNaN(mtime) ? now : mtime);
    }),
  fsFchmod: (fd, mode) => num(() => fs.fchmodSync(fd, mode)),
  fsChmod: (p, mode) => num(() => fs.chmodSync(path(p), mode)),
  fsMkdir: (p, mode) => num(() => fs.mkdirSync(path(p), { mode })),
  fsSymlink: (target, p) => num(() => fs.symlinkSync(path(target), path(p))),
  fsLink: (from, to) => num(() => fs.linkSync(path(from), path(to))),
  fsUnlink: (p) => num(() => fs.unlinkSync(path(p))),
  fsRmdir: (p) => num(() => fs.rmdirSync(path(p))),
  fsRename: (from, to) => num(() => fs.renameSync(path(from), path(to))),
  fsReaddir: (p) =>
    tagged(() => {
      const names = fs.readdirSync(path(p), { encoding: 'buffer' });
      return Buffer.concat(names.flatMap((n) => [n, Buffer.of(0)]));
    }),
  fsReadlink: (p) => tagged(() => fs.readlinkSync(path(p), { encoding: 'buffer' })),
};
