#!/usr/bin/env bash
# selftest.sh - check that tests/busybox/run.sh really fails when it should:
#   1. an "actual" emulator that cannot run the guest (the qemu wrapper with a
#      missing image) must give a FAIL with diffs, "0 passed, 1 failed" as the
#      last line and exit status 1;
#   2. an unknown scenario name is a usage error (exit 2);
#   3. the real oracle against itself passes one scenario ("1 passed, 0 failed").
# Usage: tests/busybox/selftest.sh   (needs build/image and qemu-riscv64)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
run=$here/run.sh
qemu=$here/qemu-guest.sh
fails=0
fail() { echo "selftest FAIL: $*"; fails=$((fails + 1)); }

status=0
log=$("$run" --expect "$qemu" --actual "env BB_IMAGE=/nonexistent $qemu" shell_basics 2>&1) || status=$?
[ "$status" = 1 ] || fail "broken emulator: exit status $status, expected 1"
[ "$(echo "$log" | tail -n 1)" = "0 passed, 1 failed" ] || fail "broken emulator: last line '$(echo "$log" | tail -n 1)'"
echo "$log" | grep -q '^FAIL shell_basics$' || fail "broken emulator: no FAIL line"
echo "$log" | grep -q '^-ok recursion$' || fail "broken emulator: no unified diff of stdout"
echo "$log" | grep -q '^+125$' || fail "broken emulator: no diff of the exit status"

status=0
"$run" --expect "$qemu" --actual "$qemu" no_such_scenario >/dev/null 2>&1 || status=$?
[ "$status" = 2 ] || fail "unknown scenario: exit status $status, expected 2"

status=0
log=$("$run" --expect "$qemu" --actual "$qemu" shell_redir 2>&1) || status=$?
[ "$status" = 0 ] && [ "$(echo "$log" | tail -n 1)" = "1 passed, 0 failed" ] ||
    fail "oracle against itself: status $status, output: $log"

if [ "$fails" = 0 ]; then echo "selftest: ok"; else exit 1; fi
