//! Drives a `WasmVm` to completion in slices, yielding to the event loop between slices.

import { STATE_RUNNING, STATE_EXITED } from './wasm.mjs';

/** Guest instructions per slice: a few tens of milliseconds at interpreter speed. */
export const SLICE = 10_000_000;

/** Resolves on the next turn of the event loop (after pending I/O callbacks). */
const yieldToEventLoop = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `vm` until the guest exits or is killed. Resolves to `{ exited: true, code }` or
 * `{ exited: false, signal }`. Exceptions from the VM (an internal error) propagate.
 */
export async function runToEnd(vm, slice = SLICE) {
  for (;;) {
    const state = vm.run(slice);
    if (state === STATE_EXITED) return { exited: true, code: vm.exitCode };
    if (state !== STATE_RUNNING) return { exited: false, signal: vm.signal };
    await yieldToEventLoop();
  }
}
