//! The `nanovm` command line, same behaviour as the native CLI (runtime/src/bin/nanovm.rs):
//! argument parsing, loading the program file, running it and mapping the outcome to an exit
//! status. Every failure is one line on stderr, never a stack trace.

import fs from 'node:fs';
import os from 'node:os';
import { NodeHost } from './host.mjs';
import { loadWasm } from './wasm.mjs';
import { interruptGuest, runToEnd } from './run.mjs';
import { NodeConsole } from './console.mjs';

export const USAGE = `usage: nanovm run [OPTIONS] [--] PROGRAM [ARGS...]
  --root DIR      the host directory DIR is the guest's root file system
                  (read-only; /tmp and /dev are in memory); PROGRAM is then
                  a guest path
  --mount HOST:GUEST[:ro]
                  mount the host directory HOST at GUEST (read-write unless :ro)
  --cwd DIR       the guest's initial working directory (default /)
  --env K=V       set a guest environment variable (repeatable)
  --tier interp   execution tier (only the interpreter exists yet)
  --stats         print instructions retired, blocks and MIPS to stderr at exit
  --strace        log every system call to stderr
  --memory MIB    limit guest memory to MIB mebibytes`;

/** Linux SIGPIPE: a death by it is not reported (like a shell). */
const SIGPIPE = 13;
/** Linux SIGINT: forwarded to the guest; a death by it is not reported either. */
const SIGINT = 2;

/** Exit status for command-line mistakes. */
export const EXIT_USAGE = 2;
/** Exit status when NanoVM itself fails (EX_SOFTWARE). */
export const EXIT_INTERNAL = 70;

/** A command-line mistake: printed with the usage text, exit 2. */
export class UsageError extends Error {}

/** Largest `--memory` value in MiB (the native CLI's limit). */
const MAX_MEMORY_MIB = 1n << 30n;

/** Parses `HOST:GUEST[:ro|:rw]` like the runtime's `MountSpec::parse` (GUEST absolute). */
export function parseMount(s) {
  const bad = () => new UsageError(`invalid --mount '${s}' (want HOST:GUEST[:ro])`);
  const parts = s.split(':');
  const last = parts[parts.length - 1];
  let readOnly;
  if (last === 'ro' && parts.length === 3) readOnly = true;
  else if (last === 'rw' && parts.length === 3) readOnly = false;
  else if (parts.length === 2) readOnly = false;
  else throw bad();
  const [host, guest] = parts;
  if (host === '' || !guest.startsWith('/')) throw bad();
  return { host, guest, readOnly };
}

/** Whether `p` is a directory, following symlinks (Rust's `Path::is_dir`). */
function isDir(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Parses the command line. Returns `{ help: true }` or
 * `{ stats, strace, memoryMiB, root, mounts, cwd, env, program, args }` (`memoryMiB` 0 = no
 * limit, `root` null = in-memory tree, `cwd` '' = /, `env` the `--env` entries);
 * throws UsageError on any mistake.
 */
export function parseArgs(argv) {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('missing command');
  if (command === '-h' || command === '--help' || command === 'help') return { help: true };
  if (command !== 'run') throw new UsageError(`unknown command '${command}'`);
  const opts = {
    stats: false,
    strace: false,
    memoryMiB: 0,
    root: null,
    mounts: [],
    cwd: '',
    env: [],
    program: null,
    args: [],
  };
  let i = 0;
  for (; i < rest.length; i++) {
    const s = rest[i];
    if (s === '--') {
      i += 1;
      break;
    }
    if (!s.startsWith('-') || s === '-') break;
    const eq = s.indexOf('=');
    const name = eq >= 0 ? s.slice(0, eq) : s;
    const inline = eq >= 0 ? s.slice(eq + 1) : null;
    const value = (what) => {
      if (inline !== null) return inline;
      i += 1;
      if (i >= rest.length) throw new UsageError(`option ${name} needs ${what}`);
      return rest[i];
    };
    if (name === '--stats' && inline === null) opts.stats = true;
    else if (name === '--strace' && inline === null) opts.strace = true;
    else if (name === '--tier') {
      const v = value('a tier');
      if (v !== 'interp') throw new UsageError(`unknown tier '${v}' (available: interp)`);
    } else if (name === '--memory') {
      const v = value('a size in MiB');
      // Same acceptance as Rust's u64::from_str: optional '+', decimal digits.
      const n = /^\+?[0-9]+$/.test(v) ? BigInt(v) : 0n;
      if (n < 1n || n > MAX_MEMORY_MIB) throw new UsageError(`invalid --memory value '${v}'`);
      opts.memoryMiB = Number(n);
    } else if (name === '--root') {
      const v = value('a directory');
      if (!isDir(v)) throw new UsageError(`--root ${v}: not a directory`);
      opts.root = v;
    } else if (name === '--mount') opts.mounts.push(parseMount(value('HOST:GUEST[:ro]')));
    else if (name === '--cwd') {
      const v = value('a directory');
      if (!v.startsWith('/')) throw new UsageError(`--cwd ${v}: not an absolute path`);
      opts.cwd = v;
    } else if (name === '--env') {
      const v = value('K=V');
      if (v.indexOf('=') < 1) throw new UsageError(`invalid --env '${v}' (want K=V)`);
      opts.env.push(v);
    } else if (name === '-h' || name === '--help') return { help: true };
    else throw new UsageError(`unknown option '${s}'`);
  }
  if (i >= rest.length) throw new UsageError('missing PROGRAM');
  opts.program = rest[i];
  opts.args = rest.slice(i + 1);
  return opts;
}

/** Linux errno number of a Node.js system error (EIO when unknown). */
function errnoOf(err) {
  const n = err && err.code && os.constants.errno[err.code];
  return typeof n === 'number' && n > 0 ? n : 5;
}

/**
 * Reads the program file like the native CLI: `{ bytes }`, or `{ status, errno }` / `{ status,
 * message }` (127 when it does not exist, 126 when it cannot be read or is a directory).
 */
export function readProgram(path) {
  let st;
  try {
    st = fs.statSync(path);
  } catch (err) {
    return { status: err && err.code === 'ENOENT' ? 127 : 126, errno: errnoOf(err) };
  }
  if (st.isDirectory()) return { status: 126, message: 'Is a directory' };
  try {
    return { bytes: fs.readFileSync(path) };
  } catch (err) {
    return { status: 126, errno: errnoOf(err) };
  }
}

/**
 * The guest environment as `NAME=value` strings: the host's, then the `--env` entries `extra`
 * (replacing an inherited variable of the same name), like the native CLI.
 */
export function guestEnv(extra = []) {
  const key = (e) => e.split('=', 1)[0];
  const overridden = new Set(extra.map(key));
  return Object.entries(process.env)
    .map(([k, v]) => `${k}=${v}`)
    .filter((e) => !overridden.has(key(e)))
    .concat(extra);
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
    errLine(`nanovm: ${err.message}\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (opts.help) {
    try {
      fs.writeSync(1, USAGE + '\n');
    } catch {
      // stdout closed: the help text had nowhere to go, like the native CLI.
    }
    return 0;
  }
  let glue;
  try {
    glue = await loadWasm();
  } catch (err) {
    errLine(`nanovm: ${err.message}`);
    return EXIT_INTERNAL;
  }
  const options = new glue.WasmOptions();
  options.setStrace(opts.strace);
  options.setMemoryLimit(opts.memoryMiB * 1024 * 1024);
  options.setExeName(opts.program);
  options.setCwd(opts.cwd);
  if (opts.root !== null) options.setRoot(opts.root);
  for (const m of opts.mounts) options.addMount(m.host, m.guest, m.readOnly);
  const host = new NodeHost();
  // A terminal on stdin and stdout: the guest gets a console (raw host terminal, console.mjs).
  const term = NodeConsole.open();
  if (term) {
    term.configure(options);
    term.wrapLog(host);
  }
  let elf;
  if (opts.root === null) {
    // The native CLI builds the file system before it reads the program: same error order.
    const fsError = opts.mounts.length > 0 || opts.cwd !== '' ? options.checkFs(host) : undefined;
    if (fsError !== undefined) {
      errLine(`nanovm: ${fsError}`);
      options.free();
      return EXIT_USAGE;
    }
    // With --root the program is a guest path, read by the runtime through the guest's tree.
    const file = readProgram(opts.program);
    if (file.status) {
      const message = file.message ?? glue.errnoMessage(file.errno);
      errLine(`nanovm: ${opts.program}: ${message}`);
      options.free();
      return file.status;
    }
    elf = file.bytes;
  }
  try {
    let vm;
    try {
      vm = glue.WasmVm.load(elf, [opts.program, ...opts.args], guestEnv(opts.env), options, host);
    } catch (err) {
      if (!(err instanceof glue.WasmLoadError)) throw err;
      errLine(err.aboutProgram ? `nanovm: ${opts.program}: ${err.message}` : `nanovm: ${err.message}`);
      return err.exitCode;
    } finally {
      options.free();
    }
    const start = process.hrtime.bigint();
    // Ctrl-C (SIGINT to this process, e.g. when stdin is a pipe) goes to the guest's
    // foreground process group, which may handle it; its default action ends the guest and
    // the CLI exits 130 like a shell. (With a console, Ctrl-C is a keystroke for the guest's
    // terminal instead: the host terminal is raw.)
    const onSigint = () => interruptGuest(vm, SIGINT);
    process.on('SIGINT', onSigint);
    if (term) term.attach(vm);
    let end;
    try {
      end = await runToEnd(vm, undefined, host, term);
    } finally {
      process.removeListener('SIGINT', onSigint);
      if (term) term.close();
    }
    if (opts.stats) {
      const secs = Number(process.hrtime.bigint() - start) / 1e9;
      const n = vm.instructions;
      const mips = secs > 0 ? n / secs / 1e6 : 0;
      errLine(
        `nanovm: instructions retired: ${n}, blocks built: ${vm.blocksBuilt}, ` +
          `block runs: ${vm.blockRuns}, syscalls: ${vm.syscalls}, ` +
          `time: ${secs.toFixed(3)} s, MIPS: ${mips.toFixed(1)}`,
      );
    }
    if (end.exited) return end.code;
    // Like a shell, say nothing about a SIGPIPE death (`prog | head`) or a SIGINT one (Ctrl-C).
    const quiet = end.signal === SIGPIPE || end.signal === SIGINT;
    const why = quiet ? undefined : vm.killInfo;
    if (why !== undefined) errLine(`nanovm: ${opts.program}: ${why}`);
    return 128 + end.signal;
  } catch (err) {
    const panic = glue.lastPanic();
    errLine(`nanovm: internal error: ${panic || (err && err.message) || err}`);
    return EXIT_INTERNAL;
  }
}
