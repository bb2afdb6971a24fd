#!/usr/bin/env node
// NanoVM benchmark harness: runs each guest program under NanoVM's interpreter in wasm on Node
// (the product), NanoVM's native build (to show what wasm costs), qemu-riscv64 and the same C
// program built for the host, all in one run, and prints a Markdown table of medians.
//
// Usage: node bench/run.mjs [--runs N] [--only NAME[,NAME]] [--no-personality] [--no-busybox]
//                           [--out FILE]
// MIPS = guest instructions retired (from `--stats`) / wall-clock seconds of the whole command
// (process start, wasm instantiation and guest run), so the figure is what a user waits for.
// "run MIPS" divides by the guest run alone (`--stats`' time: from the program's load to its
// exit, without Node's start-up and the module's compilation): the interpreter's own speed.

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const progDir = join(root, 'bench', 'programs');
const outDir = join(root, 'build', 'bench');
const PROGRAMS = ['sieve', 'sha256', 'fpkernel'];

function usage(msg) {
  process.stderr.write(`bench: ${msg}\nusage: node bench/run.mjs [--runs N] [--only a,b] [--no-personality] [--no-busybox] [--out FILE]\n`);
  process.exit(2);
}

const opts = { runs: 5, only: PROGRAMS, out: null, personality: true, busybox: true };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`));
  if (a === '--runs') {
    opts.runs = Number.parseInt(val(), 10);
    if (!(opts.runs > 0)) usage('--runs must be a positive integer');
  } else if (a === '--only') {
    opts.only = val().split(',');
    for (const p of opts.only) if (!PROGRAMS.includes(p)) usage(`unknown program ${p}`);
  } else if (a === '--out') opts.out = val();
  else if (a === '--no-personality') opts.personality = false;
  else if (a === '--no-busybox') opts.busybox = false;
  else usage(`unknown option ${a}`);
}

function run(cmd, args, { check = true } = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (check && r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  }
  return { secs, stdout: r.stdout, stderr: r.stderr };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function build(name) {
  mkdirSync(outDir, { recursive: true });
  const src = join(progDir, `${name}.c`);
  const rv = join(outDir, `${name}.rv64`);
  const host = join(outDir, `${name}.host`);
  run('riscv64-linux-gnu-gcc', ['-O2', '-static', '-o', rv, src, '-lm']);
  run('cc', ['-O2', '-o', host, src, '-lm']);
  return { rv, host };
}

/** The guest run's seconds from `--stats` (`time: S s`). */
function runSeconds(stderr) {
  const m = /time: ([0-9.]+) s/.exec(stderr);
  if (!m) throw new Error(`no run time in --stats output:\n${stderr}`);
  return Number(m[1]);
}

function instructions(stderr) {
  const m = /instructions[^0-9]*([0-9][0-9_,]*)/i.exec(stderr);
  if (!m) throw new Error(`no instruction count in --stats output:\n${stderr}`);
  return Number(m[1].replace(/[_,]/g, ''));
}

const nanovmJs = join(root, 'js', 'bin', 'nanovm.mjs');
const nanovmNative = join(root, 'target', 'release', 'nanovm');
for (const f of [nanovmJs, nanovmNative, join(root, 'js', 'pkg')]) {
  if (!existsSync(f)) {
    process.stderr.write(`bench: ${f} is missing; run \`make build\` first\n`);
    process.exit(1);
  }
}

const rows = [];
for (const name of opts.only) {
  const { rv, host } = build(name);
  const expected = run(host, []).stdout;
  const t = { wasm: [], wasmRun: [], native: [], nativeRun: [], qemu: [], host: [] };
  let insns = 0;
  for (let i = 0; i < opts.runs; i++) {
    const w = run('node', [nanovmJs, 'run', '--stats', '--', rv]);
    if (w.stdout !== expected) throw new Error(`${name}: NanoVM (wasm) output differs from native`);
    insns = instructions(w.stderr);
    t.wasm.push(w.secs);
    t.wasmRun.push(runSeconds(w.stderr));
    const n = run(nanovmNative, ['run', '--stats', '--', rv]);
    if (n.stdout !== expected) throw new Error(`${name}: NanoVM (native) output differs`);
    t.native.push(n.secs);
    t.nativeRun.push(runSeconds(n.stderr));
    const q = run('qemu-riscv64', [rv]);
    if (q.stdout !== expected) throw new Error(`${name}: qemu output differs from native`);
    t.qemu.push(q.secs);
    t.host.push(run(host, []).secs);
  }
  const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  rows.push({ name, insns, ...m });
  process.stderr.write(`${name}: ${(insns / 1e6).toFixed(0)} M insns, wasm ${m.wasm.toFixed(3)} s\n`);
}

// The Linux personality's own costs: bench/programs/syscalls.c times itself (ns per operation,
// guest CLOCK_MONOTONIC = the host's monotonic clock under every runner), and `sh -c true`
// start-up is timed from outside (static BusyBox from build/image, when `make image` ran).
const personality = [];
if (opts.personality) {
  mkdirSync(outDir, { recursive: true });
  const src = join(progDir, 'syscalls.c');
  const rv = join(outDir, 'syscalls.rv64');
  const host = join(outDir, 'syscalls.host');
  run('riscv64-linux-gnu-gcc', ['-O2', '-static', '-o', rv, src]);
  run('cc', ['-O2', '-o', host, src]);
  const parse = (out) =>
    Object.fromEntries(out.trim().split('\n').map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]));
  const runners = {
    wasm: () => run('node', [nanovmJs, 'run', '--', rv]),
    native: () => run(nanovmNative, ['run', '--', rv]),
    qemu: () => run('qemu-riscv64', [rv]),
    host: () => run(host, []),
  };
  const samples = {};
  for (let i = 0; i < opts.runs; i++) {
    for (const [k, f] of Object.entries(runners)) {
      for (const [op, ns] of Object.entries(parse(f().stdout))) {
        ((samples[op] ??= {})[k] ??= []).push(ns);
      }
    }
  }
  for (const [op, byRunner] of Object.entries(samples)) {
    personality.push({ op, ...Object.fromEntries(Object.entries(byRunner).map(([k, v]) => [k, median(v)])) });
  }
  const bb = join(root, 'build', 'image', 'bin', 'busybox');
  if (existsSync(bb)) {
    const t = { wasm: [], native: [], qemu: [] };
    const image = join(root, 'build', 'image');
    for (let i = 0; i < opts.runs; i++) {
      t.wasm.push(run('node', [nanovmJs, 'run', '--root', image, '--', '/bin/sh', '-c', 'true']).secs);
      t.native.push(run(nanovmNative, ['run', '--root', image, '--', '/bin/sh', '-c', 'true']).secs);
      t.qemu.push(run('qemu-riscv64', [bb, 'sh', '-c', 'true']).secs);
    }
    personality.push({
      op: 'sh -c true (wall)',
      wasm: median(t.wasm) * 1e9,
      native: median(t.native) * 1e9,
      qemu: median(t.qemu) * 1e9,
      host: NaN,
    });
  }
}

// The BusyBox scenario suite as a workload (tests/busybox, `make image` needed): each scenario's
// wall time under qemu-riscv64 (the suite's namespace wrapper, tests/busybox/qemu-guest.sh) and
// under NanoVM, from the suite runner's own runs (`--times`), which also checks the outputs.
// The qemu side includes its per-run namespace and overlay set-up (tens of milliseconds).
const busybox = [];
if (opts.busybox && existsSync(join(root, 'build', 'image', 'bin', 'busybox'))) {
  const suite = join(root, 'tests', 'busybox', 'run.sh');
  const qemu = join(root, 'tests', 'busybox', 'qemu-guest.sh');
  const image = join(root, 'build', 'image');
  const times = {};
  for (let i = 0; i < opts.runs; i++) {
    for (const [k, prefix] of [
      ['wasm', `node ${nanovmJs} run --root ${image} --`],
      ['native', `${nanovmNative} run --root ${image} --`],
    ]) {
      const file = join(outDir, `busybox-times-${k}.txt`);
      mkdirSync(outDir, { recursive: true });
      writeFileSync(file, '');
      run(suite, ['-j', '1', '--times', file, '--expect', qemu, '--actual', prefix]);
      for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
        const [name, side, secs] = line.split(' ');
        const who = side === 'expect' ? 'qemu' : k;
        ((times[name] ??= {})[who] ??= []).push(Number(secs));
      }
    }
  }
  for (const [name, t] of Object.entries(times)) {
    busybox.push({ name, ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])) });
  }
  process.stderr.write(`busybox scenarios: ${busybox.length}\n`);
}

const wasmSize = (() => {
  const p = join(root, 'js', 'pkg', 'nanovm_bg.wasm');
  return existsSync(p) ? statSync(p).size : NaN;
})();
const f2 = (x) => x.toFixed(2);
const lines = [
  `| program | guest insns | NanoVM wasm s | MIPS (wasm) | run MIPS (wasm) | NanoVM native s | MIPS (native) | run MIPS (native) | qemu-user s | host s | wasm / qemu | wasm / host |`,
  `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ...rows.map((r) =>
    `| ${r.name} | ${(r.insns / 1e6).toFixed(1)} M | ${r.wasm.toFixed(3)} | ${(r.insns / r.wasm / 1e6).toFixed(0)} | ` +
    `${(r.insns / r.wasmRun / 1e6).toFixed(0)} | ` +
    `${r.native.toFixed(3)} | ${(r.insns / r.native / 1e6).toFixed(0)} | ${(r.insns / r.nativeRun / 1e6).toFixed(0)} | ` +
    `${r.qemu.toFixed(3)} | ${r.host.toFixed(3)} | ${f2(r.wasm / r.qemu)}x | ${f2(r.wasm / r.host)}x |`),
  '',
  `Median of ${opts.runs} runs each; nanovm_bg.wasm: ${(wasmSize / 1024).toFixed(0)} KiB.`,
];
if (personality.length) {
  const fmt = (ns) => (Number.isNaN(ns) || ns === undefined ? '–' : ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);
  lines.push(
    '',
    '| personality (per op) | NanoVM wasm | NanoVM native | qemu-user | host | wasm / qemu |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...personality.map((r) => `| ${r.op} | ${fmt(r.wasm)} | ${fmt(r.native)} | ${fmt(r.qemu)} | ${fmt(r.host)} | ${f2(r.wasm / r.qemu)}x |`),
  );
}
if (busybox.length) {
  const sum = (k) => busybox.reduce((a, r) => a + r[k], 0);
  lines.push(
    '',
    '| BusyBox scenario (wall s) | NanoVM wasm | NanoVM native | qemu-user | wasm / qemu | native / qemu |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...busybox.map((r) => `| ${r.name} | ${r.wasm.toFixed(2)} | ${r.native.toFixed(2)} | ${r.qemu.toFixed(2)} | ${f2(r.wasm / r.qemu)}x | ${f2(r.native / r.qemu)}x |`),
    `| all ${busybox.length} | ${sum('wasm').toFixed(2)} | ${sum('native').toFixed(2)} | ${sum('qemu').toFixed(2)} | ${f2(sum('wasm') / sum('qemu'))}x | ${f2(sum('native') / sum('qemu'))}x |`,
  );
}
const text = lines.join('\n') + '\n';
process.stdout.write(text);
if (opts.out) writeFileSync(opts.out, text);
