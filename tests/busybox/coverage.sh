#!/usr/bin/env bash
# coverage.sh - list the BusyBox applets the scenarios run, and count them.
# Usage: tests/busybox/coverage.sh [--image DIR]   (default build/image)
#
# A static, approximate count: every scenario line is cut at the shell's
# command separators (| ; && || $( ( { ` and then/do/else/!), and at the
# places where a tool runs another command (xargs, find -exec, timeout);
# the first word of each piece, after any VAR=value assignments, is a
# command. Those that are applets of the image's busybox are listed (shell
# builtins such as echo, test, kill or printf count when busybox also has
# them as applets). Rejected alternative: tracing with `set -x`, which only
# sees the top-level shell, not xargs/find children, and needs an emulator run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
image=$here/../../build/image
[ "${1:-}" = --image ] && image=${2:?}
applets=$(find "$image/usr/bin" "$image/usr/sbin" -maxdepth 1 -type l -lname '*busybox' -printf '%f\n' | sort -u)
[ -n "$applets" ] || { echo "coverage.sh: no busybox applet links in $image" >&2; exit 1; }
used=$(
    grep -hv '^[[:space:]]*#' "$here"/scenarios/*.sh |
        sed -E 's/\$\(|`|\|\||&&|[|;({!]|\bthen\b|\bdo\b|\belse\b|-exec/\n/g; s/\b(xargs)( +-[-a-zA-Z0-9{}]+( +[0-9]+)?)*|\b(timeout) +[0-9.]+/\1\4\n/g' |
        sed -E 's/^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*=[^ ]* +)*//; s/[[:space:]].*//; s/^\\//' |
        grep -E '^[][a-z0-9_.-]+$' | sort -u
)
covered=$(comm -12 <(echo "$applets") <(echo "$used"))
echo "$covered" | tr '\n' ' ' | fold -s -w 100
echo
echo "$(echo "$covered" | wc -l) applets covered (of $(echo "$applets" | wc -l))"
