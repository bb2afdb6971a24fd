#!/usr/bin/env node
//! `nanovm` executable: runs a RISC-V 64 Linux program in NanoVM's WebAssembly build.
//! Usage: nanovm run [--tier interp] [--stats] [--strace] [--memory MIB] [--] PROGRAM [ARGS...]

import { main } from '../lib/cli.mjs';

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (err) => {
    process.stderr.write(`nanovm: internal error: ${(err && err.message) || err}\n`);
    process.exit(70);
  },
);
