//! `--root` / `--mount` in the wasm build (the runtime's JsFs over js/lib/nodefs.mjs): a guest
//! probe (guest/fsprobe.c) reads, lists and writes through the served directories, tries to
//! escape them, and every run is compared byte for byte with the native CLI (HostFs).

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { compileGuest, nativeCli, REPO, runCli, runNative, show, tempDir } from './helpers.mjs';
import { loadWasm } from '../lib/wasm.mjs';
import { MemoryHost } from '../lib/memhost.mjs';

/** The host's own password file: its first line must never reach a guest. */
const HOST_PASSWD = fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0];

let root; // served read-only: probe, files, planted escape symlinks
let served; // a second root with its own etc/passwd
let mnt; // mounted read-write

/** Every file under `dir` with its type and contents (a snapshot to detect changes). */
function snapshot(dir) {
  const out = {};
  const walk = (d) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      const rel = path.relative(dir, p);
      if (st.isSymbolicLink()) out[rel] = `-> ${fs.readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[rel] = `dir ${(st.mode & 0o7777).toString(8)}`;
        walk(p);
      } else out[rel] = `${(st.mode & 0o7777).toString(8)} ${fs.readFileSync(p, 'hex')}`;
    }
  };
  walk(dir);
  return out;
}

before(() => {
  const tmp = tempDir('nanovm-fs-');
  root = path.join(tmp, 'root');
  served = path.join(tmp, 'served');
  mnt = path.join(tmp, 'mnt');
  for (const d of [root, served, mnt]) fs.mkdirSync(d);
  const probe = compileGuest('fsprobe', tmp);
  for (const r of [root, served]) {
    fs.copyFileSync(probe, path.join(r, 'fsprobe'));
    fs.chmodSync(path.join(r, 'fsprobe'), 0o755);
    fs.mkdirSync(path.join(r, 'sub'));
    fs.writeFileSync(path.join(r, 'sub', 'f'), 'inside\n');
    fs.mkdirSync(path.join(r, 'mnt'));
    fs.mkdirSync(path.join(r, 'tmp', 'keep'), { recursive: true });
    fs.writeFileSync(path.join(r, 'tmp', 'keep', 'note'), 'scratch\n');
    fs.symlinkSync('/etc/passwd', path.join(r, 'abs'));
    fs.symlinkSync('../../../../../../../../etc/passwd', path.join(r, 'sub', 'rel'));
    fs.symlinkSync('/', path.join(r, 'sub', 'top'));
  }
  fs.mkdirSync(path.join(served, 'etc'));
  fs.writeFileSync(path.join(served, 'etc', 'passwd'), 'served:x:1:1::/:/bin/sh\n');
});

/** Runs `args` under both CLIs; asserts identical status, stdout, stderr; returns the wasm run. */
function same(args) {
  assert.ok(nativeCli(), 'native CLI not built: run `make build`');
  const wasm = runCli(args);
  const native = runNative(args);
  const ctx = `${args.join(' ')}\nwasm:\n${show(wasm)}\nnative:\n${show(native)}`;
  assert.equal(wasm.status, native.status, ctx);
  assert.equal(wasm.stdout.toString(), native.stdout.toString(), ctx);
  assert.equal(wasm.stderr.toString(), native.stderr.toString(), ctx);
  return wasm;
}

const ESCAPES = [
  ['cat', '/abs'],
  ['cat', '/sub/rel'],
  ['cat', '../../../../etc/passwd'],
  ['cat', '/../../etc/passwd'],
  ['cat', '/sub/top/../../etc/passwd'],
  ['cat', '/sub/../../sub/f'],
  ['ls', '/..'],
  ['ls', '/sub/top/..'],
  ['readlink', '/abs'],
].flat();

describe('--root: reads stay inside the served directory', () => {
  test('reads, lists, and cannot escape (absolute/relative symlinks, .. at root)', () => {
    const o = same(['run', '--root', root, '--', '/fsprobe', 'cat', '/sub/f', 'ls', '/', 'ls', '/sub', ...ESCAPES]);
    assert.equal(o.status, 0, show(o));
    const out = o.stdout.toString();
    assert.ok(!out.includes(HOST_PASSWD), `host /etc/passwd leaked:\n${out}`);
    assert.match(out, /^cat \/sub\/f: inside\n\|$/m);
    assert.match(out, /^ls \/: \. \.\. abs fsprobe mnt sub tmp$/m);
    assert.match(out, /^cat \/abs: errno 2$/m);
    assert.match(out, /^cat \/sub\/rel: errno 2$/m);
    assert.match(out, /^cat \.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd: errno 2$/m);
    assert.match(out, /^ls \/\.\.: \. \.\. abs fsprobe mnt sub tmp$/m);
    assert.match(out, /^readlink \/abs: \/etc\/passwd$/m);
  });

  test("an absolute symlink to /etc/passwd reads the served root's file", () => {
    const o = same(['run', '--root', served, '--', '/fsprobe', ...ESCAPES]);
    assert.equal(o.status, 0, show(o));
    const out = o.stdout.toString();
    assert.ok(!out.includes(HOST_PASSWD), `host /etc/passwd leaked:\n${out}`);
    assert.match(out, /^cat \/abs: served:x:1:1::\/:\/bin\/sh\n\|$/m);
    assert.match(out, /^cat \/sub\/rel: served:x/m);
  });

  test('the read-only root refuses writes with EROFS and the host tree is unchanged', () => {
    const before = snapshot(root);
    const o = same([
      'run', '--root', root, '--', '/fsprobe',
      'write', '/new', 'x', 'write', '/sub/f', 'x', 'append', '/sub/f', 'x', 'mkdir', '/d',
      'unlink', '/sub/f', 'rmdir', '/mnt', 'rename', '/sub/f', '/g', 'symlink', '/x', '/sub/l',
    ]);
    assert.equal(o.status, 0, show(o));
    const lines = o.stdout.toString().trimEnd().split('\n');
    assert.equal(lines.length, 8, show(o));
    for (const l of lines) assert.match(l, /: errno 30$/, show(o));
    assert.deepEqual(snapshot(root), before);
  });

  test("/tmp starts as a copy of DIR/tmp, writable in memory only", () => {
    const before = snapshot(root);
    const o = same([
      'run', '--root', root, '--', '/fsprobe',
      'ls', '/tmp', 'cat', '/tmp/keep/note', 'write', '/tmp/new', 'data', 'cat', '/tmp/new', 'ls', '/tmp',
    ]);
    assert.equal(o.status, 0, show(o));
    assert.match(o.stdout.toString(), /^cat \/tmp\/keep\/note: scratch\n\|$/m);
    assert.match(o.stdout.toString(), /^cat \/tmp\/new: data\|$/m);
    assert.deepEqual(snapshot(root), before);
  });

  test('program errors under --root: missing (127), directory and non-executable (126)', () => {
    assert.equal(same(['run', '--root', root, '--', '/nope']).status, 127);
    assert.equal(same(['run', '--root', root, '--', '/sub']).status, 126);
    assert.equal(same(['run', '--root', root, '--', '/sub/f']).status, 126);
    assert.equal(same(['run', '--root', root, '--', '/abs']).status, 127);
  });
});

describe('--mount', () => {
  test('read-write: a file round-trips between guest and host', () => {
    for (const [i, run] of [runCli, runNative].entries()) {
      const dir = path.join(mnt, `rw${i}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'from-host'), 'host says hi\n');
      const o = run([
        'run', '--root', root, '--mount', `${dir}:/mnt`, '--cwd', '/mnt', '--', '/fsprobe',
        'cat', 'from-host', 'write', '/mnt/a', 'hello', 'append', 'a', ' world', 'mkdir', 'd',
        'rename', 'a', 'd/b', 'symlink', '/sub/f', 'l', 'cat', 'l', 'size', 'd/b', 'ls', '.', 'getcwd', '.',
      ]);
      assert.equal(o.status, 0, show(o));
      assert.equal(fs.readFileSync(path.join(dir, 'd', 'b'), 'utf8'), 'hello world');
      assert.equal(fs.readlinkSync(path.join(dir, 'l')), '/sub/f');
      assert.match(o.stdout.toString(), /^cat from-host: host says hi\n\|$/m);
      assert.match(o.stdout.toString(), /^cat l: inside\n\|$/m);
      assert.match(o.stdout.toString(), /^getcwd: \/mnt$/m);
    }
    // Same guest-visible bytes from both CLIs (fresh directories so both start equal).
    const a = runCli(['run', '--mount', `${path.join(mnt, 'rw0')}:/m`, '--', path.join(root, 'fsprobe'), 'ls', '/m/d']);
    const b = runNative(['run', '--mount', `${path.join(mnt, 'rw1')}:/m`, '--', path.join(root, 'fsprobe'), 'ls', '/m/d']);
    assert.equal(a.stdout.toString(), b.stdout.toString());
    assert.equal(a.stdout.toString(), 'ls /m/d: . .. b\n');
  });

  test(':ro refuses writes (EROFS), the host directory is unchanged', () => {
    const dir = path.join(mnt, 'ro');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'f'), 'ro\n');
    const before = snapshot(dir);
    const o = same([
      'run', '--mount', `${dir}:/data:ro`, '--', path.join(root, 'fsprobe'),
      'cat', '/data/f', 'write', '/data/f', 'x', 'write', '/data/g', 'x', 'unlink', '/data/f',
    ]);
    assert.equal(o.stdout.toString(), 'cat /data/f: ro\n|\nwrite /data/f: errno 30\nwrite /data/g: errno 30\nunlink /data/f: errno 30\n');
    assert.deepEqual(snapshot(dir), before);
  });

  test('bad mounts and working directories: same messages, exit 2', () => {
    const probe = path.join(root, 'fsprobe');
    for (const args of [
      ['--mount', `${path.join(mnt, 'missing')}:/x`],
      ['--mount', `${path.join(root, 'sub', 'f')}:/x`],
      ['--root', root, '--mount', `${mnt}:/not-there`],
      ['--cwd', '/nonexistent'],
      ['--root', root, '--cwd', '/sub/f'],
    ]) {
      const o = same(['run', ...args, '--', probe]);
      assert.equal(o.status, 2, show(o));
      assert.match(o.stderr.toString(), /^nanovm: --[a-z]+:? [^\n]+\n$/, show(o));
    }
  });
});

test('a MemoryHost has no host directories: --root fails cleanly with ENOSYS', async () => {
  const glue = await loadWasm();
  const opts = new glue.WasmOptions();
  opts.setRoot(root);
  assert.throws(
    () => glue.WasmVm.load(undefined, ['/fsprobe'], [], opts, new MemoryHost()),
    (e) => e instanceof glue.WasmLoadError && e.exitCode === 2 && !e.aboutProgram &&
      e.message === `--root ${root}: Function not implemented`,
  );
  opts.free();
});

const IMAGE = path.join(REPO, 'build', 'image');
const NO_IMAGE = !fs.existsSync(path.join(IMAGE, 'bin', 'busybox')) && 'no build/image (scripts/build-image.sh)';
describe('BusyBox in the build image: same bytes as the native CLI', { skip: NO_IMAGE }, () => {
  test('busybox ls /', () => {
    const o = same(['run', '--root', IMAGE, '--', '/bin/busybox', 'ls', '/']);
    assert.equal(o.status, 0, show(o));
    assert.match(o.stdout.toString(), /^bin$/m);
  });
  for (const cmd of [
    ['ls', '-la', '/etc'],
    ['find', '/etc'],
    ['ls', '-l', '/bin/sh'],
    ['stat', '/usr'],
    ['md5sum', '/bin/busybox'],
    ['rm', '/etc/passwd'],
  ]) {
    test(`busybox ${cmd.join(' ')}`, () => {
      same(['run', '--root', IMAGE, '--', '/bin/busybox', ...cmd]);
    });
  }
});
