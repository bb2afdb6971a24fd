// Times the interpreter compiled to wasm in Node.
//   cargo build --release --example interp_bench --target wasm32-unknown-unknown
//   node examples/interp_bench.mjs [MILLIONS]
// The wasm exports `bench_alu(millions)` and `bench_sieve(reps)` (see
// interp_bench.rs), each returning the guest instructions retired.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const path = fileURLToPath(new URL('../target/wasm32-unknown-unknown/release/examples/interp_bench.wasm', import.meta.url));
const { instance } = await WebAssembly.instantiate(readFileSync(path), {});
const { bench_alu, bench_sieve } = instance.exports;
const millions = Number(process.argv[2] ?? 400);

// CPU time (user + system) as well as wall time: the figure that matters on
// a shared machine is instructions per CPU second.
function time(name, f) {
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  const n = Number(f());
  const w = Number(process.hrtime.bigint() - t) / 1e9;
  const u = process.cpuUsage(c);
  const cpu = (u.user + u.system) / 1e6;
  console.log(`${name}: ${(n / 1e6).toFixed(0).padStart(6)} M instructions, cpu ${cpu.toFixed(3)} s = ${(n / cpu / 1e6).toFixed(0)} MIPS (wall ${w.toFixed(3)} s = ${(n / w / 1e6).toFixed(0)} MIPS) [wasm]`);
}
time('alu  ', () => bench_alu(millions));
time('sieve', () => bench_sieve(20));
