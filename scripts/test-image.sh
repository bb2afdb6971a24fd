#!/usr/bin/env bash
# test-image.sh - check the guest image built by scripts/build-image.sh, using
# qemu-riscv64 as the reference machine:
#   - the usr-merge layout and the dynamic loader path,
#   - the static busybox runs a shell pipeline, and its applet links work,
#   - a dynamically linked hello (riscv64-linux-gnu-gcc, default flags) runs
#     against the image's ld.so and libc, and really uses that libc (it prints
#     gnu_get_libc_version(), compared with the image's libc6 version).
# Exits non-zero on the first failure.
#
# Usage: scripts/test-image.sh        (NANOVM_IMAGE_DIR overrides build/image)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
img=${NANOVM_IMAGE_DIR:-$root/build/image}
unset QEMU_LD_PREFIX
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}
pass() { echo "ok: $*"; }
# expect NAME EXPECTED COMMAND...: run COMMAND, compare its stdout with EXPECTED.
expect() {
    local name=$1 want=$2 got
    shift 2
    if ! got=$("$@" 2>&1); then
        fail "$name: command failed: $* -> $got"
    elif [ "$got" != "$want" ]; then
        fail "$name: expected '$want', got '$got'"
    else
        pass "$name"
    fi
}

[ -d "$img" ] || {
    echo "FAIL: no image at $img (run scripts/build-image.sh first)" >&2
    exit 1
}
for tool in qemu-riscv64 riscv64-linux-gnu-gcc; do
    command -v "$tool" >/dev/null || {
        echo "FAIL: '$tool' not found" >&2
        exit 1
    }
done

# Layout.
for d in bin sbin lib; do
    [ "$(readlink "$img/$d")" = "usr/$d" ] || fail "/$d is not a symlink to usr/$d"
done
[ -f "$img/lib/ld-linux-riscv64-lp64d.so.1" ] || fail "/lib/ld-linux-riscv64-lp64d.so.1 does not resolve to a file"
[ "$(readlink "$img/bin/sh")" = busybox ] || fail "/bin/sh is not a link to busybox"
grep -q '^root:x:0:0:' "$img/etc/passwd" || fail "/etc/passwd has no root"
grep -q '^root:x:0:' "$img/etc/group" || fail "/etc/group has no root"
[ -s "$img/etc/hostname" ] || fail "/etc/hostname is missing"
[ "$(stat -c %a "$img/tmp")" = 1777 ] || fail "/tmp is not mode 1777"
abs=$(find "$img" -type l -lname '/*' | head -n 3)
[ -z "$abs" ] || fail "absolute symlinks in the image: $abs"
[ "$failures" = 0 ] && pass "layout"

# Static busybox.
expect "busybox sh pipeline" 3 \
    qemu-riscv64 -L "$img" "$img/bin/busybox" sh -c 'echo hi | wc -c'
expect "/bin/sh applet link" "a b" qemu-riscv64 -L "$img" "$img/bin/sh" -c 'echo a b'
expect "/usr/bin/seq applet link" "1 2 3" \
    qemu-riscv64 -L "$img" "$img/usr/bin/seq" -s ' ' 1 3

# Dynamic hello against the image's libc.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/hello.c" <<'EOF'
#include <gnu/libc-version.h>
#include <stdio.h>
int main(void) {
    printf("hello from glibc %s\n", gnu_get_libc_version());
    return 0;
}
EOF
riscv64-linux-gnu-gcc -O2 -o "$tmp/hello" "$tmp/hello.c"
if ! readelf -l "$tmp/hello" 2>/dev/null | grep -q 'interpreter: /lib/ld-linux-riscv64-lp64d.so.1'; then
    fail "hello is not dynamically linked against /lib/ld-linux-riscv64-lp64d.so.1"
fi
# The image's libc6 version, e.g. 2.43-7 -> 2.43.
libc_version=$(sed -n 's/^libc6 \([0-9]*:\)\{0,1\}\([0-9][0-9.]*\)[-+~].*/\2/p' "$img/etc/nanovm-image-packages")
[ -n "$libc_version" ] || fail "no libc6 in $img/etc/nanovm-image-packages"
expect "dynamic hello uses the image's glibc $libc_version" "hello from glibc $libc_version" \
    qemu-riscv64 -L "$img" "$tmp/hello"

if [ "$failures" != 0 ]; then
    echo "test-image: $failures check(s) failed" >&2
    exit 1
fi
echo "test-image: all checks passed"
