//! The slice loop: runs to the end, reports exit/death, and yields to the event loop between
//! slices (checked with a fake VM, no wasm needed).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runToEnd } from '../lib/run.mjs';
import { STATE_EXITED, STATE_IDLE, STATE_KILLED, STATE_RUNNING } from '../lib/wasm.mjs';

/** A VM that stays running for `slices` calls, then ends in `final`. */
function fakeVm(slices, final, { exitCode = 0, signal = 0 } = {}) {
  return {
    calls: [],
    exitCode,
    signal,
    run(budget) {
      this.calls.push(budget);
      return this.calls.length <= slices ? STATE_RUNNING : final;
    },
  };
}

test('runs slices until exit and reports the status', async () => {
  const vm = fakeVm(5, STATE_EXITED, { exitCode: 3 });
  assert.deepEqual(await runToEnd(vm, 1000), { exited: true, code: 3 });
  assert.deepEqual(vm.calls, [1000, 1000, 1000, 1000, 1000, 1000]);
});

test('reports the killing signal', async () => {
  assert.deepEqual(await runToEnd(fakeVm(0, STATE_KILLED, { signal: 11 })), {
    exited: false,
    signal: 11,
  });
});

test('other event-loop work runs between slices', async () => {
  const vm = fakeVm(50, STATE_EXITED);
  let ticks = 0;
  const seenAt = [];
  const timer = setInterval(() => ticks++, 0);
  const origRun = vm.run.bind(vm);
  vm.run = (b) => {
    seenAt.push(ticks);
    // Each slice "works" 2 ms so the 0 ms interval is due at every yield.
    const until = Date.now() + 2;
    while (Date.now() < until);
    return origRun(b);
  };
  await runToEnd(vm);
  clearInterval(timer);
  assert.ok(seenAt[seenAt.length - 1] >= 10, `timer ran only ${seenAt.at(-1)} times in 50 slices`);
});

test('an idle guest waits on a host timer until its deadline, then runs again', async () => {
  const host = { monotonicNs: () => process.hrtime.bigint() };
  const t0 = Number(host.monotonicNs()) / 1e6;
  const states = [STATE_IDLE, STATE_EXITED];
  const vm = {
    exitCode: 0,
    calls: [],
    get idleUntilMs() {
      return t0 + 40;
    },
    run(budget) {
      this.calls.push(Number(host.monotonicNs()) / 1e6);
      return states.shift();
    },
  };
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  assert.deepEqual(await runToEnd(vm, 1000, host), { exited: true, code: 0 });
  clearInterval(timer);
  assert.equal(vm.calls.length, 2);
  assert.ok(vm.calls[1] >= t0 + 40, `ran again after ${vm.calls[1] - t0} ms, before the 40 ms deadline`);
  assert.ok(ticks >= 3, `the event loop was blocked while idle (${ticks} timer ticks)`);
});
