//! Loads the wasm module (built by `make wasm` into js/pkg/) for Node.js.
//!
//! The glue is generated with `wasm-bindgen --target web`, which browsers use as is; in Node we
//! read the .wasm file ourselves and call `initSync`, so one build serves both (the rejected
//! alternative, `--target nodejs`, emits CommonJS glue that browsers cannot load).

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Path of the compiled module. */
export const WASM_PATH = fileURLToPath(new URL('../pkg/nanovm_bg.wasm', import.meta.url));

let glue = null;

/**
 * Returns the initialised wasm-bindgen glue module (`WasmVm`, `WasmOptions`, `WasmLoadError`, `lastPanic`),
 * instantiating it on first use. Throws an Error with a one-line message if it was not built.
 */
export async function loadWasm() {
  if (glue) return glue;
  let bytes;
  try {
    bytes = fs.readFileSync(WASM_PATH);
  } catch {
    throw new Error(`${WASM_PATH} is missing: run \`make wasm\` first`);
  }
  const mod = await import('../pkg/nanovm.js');
  mod.initSync({ module: new WebAssembly.Module(bytes) });
  glue = mod;
  return glue;
}

/** `WasmVm.run` results. */
export const STATE_RUNNING = 0;
export const STATE_EXITED = 1;
export const STATE_KILLED = 2;
export const STATE_IDLE = 3;
