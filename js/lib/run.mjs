//! Drives a `WasmVm` to completion in slices, yielding to the event loop between slices.

import { STATE_RUNNING, STATE_EXITED, STATE_IDLE } from './wasm.mjs';

/** Guest instructions per slice: a few tens of milliseconds at interpreter speed. */
export const SLICE = 10_000_000;

/** Resolves on the next turn of the event loop (after pending I/O callbacks). */
const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Resolves after `ms` milliseconds (at least one event-loop turn). */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Runs `vm` until the guest exits or is killed. Resolves to `{ exited: true, code }` or
 * `{ exited: false, signal }`. Exceptions from the VM (an internal error) propagate.
 *
 * When every guest thread is parked (`STATE_IDLE`: sleeping, waiting on a timer), the loop
 * waits on a host timer until `vm.idleUntilMs`, measured on `host.monotonicNs()` (the clock the
 * VM was given), so the event loop stays free while the guest sleeps. With a `term`
 * (console.mjs) the wait also ends when keystrokes arrive, and an idle VM with no deadline waits
 * for them.
 */
export async function runToEnd(vm, slice = SLICE, host = null, term = null) {
  for (;;) {
    const state = vm.run(slice);
    if (state === STATE_EXITED) return { exited: true, code: vm.exitCode };
    if (state === STATE_IDLE) {
      const until = vm.idleUntilMs;
      const now = () => (host ? Number(host.monotonicNs()) / 1e6 : until);
      if (term) {
        await term.wait(until < 0 ? -1 : until - now());
        continue;
      }
      if (until < 0) await yieldToEventLoop();
      // Node's timers run on their own (cached) clock and may fire a little before the
      // deadline on the host's monotonic clock: wait again until it has really passed.
      while (until >= 0 && now() < until) await sleep(Math.ceil(until - now()));
      continue;
    }
    if (state !== STATE_RUNNING) return { exited: false, signal: vm.signal };
    await yieldToEventLoop();
  }
}
