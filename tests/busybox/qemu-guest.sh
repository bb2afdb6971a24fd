#!/usr/bin/env bash
# qemu-guest.sh - run a program of the guest image under qemu-riscv64 the way
# NanoVM runs it with `--root IMAGE`: the guest sees the image as its whole
# file system. Usage: tests/busybox/qemu-guest.sh GUEST_PATH [ARGS...]
# (e.g. `qemu-guest.sh /bin/sh -c 'echo hi'`). The image is $BB_IMAGE (the
# runner sets it) or build/image. The guest starts in / with uid 0; its
# writes go to a throw-away layer (the image is never modified), except that
# it sees what is in the image when it starts (the runner's scratch dirs).
#
# Rejected alternative: `qemu-riscv64 -L IMAGE`. -L only redirects some
# system calls (open, stat, execve...) to IMAGE, and falls back to the host for
# paths missing there; chdir, faccessat and others always act on the host. So
# `cd /tmp` entered the host's /tmp, `which` failed, and non-applets such as
# `comm` ran the HOST's GNU tools. And every applet that busybox starts by
# execve("/proc/self/exe") fails without a binfmt_misc entry for riscv64.
#
# What it does instead, all inside a new user + mount namespace (nothing
# outside it changes; needs Linux >= 6.7 for a private binfmt_misc instance,
# and unprivileged user namespaces):
#   1. an overlay mount: the image, read-only, under a tmpfs upper layer;
#   2. the host directories holding qemu-riscv64's x86 loader and libraries
#      bound at the same paths inside it (so the guest sees an extra /lib64
#      and /usr/lib/x86_64-linux-gnu: scenarios must not list / or /lib);
#      /dev and /proc bound from the host;
#   3. qemu-riscv64 registered with binfmt_misc for riscv64 ELF files, flags
#      P (keep argv[0]: busybox picks its applet by it) and F (the interpreter
#      is opened now, so the chroot need not contain it);
#   4. chroot into it and exec GUEST_PATH: the kernel starts qemu for it, and
#      for every program the guest executes.
# Exit status: the guest's; 125 if the namespace cannot be set up.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bfm=/proc/sys/fs/binfmt_misc
magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00'
mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
die() {
    echo "qemu-guest: $*" >&2
    exit 125
}

# --in-namespace IMAGE SCRATCH GUEST_PATH ARGS...: steps 1-4 (internal).
if [ "${1:-}" = --in-namespace ]; then
    img=$2 t=$3
    shift 3
    qemu=$(command -v qemu-riscv64)
    mount -t tmpfs bb-guest "$t"
    mkdir "$t/upper" "$t/work" "$t/root"
    r=$t/root
    mount -t overlay overlay -o "lowerdir=$img,upperdir=$t/upper,workdir=$t/work,userxattr" "$r" ||
        die "cannot mount an overlay of $img"
    for d in $(ldd "$qemu" | grep -o '/[^ ]*' | xargs -n 1 dirname | sort -u); do
        mkdir -p "$r$d"
        mount --bind "$(realpath "$d")" "$r$d"
    done
    mount --rbind /dev "$r/dev"
    mount --rbind /proc "$r/proc"
    mount -t binfmt_misc binfmt_misc "$bfm" || die "no private binfmt_misc (needs Linux >= 6.7)"
    printf '%s' ":bb-riscv64:M::$magic:$mask:$qemu:PF" >"$bfm/register"
    exec chroot "$r" "$@"
fi

[ $# -ge 1 ] || {
    echo "usage: $0 GUEST_PATH [ARGS...]" >&2
    exit 2
}
img=${BB_IMAGE:-$here/../../build/image}
[ -d "$img" ] || die "no image at $img"
img=$(cd "$img" && pwd)
command -v qemu-riscv64 >/dev/null || die "qemu-riscv64 not found"
unshare -Urm true 2>/dev/null ||
    die "cannot create a user namespace (unprivileged user namespaces disabled?)"
t=$(mktemp -d "${TMPDIR:-/tmp}/qemu-guest.XXXXXX")
trap 'rmdir "$t"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
status=0
unshare -Urm "$here/qemu-guest.sh" --in-namespace "$img" "$t" "$@" || status=$?
exit "$status"
