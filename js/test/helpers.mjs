//! Shared helpers for the tests: build guest programs, run the wasm CLI, qemu and the native CLI.
//! (No tests in this file.)

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const JS_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO = path.resolve(JS_DIR, '..');
export const CLI = path.join(JS_DIR, 'bin', 'nanovm.mjs');
export const GUEST_SRC = path.join(JS_DIR, 'test', 'guest');
export const CC = process.env.RISCV_CC || 'riscv64-linux-gnu-gcc';
export const QEMU = process.env.QEMU || 'qemu-riscv64';

/** The same small, fixed environment for every guest run, so outputs are comparable. */
export const GUEST_ENV = { PATH: '/usr/bin:/bin', LANG: 'C', NANOVM_TEST_VAR: 'value with spaces' };

/** Turns a spawnSync result into `{ status, stdout, stderr }` with shell-style status. */
function outcome(r) {
  if (r.error) throw r.error;
  const status = r.signal ? 128 + os.constants.signals[r.signal] : r.status;
  return { status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the wasm CLI with `args`; `input` goes to stdin. Output as Buffers. */
export function runCli(args, { input = '', env = GUEST_ENV } = {}) {
  return outcome(spawnSync(process.execPath, [CLI, ...args], { input, env, maxBuffer: 1 << 26 }));
}

/** Runs `prog args` under qemu-riscv64 (the oracle). */
export function runQemu(prog, args = [], { input = '', env = GUEST_ENV } = {}) {
  return outcome(spawnSync(QEMU, [prog, ...args], { input, env, maxBuffer: 1 << 26 }));
}

/** Path of the native CLI (`NANOVM_NATIVE` or target/release/nanovm), or null if not built. */
export function nativeCli() {
  const p = process.env.NANOVM_NATIVE || path.join(REPO, 'target', 'release', 'nanovm');
  return fs.existsSync(p) ? p : null;
}

/** Runs the native CLI with `args`. */
export function runNative(args, { input = '', env = GUEST_ENV } = {}) {
  const exe = nativeCli();
  if (!exe) throw new Error('native CLI not built: run `make build` (or set NANOVM_NATIVE)');
  return outcome(spawnSync(exe, args, { input, env, maxBuffer: 1 << 26 }));
}

/** Throws a clear error when a required tool is missing (tests must not silently pass). */
export function requireTool(cmd) {
  const r = spawnSync(cmd, ['--version'], { stdio: 'ignore' });
  if (r.error) throw new Error(`${cmd} not found: run .ci/run (or install it) first`);
}

/** A fresh temporary directory, removed when the process exits. */
export function tempDir(prefix = 'nanovm-test-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Compiles js/test/guest/NAME.c statically for riscv64 into `dir`; returns the binary's path. */
export function compileGuest(name, dir) {
  const out = path.join(dir, name);
  const r = spawnSync(CC, ['-O2', '-static', '-o', out, path.join(GUEST_SRC, `${name}.c`), '-lm'], {
    encoding: 'utf8',
  });
  if (r.error) throw new Error(`${CC} not found: run .ci/run (or install it) first`);
  if (r.status !== 0) throw new Error(`compiling ${name}.c failed:\n${r.stderr}`);
  return out;
}

/** Readable text of an outcome for assertion messages. */
export function show(o) {
  return `status=${o.status}\n--- stdout\n${o.stdout}\n--- stderr\n${o.stderr}`;
}
