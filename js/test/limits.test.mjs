//! Limits that protect the host, through the wasm build: a looping or sleeping guest killed from
//! the host (`killGuest`, `interruptGuest`), Ctrl-C (SIGINT) to the CLI delivered to the guest,
//! a fork bomb stopped by RLIMIT_NPROC, and a failed wasm `memory.grow` turned into the guest's
//! out-of-memory kill instead of a trap.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CC, CLI, REPO, show, tempDir } from './helpers.mjs';
import { loadWasm } from '../lib/wasm.mjs';
import { MemoryHost } from '../lib/memhost.mjs';
import { interruptGuest, killGuest, runToEnd } from '../lib/run.mjs';

const bins = {};

/** Compiles runtime/tests/guest/NAME.c (shared with the Rust tests) statically into `dir`. */
function compileRuntimeGuest(name, dir) {
  const out = path.join(dir, name);
  const src = path.join(REPO, 'runtime', 'tests', 'guest', `${name}.c`);
  const r = spawnSync(CC, ['-O2', '-static', '-o', out, src], { encoding: 'utf8' });
  if (r.error) throw new Error(`${CC} not found: run .ci/run (or install it) first`);
  if (r.status !== 0) throw new Error(`compiling ${name}.c failed:\n${r.stderr}`);
  return out;
}

before(() => {
  const dir = tempDir();
  for (const name of ['spin', 'oom', 'forkbomb']) bins[name] = compileRuntimeGuest(name, dir);
});

/** Loads `spin ARGS` in-process with a memory host. */
async function spinVm(args) {
  const glue = await loadWasm();
  const host = new MemoryHost();
  const argv = ['spin', ...args];
  const vm = new glue.WasmVm(fs.readFileSync(bins.spin), argv, [], 'spin', false, 0, host);
  return { vm, host };
}

test('killGuest ends a guest looping forever (SIGKILL from a timer)', async () => {
  const { vm, host } = await spinVm([]);
  const timer = setTimeout(() => assert.equal(killGuest(vm, 1000, 9), 0), 200);
  const end = await runToEnd(vm, 1_000_000, host);
  clearTimeout(timer);
  assert.deepEqual(end, { exited: false, signal: 9 });
  assert.equal(128 + end.signal, 137);
  assert.equal(vm.killInfo, 'Killed (SIGKILL)');
  assert.equal(killGuest(vm, 1000, 9), -22, 'the guest has ended');
  assert.equal(Buffer.from(host.output(1)).toString(), 'ready\n');
  vm.free();
});

test('killGuest wakes a sleeping guest at once; errors come back as -errno', async () => {
  const { vm, host } = await spinVm(['sleep']);
  assert.equal(vm.kill(4242, 9), -3, 'no such process');
  assert.equal(vm.kill(1000, 99), -22, 'bad signal');
  const t0 = Date.now();
  setTimeout(() => killGuest(vm, 1000, 15), 100);
  const end = await runToEnd(vm, 1_000_000, host);
  assert.deepEqual(end, { exited: false, signal: 15 });
  assert.ok(Date.now() - t0 < 5000, 'woken at once, not at the end of the sleep');
  vm.free();
});

test('interruptGuest runs the guest SIGINT handler', async () => {
  const { vm, host } = await spinVm(['catch']);
  setTimeout(() => assert.equal(interruptGuest(vm), 1), 200);
  const end = await runToEnd(vm, 1_000_000, host);
  assert.deepEqual(end, { exited: true, code: 3 });
  assert.equal(Buffer.from(host.output(1)).toString(), 'ready\ncaught SIGINT\n');
  vm.free();
});

/** Runs the wasm CLI on `spin ARGS` with stdin a pipe, sends it SIGINT once the guest runs. */
function cliSigint(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'run', '--', bins.spin, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    let sent = false;
    child.stdout.on('data', (d) => {
      out.push(d);
      if (!sent && Buffer.concat(out).toString().startsWith('ready\n')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', reject);
    child.on('close', (status, signal) =>
      resolve({ status: signal ? `signal ${signal}` : status, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }),
    );
  });
}

test('CLI: Ctrl-C (SIGINT, stdin a pipe) reaches the guest handler', async () => {
  const o = await cliSigint(['catch']);
  assert.equal(o.status, 3, show(o));
  assert.equal(o.stdout.toString(), 'ready\ncaught SIGINT\n', show(o));
  assert.equal(o.stderr.length, 0, show(o));
});

test('CLI: Ctrl-C without a guest handler ends the guest, exit 130, no message', async () => {
  const o = await cliSigint([]);
  assert.equal(o.status, 130, show(o));
  assert.equal(o.stdout.toString(), 'ready\n', show(o));
  assert.equal(o.stderr.length, 0, show(o));
});

test('CLI: Ctrl-C wakes a sleeping guest at once (exit 130)', async () => {
  const t0 = Date.now();
  const o = await cliSigint(['sleep']);
  assert.equal(o.status, 130, show(o));
  assert.ok(Date.now() - t0 < 20_000, 'not at the end of the sleep');
});

test('a fork bomb under the default RLIMIT_NPROC gets EAGAIN; the wasm instance survives', () => {
  const r = spawnSync(process.execPath, [CLI, 'run', bins.forkbomb, 'default'], { encoding: 'utf8' });
  const o = { status: r.status, stdout: r.stdout, stderr: r.stderr };
  assert.equal(o.status, 0, show(o));
  assert.equal(o.stdout, 'limit=4096\nstopped=1 eagain=1 reaped_all=1\nmade=4095\n', show(o));
});

test('a failed wasm memory.grow is the guest OOM kill (exit 137), not a trap', () => {
  // V8 refuses to grow the instance past 256 MiB: the frame allocation fails, the runtime
  // frees its reserve and the OOM killer ends the (only, biggest) process.
  const r = spawnSync(process.execPath, ['--wasm-max-mem-pages=4096', CLI, 'run', bins.oom, 'single'], {
    encoding: 'utf8',
  });
  const o = { status: r.status, stdout: r.stdout, stderr: r.stderr };
  assert.equal(o.status, 137, show(o));
  assert.equal(o.stdout, '', show(o));
  assert.match(o.stderr, /^nanovm: [^\n]+: Killed \(SIGKILL: out of guest memory\)\n$/, show(o));
});
