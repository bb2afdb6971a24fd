#!/usr/bin/env bash
# run.sh - build and run the Linux personality C tests (tests/linux/src/*.c).
#
# Each program prints `ok NAME` / `FAIL NAME: detail` lines plus deterministic
# information lines, and exits 0 only if all its checks passed. A run passes
# when the program exits 0, prints no FAIL line, and its stdout equals the
# golden file tests/linux/expected/PROG.out byte for byte.
#
# Builds (incrementally) with riscv64-linux-gnu-gcc:
#   build/linux/static/PROG    -static
#   build/linux/dynamic/PROG   dynamically linked (needs the guest image's ld.so
#                              and libc at run time: scripts/build-image.sh)
#
# Usage: tests/linux/run.sh [options] [PROG...]
#   --emu "PREFIX"          run the static binaries as PREFIX /abs/path/PROG
#                           (default: qemu-riscv64)
#   --dynamic-emu "PREFIX"  also run the dynamic binaries with PREFIX
#                           (default: "qemu-riscv64 -L build/image" when no
#                           --emu is given and build/image exists; else none)
#   --no-dynamic            do not run the dynamic binaries
#   --exec-via-emu          tell the programs (env LT_EXEC_PREFIX) to execve
#                           themselves through the emulator prefix; needed by
#                           qemu-user, which cannot execve a RISC-V binary
#                           without binfmt_misc. Default: on when the prefix's
#                           first word is qemu-*, off otherwise.
#   --no-exec-via-emu       never set LT_EXEC_PREFIX (NanoVM execs by itself)
#   --gaps FILE             accept the FAIL lines of the checks listed in FILE
#                           (known emulator bugs; lines `PROG CHECK reason`) and
#                           compare them as `ok CHECK`. Default: qemu-gaps.txt
#                           when the prefix's first word is qemu-*, else none.
#   --no-gaps               accept no FAIL line at all
#   --bless                 rewrite expected/PROG.out from the static run
#                           (use the oracle, qemu-riscv64, only)
#   --build-only            build, run nothing
#   --host                  instead: build the programs for this machine with
#                           the host gcc (build/linux/host/) and run them on the
#                           host kernel, compared with the golden files less the
#                           RISC-V-instruction checks: shows that the oracle's
#                           answers (and the qemu gaps' expectations) are Linux's
#   --timeout SECONDS       per program run (default 60)
#   PROG...                 only these programs (default: all in src/)
# Prints one line per run and a final line exactly `N passed, M failed`;
# exits non-zero on any failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
src=$here/src
expected=$here/expected
out=$root/build/linux
cc=${CC_RISCV:-riscv64-linux-gnu-gcc}
cflags=(-O2 -g0 -Wall -Wextra -Werror -pthread)

usage() { sed -n '/^# Usage:/,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

emu=""
emu_given=0
dyn_emu=""
dyn_given=0
no_dynamic=0
exec_via=auto
gaps=auto
bless=0
build_only=0
host=0
# Checks that need RISC-V instructions: not built for --host.
riscv_only='^ok (sigill-illopc|sigbus-misaligned-amo|sigreturn-edited-context)$'
timeout_s=60
progs=()
while [ $# -gt 0 ]; do
    case "$1" in
    --emu)
        emu=$2
        emu_given=1
        shift 2
        ;;
    --dynamic-emu)
        dyn_emu=$2
        dyn_given=1
        shift 2
        ;;
    --no-dynamic)
        no_dynamic=1
        shift
        ;;
    --exec-via-emu)
        exec_via=yes
        shift
        ;;
    --no-exec-via-emu)
        exec_via=no
        shift
        ;;
    --gaps)
        gaps=$2
        shift 2
        ;;
    --no-gaps)
        gaps=none
        shift
        ;;
    --bless)
        bless=1
        shift
        ;;
    --host)
        host=1
        shift
        ;;
    --build-only)
        build_only=1
        shift
        ;;
    --timeout)
        timeout_s=$2
        shift 2
        ;;
    -h | --help)
        usage
        exit 0
        ;;
    -*)
        echo "run.sh: unknown option '$1' (try --help)" >&2
        exit 2
        ;;
    *)
        progs+=("$1")
        shift
        ;;
    esac
done

if [ ${#progs[@]} -eq 0 ]; then
    for f in "$src"/*.c; do
        progs+=("$(basename "$f" .c)")
    done
fi
if [ $emu_given = 0 ]; then
    emu=qemu-riscv64
    if [ $dyn_given = 0 ] && [ $no_dynamic = 0 ]; then
        if [ -d "$root/build/image" ]; then
            dyn_emu="qemu-riscv64 -L $root/build/image"
        else
            echo "run.sh: no build/image (scripts/build-image.sh): dynamic binaries not run" >&2
        fi
    fi
fi
[ $no_dynamic = 1 ] && dyn_emu=""

command -v "$cc" >/dev/null || {
    echo "run.sh: '$cc' not found" >&2
    exit 2
}

# --- Build ------------------------------------------------------------------
kinds=(static dynamic)
if [ $host = 1 ]; then
    kinds=(host)
    cc=${CC_HOST:-gcc}
    emu=""
    dyn_emu=""
    gaps=none
    exec_via=no
fi
mkdir -p "$out/static" "$out/dynamic" "$out/host"
build_fail=0
for p in "${progs[@]}"; do
    [ -f "$src/$p.c" ] || {
        echo "run.sh: no such test program: $src/$p.c" >&2
        exit 2
    }
    for kind in "${kinds[@]}"; do
        bin=$out/$kind/$p
        if [ -x "$bin" ] && [ "$bin" -nt "$src/$p.c" ] && [ "$bin" -nt "$src/lt.h" ] &&
            [ "$bin" -nt "$0" ]; then
            continue
        fi
        extra=()
        [ "$kind" = static ] && extra=(-static)
        if ! "$cc" "${cflags[@]}" "${extra[@]}" -o "$bin" "$src/$p.c"; then
            echo "run.sh: build of $kind/$p failed" >&2
            rm -f "$bin"
            build_fail=1
        fi
    done
done
[ $build_fail = 0 ] || {
    echo "0 passed, 1 failed"
    exit 1
}
[ $build_only = 1 ] && {
    echo "run.sh: built ${#progs[@]} programs into $out/{$(
        IFS=,
        echo "${kinds[*]}"
    )}"
    exit 0
}
[ $host = 1 ] && [ $bless = 1 ] && {
    echo "run.sh: --bless needs the oracle, not --host" >&2
    exit 2
}

# --- Run --------------------------------------------------------------------
# The first word of a prefix, made absolute so a guest execve finds it.
abs_prefix() {
    local first rest
    read -r first rest <<<"$1"
    first=$(command -v "$first" || echo "$first")
    echo "$first${rest:+ $rest}"
}
is_qemu() {
    local first
    read -r first _ <<<"$1"
    case $(basename "$first") in qemu-*) return 0 ;; esac
    return 1
}
wants_exec_via() {
    case $exec_via in
    yes) return 0 ;;
    no) return 1 ;;
    esac
    is_qemu "$1"
}
# The known-gap checks of program $2 for prefix $1, one per line.
gap_checks() {
    local file=$gaps
    if [ "$file" = auto ]; then
        is_qemu "$1" || return 0
        file=$here/qemu-gaps.txt
    fi
    [ "$file" = none ] && return 0
    [ -f "$file" ] || {
        echo "run.sh: gaps file $file not found" >&2
        exit 2
    }
    awk -v p="$2" '$1 == p && $1 !~ /^#/ { print $2 }' "$file"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# run_one KIND PROG PREFIX
run_one() {
    local kind=$1 p=$2 prefix=$3 bin=$out/$1/$2 rc=0 why=""
    local -a cmd
    read -r -a cmd <<<"$(abs_prefix "$prefix")"
    local envs=(env -u LT_EXEC_PREFIX)
    if wants_exec_via "$prefix"; then
        envs=(env "LT_EXEC_PREFIX=$(abs_prefix "$prefix")")
    fi
    local start end
    start=$(date +%s%N)
    (cd "$tmp" && "${envs[@]}" timeout -k 5 "$timeout_s" "${cmd[@]}" "$bin" \
        >"$tmp/$kind-$p.out" 2>"$tmp/$kind-$p.err" </dev/null) || rc=$?
    end=$(date +%s%N)
    local ms=$(((end - start) / 1000000))
    # Known emulator gaps: their FAIL lines count as `ok` (and the exit status
    # 1 they cause is accepted when no other check failed).
    local g note="" ngap=0
    for g in $(gap_checks "$prefix" "$p"); do
        if grep -q "^FAIL $g: " "$tmp/$kind-$p.out"; then
            sed -i "s/^FAIL $g: .*/ok $g/" "$tmp/$kind-$p.out"
            ngap=$((ngap + 1))
            note="$note $g"
        else
            note="$note $g(no longer fails!)"
        fi
    done
    if [ $ngap -gt 0 ] && [ $rc = 1 ] && ! grep -q '^FAIL' "$tmp/$kind-$p.out"; then
        rc=0
    fi
    [ -n "$note" ] && note=", known gaps:$note"
    if [ $rc = 124 ] || [ $rc = 137 ]; then
        why="timed out after ${timeout_s}s"
    elif [ $rc != 0 ]; then
        why="exit status $rc"
    fi
    if grep -q '^FAIL' "$tmp/$kind-$p.out"; then
        why="${why:+$why; }$(grep -c '^FAIL' "$tmp/$kind-$p.out") FAIL line(s)"
    fi
    if [ $bless = 1 ] && [ "$kind" = static ] && [ -z "$why" ]; then
        cp "$tmp/$kind-$p.out" "$expected/$p.out"
        echo "blessed expected/$p.out"
    fi
    # The golden output this run must match (less the RISC-V-only checks on --host).
    local want=$expected/$p.out
    if [ "$kind" = host ] && [ -f "$want" ]; then
        want=$tmp/host-$p.want
        grep -Ev "$riscv_only" "$expected/$p.out" >"$want" || true
    fi
    if [ ! -f "$want" ]; then
        why="${why:+$why; }no golden file expected/$p.out (run with --bless under the oracle)"
    elif ! cmp -s "$tmp/$kind-$p.out" "$want"; then
        why="${why:+$why; }stdout differs from expected/$p.out"
    fi
    if [ -z "$why" ]; then
        echo "PASS $kind/$p (${ms} ms$note)"
        passed=$((passed + 1))
    else
        echo "FAIL $kind/$p: $why"
        grep '^FAIL' "$tmp/$kind-$p.out" | sed 's/^/    /' | head -n 20 || true
        if [ -f "$want" ]; then
            diff "$want" "$tmp/$kind-$p.out" | sed 's/^/    /' | head -n 20 || true
        fi
        sed 's/^/    stderr: /' "$tmp/$kind-$p.err" | head -n 10
        failed=$((failed + 1))
    fi
}

mkdir -p "$expected"
for p in "${progs[@]}"; do
    run_one "${kinds[0]}" "$p" "$emu"
done
if [ -n "$dyn_emu" ]; then
    for p in "${progs[@]}"; do
        run_one dynamic "$p" "$dyn_emu"
    done
fi
echo "$passed passed, $failed failed"
[ $failed = 0 ]
