//! Library entry point of the `nanovm` package: load the wasm build and run guests from code.

export { loadWasm, WASM_PATH, STATE_RUNNING, STATE_EXITED, STATE_KILLED } from './wasm.mjs';
export { NodeHost } from './host.mjs';
export { MemoryHost } from './memhost.mjs';
export { runToEnd, SLICE, killGuest, interruptGuest, wake } from './run.mjs';
export { NodeConsole } from './console.mjs';
export { main } from './cli.mjs';
