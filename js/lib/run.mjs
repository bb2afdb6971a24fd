//! Drives a `WasmVm` to completion in slices, yielding to the event loop between slices.

import { STATE_RUNNING, STATE_EXITED, STATE_IDLE } from './wasm.mjs';

/** Guest instructions per slice: a few tens of milliseconds at interpreter speed. */
export const SLICE = 10_000_000;

/** Resolves on the next turn of the event loop (after pending I/O callbacks). */
const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Wakes the `runToEnd` loop of each VM that waits on an idle guest's timer. */
const wakers = new WeakMap();

/**
 * Resolves to false after `ms` milliseconds (at least one event-loop turn), or to true as soon
 * as `wake(vm)` is called.
 */
const sleep = (vm, ms) =>
  new Promise((resolve) => {
    const timer = setTimeout(() => {
      wakers.delete(vm);
      resolve(false);
    }, Math.max(0, ms));
    wakers.set(vm, () => {
      clearTimeout(timer);
      wakers.delete(vm);
      resolve(true);
    });
  });

/** Ends the idle wait of `runToEnd(vm)`, if it is in one, so the VM runs again at once. */
export function wake(vm) {
  const done = wakers.get(vm);
  if (done) done();
}

/**
 * Sends signal `sig` to guest process `pid` (`kill(2)` addressing: `-pgid` a group, 0 the first
 * process's group, -1 all) from the host and wakes `runToEnd(vm)` if the guest was idle, so even
 * a sleeping or endlessly looping guest is killed at once (`killGuest(vm, 1000, 9)`). Returns 0
 * or `-errno` (-3 no such process, -22 a bad signal or the guest has ended).
 */
export function killGuest(vm, pid, sig) {
  const r = vm.kill(pid, sig);
  wake(vm);
  return r;
}

/**
 * Sends `sig` (default SIGINT) to the guest's foreground process group, as a terminal does for
 * Ctrl-C, and wakes `runToEnd(vm)`; returns how many processes it reached.
 */
export function interruptGuest(vm, sig = 2) {
  const n = vm.interrupt(sig);
  wake(vm);
  return n;
}

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
        // Keystrokes, a resize, the deadline or a host signal (`wake`) end the wait.
        wakers.set(vm, () => {
          wakers.delete(vm);
          term.wake();
        });
        await term.wait(until < 0 ? -1 : until - now());
        wakers.delete(vm);
        continue;
      }
      if (until < 0) await yieldToEventLoop();
      // Node's timers run on their own (cached) clock and may fire a little before the
      // deadline on the host's monotonic clock: wait again until it has really passed.
      // A host signal (`killGuest`) ends the wait early: run again at once.
      while (until >= 0 && now() < until) {
        if (await sleep(vm, Math.ceil(until - now()))) break;
      }
      continue;
    }
    if (state !== STATE_RUNNING) return { exited: false, signal: vm.signal };
    await yieldToEventLoop();
  }
}
