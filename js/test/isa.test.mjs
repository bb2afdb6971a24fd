//! The ISA conformance suite (tests/isa/) through the wasm CLI: `tests/isa/compare.sh` builds
//! each program, runs it under qemu-riscv64 and under `node js/bin/nanovm.mjs run --`, and
//! requires the same exit status and stdout. Skipped only when the suite is not in the tree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, REPO } from './helpers.mjs';

const script = path.join(REPO, 'tests', 'isa', 'compare.sh');
const present = fs.existsSync(script);

test('ISA suite under the wasm CLI matches qemu', { skip: present ? false : 'tests/isa/compare.sh not in the tree' }, () => {
  const r = spawnSync('sh', [script, process.execPath, CLI, 'run', '--'], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.error) throw r.error;
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('ok') || l.startsWith('FAIL'));
  assert.ok(lines.length >= 12, `too few programs ran:\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.status, 0, `ISA suite differs from qemu:\n${r.stdout}\n${r.stderr}`);
});
