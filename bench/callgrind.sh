#!/bin/bash
# Host instructions per guest instruction of the interpreter in wasm, counted by callgrind: a
# deterministic measure on a noisy machine, for comparing two builds of the hot paths.
#
# Usage: bench/callgrind.sh [MODULE.wasm]   (default: the built js/pkg/nanovm_bg.wasm)
#
# For sieve, sha256 and fpkernel (bench/programs, built by `node bench/run.mjs`): the host
# instructions of Node running the guest (`--no-liftoff`: V8's optimizing tier only) at two run
# lengths, divided by the difference in guest instructions retired, so that start-up and
# compilation cancel out. For the BusyBox workload (a shell pipeline of sort, md5sum, awk, gzip,
# sha1sum, sed and grep over build/image, `make image`): total host instructions and guest
# instructions retired. A MODULE other than the built one is swapped into js/pkg for the run and
# the built one put back.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 2; }
pkg=js/pkg/nanovm_bg.wasm
if [ $# -ge 1 ]; then
  [ -f "$1" ] || { echo "callgrind.sh: no such module: $1" >&2; exit 2; }
  saved=$(mktemp)
  cp "$pkg" "$saved"
  trap 'cp "$saved" "$pkg"; rm -f "$saved"' EXIT
  cp "$1" "$pkg"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -n "${saved:-}" ] && cp "$saved" "$pkg" && rm -f "$saved"' EXIT

# count ARGS...: prints "host-instructions guest-instructions" for one run under callgrind.
count() {
  valgrind --tool=callgrind --callgrind-out-file="$tmp/out" \
    node --no-liftoff js/bin/nanovm.mjs run --stats "$@" >/dev/null 2>"$tmp/err"
  local host guest
  host=$(grep -o 'Collected : [0-9]*' "$tmp/err" | awk '{print $3}')
  guest=$(grep -o 'instructions retired: [0-9]*' "$tmp/err" | awk '{print $3}')
  echo "$host $guest"
}

for spec in "sieve 1 3" "sha256 10 30" "fpkernel 1 3"; do
  set -- $spec
  prog=build/bench/$1.rv64
  [ -f "$prog" ] || { echo "callgrind.sh: $prog missing: run node bench/run.mjs first" >&2; exit 2; }
  read -r h1 g1 < <(count -- "$prog" "$2")
  read -r h2 g2 < <(count -- "$prog" "$3")
  awk -v p="$1" -v h1="$h1" -v h2="$h2" -v g1="$g1" -v g2="$g2" \
    'BEGIN { printf "%-9s %.2f host instructions per guest instruction\n", p, (h2 - h1) / (g2 - g1) }'
done

if [ -x build/image/bin/sh ]; then
  read -r h g < <(count --root build/image -- /bin/sh -c \
    'seq 1 20000 | sort -r | md5sum; awk "BEGIN{s=0; for(i=0;i<30000;i++) s+=i*i; print s}"; seq 1 20000 > /tmp/f; gzip -c /tmp/f | gzip -d | md5sum; sha1sum /tmp/f; sed s/1/x/g /tmp/f | grep -c x')
  awk -v h="$h" -v g="$g" \
    'BEGIN { printf "busybox   %.2f G host instructions in all, %.0f M guest instructions\n", h / 1e9, g / 1e6 }'
else
  echo "busybox   skipped: build/image missing (make image)"
fi
