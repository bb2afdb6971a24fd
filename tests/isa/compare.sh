#!/bin/sh
# Runs the ISA suite against any NanoVM command line, e.g. the wasm build under node:
#   tests/isa/compare.sh node js/bin/nanovm.mjs run --
#   tests/isa/compare.sh target/release/nanovm run --
# Each program is built, run under qemu-riscv64 and under the given command, and the exit
# status (128 + signal for fatal signals) and stdout must match byte for byte. Prints one
# line per program and the first differing lines on a mismatch; exits 1 if any differ.
# (runtime/tests/isa.rs does the same through the Rust API; this covers the CLIs.)
set -u
if [ $# -eq 0 ]; then
    echo "usage: $0 RUNNER... (the program path is appended)" >&2
    exit 2
fi
d=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ulimit -c 0
fail=0

run_case() { # label binary args...
    label=$1
    shift
    qemu-riscv64 "$@" >"$work/expected" 2>/dev/null
    qs=$?
    "$RUNNER_SH" "$@" >"$work/actual" 2>"$work/stderr"
    ns=$?
    if [ "$qs" = "$ns" ] && cmp -s "$work/expected" "$work/actual"; then
        echo "ok    $label ($(wc -l <"$work/expected") lines, status $qs)"
    else
        echo "FAIL  $label: status qemu $qs, nanovm $ns"
        diff "$work/expected" "$work/actual" | head -8 | sed 's/^/      /'
        tail -3 "$work/stderr" | sed 's/^/      stderr: /'
        fail=1
    fi
}

# the runner as one executable so "$@" can be appended
RUNNER_SH="$work/runner"
{
    echo '#!/bin/sh'
    printf 'exec'
    for a in "$@"; do printf " '%s'" "$a"; done
    echo ' "$@"'
} >"$RUNNER_SH"
chmod +x "$RUNNER_SH"

for src in rv64i.S rv64m.S rv64a.S rv64f.S rv64d.S rv64c.S zicsr.S misaligned.S regs.S \
    control.c selfmod.c traps.S; do
    bin="$work/${src%.*}"
    if ! "$d/build.sh" "$d/$src" "$bin"; then
        echo "FAIL  $src: does not build"
        fail=1
        continue
    fi
    if [ "$src" = traps.S ]; then
        for c in e c z u h m r d l w x a s L A f; do
            run_case "traps.S $c" "$bin" "$c"
        done
    else
        run_case "$src" "$bin"
    fi
done
exit $fail
