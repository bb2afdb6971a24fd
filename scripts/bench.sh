#!/usr/bin/env bash
# Times guest programs under the native CLI, the wasm CLI (Node.js) and qemu-riscv64.
# Programs: bench/programs/*.c (else js/test/guest/compute.c).
# Each line: program, runner, wall seconds, and the CLI's --stats line (instructions, MIPS).
# Run via `make bench` (which builds first).
set -euo pipefail

cd "$(dirname "$0")/.."
CC=${RISCV_CC:-riscv64-linux-gnu-gcc}
NATIVE=target/release/nanovm
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

shopt -s nullglob
sources=(bench/programs/*.c)
[ ${#sources[@]} -gt 0 ] || sources=(js/test/guest/compute.c)

# Prints the wall time of "$@" in seconds; stdout is discarded, stderr kept in $out/err.
wall() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>"$out/err" </dev/null || { echo "failed: $*" >&2; cat "$out/err" >&2; return 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
}

printf '%-16s %-8s %9s  %s\n' program runner seconds stats
for src in "${sources[@]}"; do
  name=$(basename "$src" .c)
  "$CC" -O2 -static -o "$out/$name" "$src" -lm
  for runner in native wasm qemu; do
    case $runner in
      native) cmd=("$NATIVE" run --stats -- "$out/$name") ;;
      wasm) cmd=(node js/bin/nanovm.mjs run --stats -- "$out/$name") ;;
      qemu) cmd=(qemu-riscv64 "$out/$name") ;;
    esac
    secs=$(wall "${cmd[@]}")
    stats=$(sed -n '/MIPS/p' "$out/err" | tail -n 1)
    printf '%-16s %-8s %9.3f  %s\n' "$name" "$runner" "$secs" "$stats"
  done
done
