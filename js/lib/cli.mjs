//! The `nanovm` command line, same behaviour as the native CLI (runtime/src/bin/nanovm.rs):
//! argument parsing, loading the program file, running it and mapping the outcome to an exit
//! status. Every failure is one line on stderr, never a stack trace.

import fs from 'node:fs';
import { NodeHost } from './host.mjs';
import { loadWasm } from './wasm.mjs';
import { runToEnd } from './run.mjs';
import { signalName } from './signals.mjs';

export const USAGE =
  'usage: nanovm run [--tier interp] [--stats] [--strace] [--memory MIB] [--] PROGRAM [ARGS...]';

/** Exit status for command-line mistakes. */
export const EXIT_USAGE = 2;
/** Exit status when NanoVM itself fails (EX_SOFTWARE). */
export const EXIT_INTERNAL = 70;

/** A command-line mistake: printed with the usage line, exit 2. */
class UsageError extends Error {}

/**
 * Parses `run` options. Returns `{ tier, stats, strace, memoryMiB, program, args }`;
 * throws UsageError on any mistake.
 */
export function parseArgs(argv) {
  if (argv.length === 0) throw new UsageError('missing command');
  const [command, ...rest] = argv;
  if (command !== 'run') throw new UsageError(`unknown command '${command}'`);
  const opts = { tier: 'interp', stats: false, strace: false, memoryMiB: 0, program: null, args: [] };
  let i = 0;
  const value = (name) => {
    if (i + 1 >= rest.length) throw new UsageError(`option '${name}' needs a value`);
    i += 1;
    return rest[i];
  };
  for (; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--') {
      i += 1;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '--stats') opts.stats = true;
    else if (a === '--strace') opts.strace = true;
    else if (a === '--tier') {
      const t = value(a);
      if (t !== 'interp') throw new UsageError(`unknown tier '${t}' (available: interp)`);
      opts.tier = t;
    } else if (a === '--memory') {
      const m = value(a);
      if (!/^[0-9]+$/.test(m) || Number(m) < 1 || Number(m) > 4096) {
        throw new UsageError(`bad --memory value '${m}' (MiB, 1 to 4096)`);
      }
      opts.memoryMiB = Number(m);
    } else throw new UsageError(`unknown option '${a}'`);
  }
  if (i >= rest.length) throw new UsageError('missing program');
  opts.program = rest[i];
  opts.args = rest.slice(i + 1);
  return opts;
}

/** Reads the program file; returns `{ bytes }` or `{ status, message }` (shell conventions). */
export function readProgram(path) {
  try {
    if (fs.statSync(path).isDirectory()) return { status: 126, message: 'Is a directory' };
    return { bytes: fs.readFileSync(path) };
  } catch (err) {
    switch (err && err.code) {
      case 'ENOENT':
      case 'ENOTDIR':
        return { status: 127, message: 'No such file or directory' };
      case 'EACCES':
        return { status: 126, message: 'Permission denied' };
      case 'EISDIR':
        return { status: 126, message: 'Is a directory' };
      default:
        return { status: 126, message: String((err && err.message) || err).split('\n')[0] };
    }
  }
}

/** The guest environment: the host's, as `NAME=value` strings. */
function guestEnv() {
  return Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
}

/** Writes one line to stderr (synchronously, so it lands before we exit). */
function errLine(line) {
  try {
    fs.writeSync(2, line + '\n');
  } catch {
    // stderr closed: nothing more we can do.
  }
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit status. */
export async function main(argv) {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    errLine(`nanovm: ${err.message}`);
    errLine(USAGE);
    return EXIT_USAGE;
  }
  const file = readProgram(opts.program);
  if (file.status) {
    errLine(`nanovm: ${opts.program}: ${file.message}`);
    return file.status;
  }
  let glue;
  try {
    glue = await loadWasm();
  } catch (err) {
    errLine(`nanovm: ${err.message}`);
    return EXIT_INTERNAL;
  }
  const host = new NodeHost();
  try {
    let vm;
    try {
      vm = new glue.WasmVm(
        file.bytes,
        [opts.program, ...opts.args],
        guestEnv(),
        opts.program,
        opts.strace,
        opts.memoryMiB * 1024 * 1024,
        host,
      );
    } catch (err) {
      if (!(err instanceof glue.WasmLoadError)) throw err;
      errLine(`nanovm: ${opts.program}: ${err.message}`);
      return err.exitCode;
    }
    const start = process.hrtime.bigint();
    const end = await runToEnd(vm);
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    if (opts.stats) {
      const n = vm.instret;
      const mips = secs > 0 ? n / secs / 1e6 : 0;
      errLine(
        `nanovm: ${n} instructions, ${vm.blocks} blocks, ${secs.toFixed(3)} s, ${mips.toFixed(1)} MIPS`,
      );
    }
    if (end.exited) return end.code & 0xff;
    errLine(`nanovm: ${opts.program}: killed by signal ${end.signal} (${signalName(end.signal)})`);
    return 128 + end.signal;
  } catch (err) {
    const panic = glue.lastPanic();
    errLine(`nanovm: internal error: ${panic || (err && err.message) || err}`);
    return EXIT_INTERNAL;
  }
}
