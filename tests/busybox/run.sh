#!/usr/bin/env bash
# run.sh - the BusyBox scenario suite: run each scenario under two emulators
# and compare them byte for byte, and with the committed golden output.
#
# Usage: tests/busybox/run.sh --expect "EMU_A" --actual "EMU_B" [--image DIR]
#                             [--bless] [--timeout SECS] [-j N] [-v] [--times FILE]
#                             [SCENARIO...]
#   EMU_A, EMU_B  command prefixes; a scenario runs as `$EMU /bin/sh /scenarios/NAME.sh`,
#                 with the guest paths resolved in the image, e.g.
#                 "tests/busybox/qemu-guest.sh" (qemu-riscv64, the oracle) or
#                 "node js/bin/nanovm.mjs run --root build/image --"
#   --image DIR   the guest root (default build/image); exported as BB_IMAGE
#   --bless       write the oracle's (EMU_A's) results as the golden files
#                 (not for a scenario that printed nothing: that one fails)
#   --timeout S   kill a scenario run after S seconds (default 120; status 124)
#   -j N          run N scenarios at a time (default 1)
#   -v            also print the scenarios that pass
#   --times FILE  append a line `NAME expect|actual SECONDS` per run (wall clock of
#                 the emulator command; bench/run.mjs uses it with -j 1)
#   SCENARIO      names (default: every tests/busybox/scenarios/*.sh but lib.sh)
#
# Per scenario: the scenarios are copied into IMAGE/scenarios/; for each emulator
# a fresh scratch directory IMAGE/tmp/bbtest-NAME (guest /tmp/bbtest-NAME) is
# made, holding a marker file .bbtest, and the emulator is started (from the
# current directory) with a minimal environment: PATH and BB_IMAGE. The
# scenario's prologue (scenarios/lib.sh) changes to /tmp/bbtest-NAME itself. Its stdout, stderr and exit status are compared between
# the two emulators (unified diff on mismatch), and with the golden files
# tests/busybox/expected/NAME.{out,err,status} (so a scenario that prints the
# wrong thing fails even when both emulators agree). Prints "N passed, M failed"
# last; exits 1 if any scenario failed, 2 on a usage error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
expect="" actual="" image=$repo/build/image bless=0 verbose=0 limit=120 jobs=1 times=
names=()
usage() { sed -n '/^# Usage:/,/^# last;/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
    case "$1" in
    --expect) expect=${2:?}; shift 2 ;;
    --actual) actual=${2:?}; shift 2 ;;
    --image) image=${2:?}; shift 2 ;;
    --bless) bless=1; shift ;;
    --timeout) limit=${2:?}; shift 2 ;;
    -j) jobs=${2:?}; shift 2 ;;
    -v) verbose=1; shift ;;
    --times) times=${2:?}; shift 2 ;;
    -h | --help) usage ;;
    -*) echo "run.sh: unknown option $1" >&2; usage ;;
    *) names+=("${1%.sh}"); shift ;;
    esac
done
[ -n "$expect" ] && [ -n "$actual" ] || usage
[ -x "$image/bin/sh" ] || [ -L "$image/bin/sh" ] || {
    echo "run.sh: no guest image at $image (run scripts/build-image.sh)" >&2
    exit 2
}
image=$(cd "$image" && pwd)
export BB_IMAGE=$image
if [ ${#names[@]} -eq 0 ]; then
    for f in "$here"/scenarios/*.sh; do
        n=$(basename "$f" .sh)
        [ "$n" = lib ] || names+=("$n")
    done
fi
for n in "${names[@]}"; do
    [ -f "$here/scenarios/$n.sh" ] || { echo "run.sh: no scenario $n" >&2; exit 2; }
done

rm -rf "$image/scenarios"
cp -R "$here/scenarios" "$image/scenarios"
out=$(mktemp -d "${TMPDIR:-/tmp}/bbsuite.XXXXXX")
trap 'rm -rf "$out" "$image/scenarios" "$image"/tmp/bbtest-*' EXIT

# run_one EMU NAME DEST: run scenario NAME under the command prefix EMU,
# leaving DEST.out, DEST.err and DEST.status.
run_one() {
    local emu=$1 name=$2 dest=$3 scratch=$image/tmp/bbtest-$2 status=0 t0 t1
    rm -rf "$scratch"
    mkdir -p "$scratch"
    : >"$scratch/.bbtest"
    t0=$(date +%s%N)
    # shellcheck disable=SC2086 # EMU is a command prefix: split it
    timeout -k 5 "$limit" env -i PATH="$PATH" BB_IMAGE="$image" $emu /bin/sh "/scenarios/$name.sh" \
        </dev/null >"$dest.out" 2>"$dest.err" || status=$?
    t1=$(date +%s%N)
    echo "$status" >"$dest.status"
    if [ -n "$times" ]; then
        echo "$name $(basename "$(dirname "$dest")") $(((t1 - t0) / 1000000))e-3" >>"$times"
    fi
    rm -rf "$scratch"
}

# same LABEL A B: compare two files, print a unified diff if they differ.
same() {
    if cmp -s "$2" "$3"; then return 0; fi
    diff -u --label "$1 ($(basename "$(dirname "$2")"))" --label "$1 ($(basename "$(dirname "$3")"))" \
        "$2" "$3" | head -n 80 || true
    return 1
}

# scenario NAME: run NAME under both emulators and judge it; writes
# $out/NAME.report (diffs) and $out/NAME.ok (1 or 0).
scenario() {
    local n=$1 ok=1 k side
    run_one "$expect" "$n" "$out/expect/$n"
    run_one "$actual" "$n" "$out/actual/$n"
    if [ "$bless" = 1 ]; then
        if [ -s "$out/expect/$n.out" ]; then
            for k in out err status; do cp "$out/expect/$n.$k" "$here/expected/$n.$k"; done
        else
            echo "--- $n: not blessed: it printed nothing on stdout (stderr: $(head -c 300 "$out/expect/$n.err"))"
            ok=0
        fi
    fi
    for side in expect actual; do
        [ -s "$out/$side/$n.out" ] || { echo "--- $n: $side printed nothing on stdout"; ok=0; }
    done
    for k in out err status; do
        same "$n.$k: expect vs actual" "$out/expect/$n.$k" "$out/actual/$n.$k" || ok=0
    done
    for k in out err status; do
        if [ -f "$here/expected/$n.$k" ]; then
            same "$n.$k: golden vs actual" "$here/expected/$n.$k" "$out/actual/$n.$k" || ok=0
        else
            echo "--- $n.$k: no golden file tests/busybox/expected/$n.$k (run with --bless)"
            ok=0
        fi
    done >>"$out/$n.report"
    echo "$ok" >"$out/$n.ok"
}

mkdir -p "$out/expect" "$out/actual" "$here/expected"
running=0
for n in "${names[@]}"; do
    : >"$out/$n.report"
    if [ "$jobs" -le 1 ]; then
        scenario "$n" >>"$out/$n.report"
    else
        if [ "$running" -ge "$jobs" ]; then
            wait -n
            running=$((running - 1))
        fi
        scenario "$n" >>"$out/$n.report" &
        running=$((running + 1))
    fi
done
wait
passed=0 failed=0
for n in "${names[@]}"; do
    if [ "$(cat "$out/$n.ok" 2>/dev/null)" = 1 ]; then
        passed=$((passed + 1))
        [ "$verbose" = 0 ] || echo "PASS $n"
    else
        failed=$((failed + 1))
        echo "FAIL $n"
        cat "$out/$n.report"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
