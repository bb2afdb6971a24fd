#!/usr/bin/env bash
# qemu-guest.sh - run a program of the guest image under qemu-riscv64, the way
# NanoVM runs it with --root: `tests/busybox/qemu-guest.sh GUEST_PATH ARGS...`
# (e.g. `qemu-guest.sh /bin/sh -c 'echo hi'`). The image is $BB_IMAGE (the
# runner sets it) or build/image. If $BB_GUEST_CWD is set (a guest directory),
# the guest starts there: the host directory $BB_IMAGE$BB_GUEST_CWD, since
# qemu-user resolves relative paths and chdir() on the host.
#
# qemu-user alone is not a faithful oracle for BusyBox: every applet that is
# not NOFORK/NOEXEC is started by execve("/proc/self/exe"), which qemu hands to
# the host kernel; without a binfmt_misc entry for riscv64 that fails, and
# ash then falls back to the PATH lookup, which qemu does on the HOST, so e.g.
# `du` silently ran the host's GNU du. So this script runs qemu inside a new
# user + mount namespace with its own binfmt_misc instance (Linux >= 6.7),
# registers qemu-riscv64 there (flag P: keep argv[0], which busybox needs to
# pick the applet) and passes the image as QEMU_LD_PREFIX, which the nested
# qemu processes inherit. Nothing outside the namespace changes. In the
# namespace the user is uid 0 (mapped to the caller). If that is impossible,
# a host-wide riscv64 binfmt entry (qemu-user-binfmt) is used when present;
# otherwise it stops with an error rather than run host tools.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
img=${BB_IMAGE:-$here/../../build/image}
img=$(cd "$img" && pwd)
bfm=/proc/sys/fs/binfmt_misc
magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00'
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'

run_qemu() {
    local prog=$1
    shift
    export QEMU_LD_PREFIX=$img
    if [ -n "${BB_GUEST_CWD:-}" ]; then cd "$img$BB_GUEST_CWD"; fi
    exec qemu-riscv64 -0 "$prog" "$img$prog" "$@"
}

if [ "${1:-}" = --in-namespace ]; then
    shift
    mount -t binfmt_misc binfmt_misc "$bfm"
    qemu=$(command -v qemu-riscv64)
    printf '%s' ":bb-riscv64:M::$magic:$mask:$qemu:P" >"$bfm/register"
    run_qemu "$@"
fi

[ $# -ge 1 ] || {
    echo "usage: $0 GUEST_PATH [ARGS...]" >&2
    exit 2
}
command -v qemu-riscv64 >/dev/null || {
    echo "qemu-guest: qemu-riscv64 not found" >&2
    exit 127
}
if unshare -Urm true 2>/dev/null; then
    exec unshare -Urm "$here/qemu-guest.sh" --in-namespace "$@"
fi
if grep -qs '^flags:.*P' "$bfm"/*riscv64* && grep -qs '^enabled' "$bfm/status"; then
    run_qemu "$@"
fi
echo "qemu-guest: cannot give qemu-riscv64 a riscv64 binfmt_misc entry (needs unprivileged" \
    "user namespaces on Linux >= 6.7, or qemu-user-binfmt installed): refusing to run" >&2
exit 125
