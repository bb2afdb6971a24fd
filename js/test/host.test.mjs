//! Unit tests of the host objects and the argument parser (no guest programs needed).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { NodeHost, errnoOf, EBADF, STDIO_FILE, STDIO_NULL, STDIO_PIPE } from '../lib/host.mjs';
import { MemoryHost } from '../lib/memhost.mjs';
import { parseArgs, UsageError } from '../lib/cli.mjs';

function withTempFds(fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nanovm-host-'));
  const inPath = path.join(dir, 'in');
  const outPath = path.join(dir, 'out');
  const logPath = path.join(dir, 'log');
  fs.writeFileSync(inPath, 'abcdef');
  const fds = [fs.openSync(inPath, 'r'), fs.openSync(outPath, 'w'), fs.openSync(outPath, 'a')];
  const logFd = fs.openSync(logPath, 'w');
  try {
    fn(new NodeHost({ fds, logFd }), { outPath, logPath });
  } finally {
    for (const fd of [...fds, logFd]) fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('NodeHost writes fd 1, reads fd 0 to EOF, logs lines, rejects other fds', () => {
  withTempFds((host, { outPath, logPath }) => {
    assert.equal(host.write(1, new TextEncoder().encode('hi ')), 3);
    assert.equal(host.write(3, new Uint8Array(1)), -EBADF);
    const buf = new Uint8Array(4);
    assert.equal(host.read(0, buf), 4);
    assert.equal(new TextDecoder().decode(buf), 'abcd');
    assert.equal(host.read(0, buf), 2);
    assert.equal(host.read(0, buf), 0);
    assert.equal(host.read(1, buf), -EBADF);
    host.log('openat(...) = 3');
    assert.equal(host.isatty(1), false);
    assert.equal(host.isatty(7), false);
    // Regular files: kind 2 with their size; out of range: 0.
    assert.equal(host.stdioKind(0), STDIO_FILE);
    assert.equal(host.stdioInfo(0), 6);
    assert.equal(host.stdioKind(1), STDIO_FILE);
    assert.equal(host.stdioInfo(1), 3);
    assert.equal(host.stdioKind(3), STDIO_NULL);
    assert.equal(fs.readFileSync(outPath, 'utf8'), 'hi ');
    assert.equal(fs.readFileSync(logPath, 'utf8'), 'openat(...) = 3\n');
  });
});

test('NodeHost write to a closed fd returns -EBADF, never throws', () => {
  const host = new NodeHost({ fds: [0, 1_000_000, 1_000_001] });
  assert.equal(host.write(1, new Uint8Array([65])), -EBADF);
  assert.equal(host.stdioKind(1), STDIO_NULL);
  assert.equal(host.stdioInfo(1), 0);
});

test('NodeHost stdioKind: /dev/null is kind 0, a FIFO is a pipe', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nanovm-host-'));
  const nul = fs.openSync('/dev/null', 'r+');
  const fifo = path.join(dir, 'fifo');
  const mk = spawnSync('mkfifo', [fifo]);
  assert.equal(mk.status, 0, String(mk.stderr));
  // O_RDWR on a FIFO opens without waiting for a peer (Linux).
  const pipeFd = fs.openSync(fifo, 'r+');
  try {
    const host = new NodeHost({ fds: [nul, pipeFd, pipeFd] });
    assert.equal(host.stdioKind(0), STDIO_NULL);
    assert.equal(host.stdioKind(1), STDIO_PIPE);
    assert.equal(host.stdioKind(2), STDIO_PIPE);
  } finally {
    fs.closeSync(nul);
    fs.closeSync(pipeFd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('errnoOf maps Node error codes to Linux errnos', () => {
  assert.equal(errnoOf({ code: 'EPIPE' }), 32);
  assert.equal(errnoOf({ code: 'ENOENT' }), 2);
  assert.equal(errnoOf({ code: 'NOT_A_CODE' }), 5);
  assert.equal(errnoOf(undefined), 5);
});

for (const Host of [NodeHost, MemoryHost]) {
  test(`${Host.name} clocks: BigInt ns, realtime is now, monotonic does not go back`, () => {
    const host = new Host();
    const real = host.realtimeNs();
    assert.equal(typeof real, 'bigint');
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    assert.ok(real > nowNs - 1_000_000_000n && real < nowNs + 1_000_000_000n, `${real} vs ${nowNs}`);
    let prev = host.monotonicNs();
    for (let i = 0; i < 1000; i++) {
      const t = host.monotonicNs();
      assert.ok(t >= prev);
      prev = t;
    }
  });

  test(`${Host.name} random fills large buffers`, () => {
    const buf = new Uint8Array(200_000);
    new Host().random(buf);
    const zeros = buf.reduce((n, b) => n + (b === 0), 0);
    assert.ok(zeros < 2000, `${zeros} zero bytes out of 200000`);
    assert.ok(buf.subarray(150_000).some((b) => b !== 0), 'tail not filled');
  });
}

test('MemoryHost serves stdin then EOF and collects output', () => {
  const host = new MemoryHost({ stdin: new TextEncoder().encode('xyz') });
  const buf = new Uint8Array(2);
  assert.equal(host.read(0, buf), 2);
  assert.equal(host.read(0, buf), 1);
  assert.equal(host.read(0, buf), 0);
  const data = new Uint8Array([1, 2, 3]);
  host.write(1, data);
  data[0] = 9; // the host must have copied
  host.write(1, new Uint8Array([4]));
  assert.deepEqual([...host.output(1)], [1, 2, 3, 4]);
  assert.deepEqual([...host.output(2)], []);
  assert.equal(host.isatty(1), false);
  assert.equal(host.stdioKind(1), STDIO_PIPE);
});

test('parseArgs: options, --, program and its arguments', () => {
  assert.deepEqual(parseArgs(['run', '--stats', '--memory', '64', '--', 'prog', '--stats', 'a']), {
    stats: true,
    strace: false,
    memoryMiB: 64,
    root: null,
    mounts: [],
    cwd: '',
    env: [],
    program: 'prog',
    args: ['--stats', 'a'],
  });
  const f = parseArgs(['run', '--root', '/', '--mount', '/tmp:/mnt:ro', '--env', 'A=1', '--cwd=/tmp', '/bin/sh']);
  assert.equal(f.root, '/');
  assert.deepEqual(f.mounts, [{ host: '/tmp', guest: '/mnt', readOnly: true }]);
  assert.deepEqual(f.env, ['A=1']);
  assert.equal(f.cwd, '/tmp');
  const p = parseArgs(['run', '--tier=interp', '--strace', '--memory=+7', 'prog', '-x']);
  assert.equal(p.program, 'prog');
  assert.equal(p.memoryMiB, 7);
  assert.ok(p.strace && !p.stats);
  assert.deepEqual(p.args, ['-x']);
  assert.deepEqual(parseArgs(['--help']), { help: true });
  assert.deepEqual(parseArgs(['run', '-h', 'prog']), { help: true });
  for (const bad of [
    [],
    ['go'],
    ['run'],
    ['run', '--'],
    ['run', '--tier', 'jit', 'p'],
    ['run', '--tier=', 'p'],
    ['run', '--memory', '-1', 'p'],
    ['run', '--memory', '1073741825', 'p'],
    ['run', '--memory', '99999999999999999999999', 'p'],
    ['run', '--stats=yes', 'p'],
    ['run', '-q', 'p'],
  ]) {
    assert.throws(() => parseArgs(bad), UsageError, JSON.stringify(bad));
  }
});

test('NodeHost file functions: -errno / [1, errno] on failure, never follow a symlink', () => {
  const host = new NodeHost();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nanovm-nodefs-'));
  try {
    const b = (s) => new Uint8Array(Buffer.from(s));
    fs.writeFileSync(path.join(dir, 'f'), 'abc');
    fs.symlinkSync(path.join(dir, 'f'), path.join(dir, 'l'));
    const st = new BigInt64Array(16);
    assert.equal(host.fsLstat(b(path.join(dir, 'f')), st), 0);
    assert.equal(Number(st[2]) & 0o170000, 0o100000); // S_IFREG
    assert.equal(st[5], 3n); // size
    assert.equal(host.fsLstat(b(path.join(dir, 'l')), st), 0);
    assert.equal(Number(st[2]) & 0o170000, 0o120000); // S_IFLNK: lstat, not stat
    assert.equal(host.fsLstat(b(path.join(dir, 'nope')), st), -2);
    assert.equal(host.fsOpen(b(path.join(dir, 'l')), 0, false, 0), -40); // ELOOP: O_NOFOLLOW
    assert.equal(host.fsOpen(b(path.join(dir, 'f')), 2, true, 0o644), -17); // EEXIST: O_EXCL
    const fd = host.fsOpen(b(path.join(dir, 'f')), 2, false, 0);
    assert.ok(fd >= 0);
    assert.equal(host.fsPwrite(fd, b('XY'), 1), 2);
    const buf = new Uint8Array(8);
    assert.equal(host.fsPread(fd, buf, 0), 3);
    assert.equal(Buffer.from(buf.subarray(0, 3)).toString(), 'aXY');
    assert.equal(host.fsClose(fd), 0);
    assert.deepEqual([...host.fsReaddir(b(dir))].slice(0, 1), [0]);
    const names = Buffer.from(host.fsReaddir(b(dir)).subarray(1)).toString().split('\0').filter(Boolean);
    assert.deepEqual(names.sort(), ['f', 'l']);
    assert.deepEqual([...host.fsReadlink(b(path.join(dir, 'f')))], [1, 22]); // EINVAL
    assert.deepEqual([...host.fsRealpath(b(path.join(dir, 'nope')))], [1, 2]);
    assert.equal(Buffer.from(host.fsReadlink(b(path.join(dir, 'l'))).subarray(1)).toString(), path.join(dir, 'f'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
