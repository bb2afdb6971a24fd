# lib.sh - common prologue of the BusyBox scenarios, sourced by each one as
# `. /scenarios/lib.sh` (guest path: the runner copies this directory into the
# image as /scenarios).
#
# It fixes everything the host could otherwise leak into the output: PATH,
# HOME, the time zone (a POSIX TZ string, so no zoneinfo file is looked up),
# the locale and the umask. Then it enters a fresh, empty work directory
# under /tmp/bbtest-NAME, which the runner makes inside the image (with a
# marker file .bbtest). Scenarios print relative or guest paths, never host
# ones (see docs/testing.md for the rules).
# Not to be run on its own.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TZ=UTC0 LC_ALL=C TMPDIR=.
umask 022

bb_name=${0##*/}
bb_name=${bb_name%.sh}
cd "/tmp/bbtest-$bb_name" 2>/dev/null && [ -e .bbtest ] || {
    echo "lib.sh: no scratch directory /tmp/bbtest-$bb_name (run via tests/busybox/run.sh)" >&2
    exit 99
}
mkdir w && cd w || exit 99

bb_fail=0
# check LABEL EXPECTED ACTUAL: print "ok LABEL", or a FAIL line (and count it).
check() {
    if [ "$2" = "$3" ]; then
        echo "ok $1"
    else
        echo "FAIL $1: expected [$2] got [$3]"
        bb_fail=$((bb_fail + 1))
    fi
}
# finish: the scenario's exit status is its number of failed checks.
finish() {
    echo "checks failed: $bb_fail"
    exit "$bb_fail"
}
# lsl ARGS: `ls -l` without what depends on the host: owner and group (the
# uid under which files are created), and the link count and size of
# directories (file-system specific). The "total" line (blocks) is dropped.
lsl() {
    ls -l "$@" | awk '/^total /{next}
        { m = $1; n = $2; s = $5; if (m ~ /^d/) { n = "-"; s = "-" }
          line = $0; for (i = 1; i <= 5; i++) sub(/^[^ ]+ +/, "", line)
          print m, n, s, line }'
}
