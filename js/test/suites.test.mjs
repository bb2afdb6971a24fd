//! Prebuilt guest suites from other parts of the build, run in-process through the wasm module:
//! `NANOVM_ISA_DIR` (the RISC-V ISA tests) and `NANOVM_FUZZ_OUT` (fuzzer-generated programs).
//! Each directory holds `NAME.expected` files next to the guest binary `NAME.elf` or `NAME` (the
//! fuzzer writes `fuzz-<seed>-<first>` without extension): the guest, run without arguments,
//! must exit with status 0 and its stdout must equal `NAME.expected` byte for byte. A variable
//! that is set but names a directory without such pairs fails the run; unset variables skip.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadWasm, STATE_EXITED, STATE_RUNNING } from '../lib/wasm.mjs';
import { MemoryHost } from '../lib/memhost.mjs';

/** Instruction cap per guest, so a runaway program fails instead of hanging. */
const MAX_INSNS = Number(process.env.NANOVM_SUITE_MAX_INSNS || 2e9);
const SLICE = 50_000_000;

const glue = await loadWasm();

/** Runs `elfPath` to the end in memory; returns `{ status, stdout, stderr }`. */
function runInProcess(elfPath) {
  const host = new MemoryHost();
  const name = path.basename(elfPath);
  let vm;
  try {
    vm = new glue.WasmVm(fs.readFileSync(elfPath), [name], [], name, false, 0, host);
  } catch (err) {
    if (err instanceof glue.WasmLoadError) return { status: err.exitCode, error: err.message };
    throw err;
  }
  try {
    let state = STATE_RUNNING;
    while (state === STATE_RUNNING && vm.instructions < MAX_INSNS) state = vm.run(SLICE);
    const out = { stdout: Buffer.from(host.output(1)), stderr: Buffer.from(host.output(2)) };
    if (state === STATE_RUNNING) return { ...out, status: null, error: `still running after ${MAX_INSNS} instructions` };
    if (state === STATE_EXITED) return { ...out, status: vm.exitCode };
    return { ...out, status: 128 + vm.signal, error: `killed by signal ${vm.signal}` };
  } finally {
    vm.free();
  }
}

for (const variable of ['NANOVM_ISA_DIR', 'NANOVM_FUZZ_OUT']) {
  const dir = process.env[variable];
  describe(variable, { skip: dir ? false : `${variable} not set` }, () => {
    const names = dir && fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    const pairs = names
      .filter((f) => f.endsWith('.expected'))
      .map((f) => f.slice(0, -'.expected'.length))
      .map((base) => [base, names.includes(`${base}.elf`) ? `${base}.elf` : base])
      .filter(([, elf]) => names.includes(elf))
      .sort();
    test(`${dir} holds guest + .expected pairs`, () => {
      assert.ok(pairs.length > 0, `${variable}=${dir} is set but has no NAME(.elf) + NAME.expected pairs`);
    });
    for (const [base, elf] of pairs) {
      test(elf, () => {
        const expected = fs.readFileSync(path.join(dir, `${base}.expected`));
        const got = runInProcess(path.join(dir, elf));
        assert.equal(got.status, 0, `${elf}: ${got.error || ''}\n${got.stderr || ''}`);
        assert.equal(got.stdout.toString('latin1'), expected.toString('latin1'), elf);
      });
    }
  });
}
