//! Guest programs (js/test/guest/*.c) run by the wasm CLI must match qemu-riscv64 byte for byte:
//! stdout, stderr and exit status.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { loadWasm } from '../lib/wasm.mjs';
import { MemoryHost } from '../lib/memhost.mjs';
import { runToEnd } from '../lib/run.mjs';
import { spawnSync } from 'node:child_process';
import { CLI, GUEST_ENV, compileGuest, requireTool, runCli, runQemu, show, tempDir, QEMU } from './helpers.mjs';

const bins = {};

before(() => {
  requireTool(QEMU);
  const dir = tempDir();
  for (const name of ['hello', 'compute', 'stdin', 'sys', 'yes']) bins[name] = compileGuest(name, dir);
});

/** Runs `name args` under both and compares; `sameStderr` false for signal deaths. */
function compare(name, args = [], { input = '', sameStderr = true } = {}) {
  const want = runQemu(bins[name], args, { input });
  const got = runCli(['run', '--', bins[name], ...args], { input });
  const msg = `${name} ${args.join(' ')}\nnanovm:\n${show(got)}\nqemu:\n${show(want)}`;
  assert.equal(got.status, want.status, msg);
  assert.equal(got.stdout.toString('latin1'), want.stdout.toString('latin1'), msg);
  if (sameStderr) assert.equal(got.stderr.toString('latin1'), want.stderr.toString('latin1'), msg);
  return got;
}

test('hello: argv, environment, stdout and stderr', () => compare('hello', ['7', 'two words', '']));
test('hello: exit status passes through', () => compare('hello', ['0']));
test('compute: integer, memory, libm and printf', () => compare('compute'));
test('stdin: reads input to end of file', () =>
  compare('stdin', [], { input: 'first line\nsecond line\n'.repeat(500) }));
test('stdin: empty input', () => compare('stdin'));
test('sys: clocks and getrandom', () => compare('sys'));
test('sys: exit(300) gives 44', () => compare('sys', ['exit300']));
// The runtime shows stdio as what the host fds are (Host::stdio_kind): here pipes, so glibc fully
// buffers stdout and _exit drops the unflushed line, as under qemu.
test('sys: _exit drops stdio buffers when stdout is a pipe', () => compare('sys', ['exit-unflushed']));

test('sys: on a terminal host (stdioKind 3) stdout is line-buffered, so the line survives _exit', async () => {
  const glue = await loadWasm();
  const host = new MemoryHost();
  host.stdioKind = () => 3;
  host.stdioInfo = () => 24 * 65536 + 80;
  const argv = ['sys', 'exit-unflushed'];
  const vm = new glue.WasmVm(fs.readFileSync(bins.sys), argv, [], 'sys', false, 0, host);
  const end = await runToEnd(vm, 10_000_000);
  vm.free();
  assert.deepEqual(end, { exited: true, code: 5 });
  assert.equal(Buffer.from(host.output(1)).toString(), 'buffered line without flush\n');
});

for (const [mode, sig] of [
  ['segv', 11],
  ['abort', 6],
]) {
  test(`sys: ${mode} kills with signal ${sig}`, () => {
    const got = compare('sys', [mode], { sameStderr: false });
    assert.equal(got.status, 128 + sig);
    // One line naming the program and the signal, e.g. "nanovm: ./sys: Aborted (SIGABRT)".
    assert.match(got.stderr.toString(), /^nanovm: [^\n]+: [^\n]*\(SIG[A-Z]+[^\n]*\)\n$/);
  });
}

test('the event loop keeps running while a guest computes (in-process, real wasm)', async () => {
  const glue = await loadWasm();
  const host = new MemoryHost();
  const vm = new glue.WasmVm(fs.readFileSync(bins.compute), ['compute'], [], 'compute', false, 0, host);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const end = await runToEnd(vm, 1_000_000);
  clearInterval(timer);
  const slices = Math.floor(vm.instructions / 1_000_000);
  vm.free();
  assert.deepEqual(end, { exited: true, code: 0 });
  assert.equal(Buffer.from(host.output(1)).toString(), runQemu(bins.compute).stdout.toString());
  assert.ok(slices >= 10, `only ${slices} slices`);
  assert.ok(ticks >= 3, `timer fired ${ticks} times during ${slices} slices`);
});

test('stdout closed early: killed by SIGPIPE (141) like under qemu, nothing on stderr', () => {
  // bash reports the emulator's own status through PIPESTATUS.
  const pipeline = (cmd) => {
    const r = spawnSync('bash', ['-c', `${cmd} | head -n 3; exit \${PIPESTATUS[0]}`], {
      env: GUEST_ENV,
      encoding: 'latin1',
    });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const want = pipeline(`${QEMU} ${bins.yes}`);
  const got = pipeline(`'${process.execPath}' '${CLI}' run -- ${bins.yes}`);
  assert.equal(want.status, 141, show(want));
  assert.deepEqual(got, want);
});
