#!/usr/bin/env bash
# build-image.sh - build the NanoVM guest root file system (build/image/) from
# Debian riscv64 packages.
#
# What it does:
#   1. Runs apt-get with a private configuration and state directory (nothing of
#      the host's apt state or config is read or written, except the mirror URI
#      and any proxy setting) against the Debian unstable (sid) suite, which is
#      where riscv64 lives, verified with the Debian archive keyring.
#   2. Resolves the dependency closure of $PACKAGES (no Recommends) and downloads
#      the .debs into the cache (~/.cache/nanovm/image/debs).
#   3. Unpacks each .deb with `dpkg-deb -x` into a staging directory, merges any
#      top-level /bin, /sbin, /lib* into /usr and makes the usr-merge symlinks,
#      adds the busybox applet links (listed by running the riscv64 busybox under
#      qemu-riscv64) and a few /etc files, then swaps the result into build/image.
#
# The package lists are only fetched when missing (or with --update); so a warm
# rebuild needs no network and takes seconds. Rejected alternative: debootstrap /
# mmdebstrap: they build a full Debian base system (~200 MB, needs an emulated
# dpkg run for maintainer scripts); we only want a handful of unpacked packages.
#
# Usage: scripts/build-image.sh [--update] [--offline] [--help]
#   --update   refresh the cached package lists first (newest sid versions)
#   --offline  never fetch package lists (fail if a .deb is not cached)
#   (default: fetch lists only when none are cached or the mirror changed, and
#   once more if a download fails because the cached lists are stale)
# Environment:
#   NANOVM_IMAGE_DIR     output directory        (default: <repo>/build/image)
#   NANOVM_IMAGE_CACHE   cache directory         (default: ~/.cache/nanovm/image)
#   NANOVM_IMAGE_EXTRA   extra packages to add, space separated
#   NANOVM_DEBIAN_MIRROR Debian mirror URI       (default: from the host's apt sources)
#   NANOVM_DEBIAN_SUITE  suite                   (default: sid)
set -Eeuo pipefail

# The guest packages. Their dependency closure (without Recommends) is added.
PACKAGES=(busybox-static libc6)

prog=build-image
die() {
    echo "$prog: error: $*" >&2
    exit 1
}
note() { echo "$prog: $*"; }
trap 'echo "$prog: error: command failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

usage() {
    sed -n '/^# Usage:/,/^set -Eeuo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

update=auto
for arg in "$@"; do
    case "$arg" in
    --update) update=always ;;
    --offline) update=never ;;
    -h | --help)
        usage
        exit 0
        ;;
    *) die "unknown argument '$arg' (try --help)" ;;
    esac
done

start=$(date +%s.%N)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${NANOVM_IMAGE_DIR:-$root/build/image}
cache=${NANOVM_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nanovm/image}
suite=${NANOVM_DEBIAN_SUITE:-sid}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
# shellcheck disable=SC2206 # word splitting of the extra list is intended
packages=("${PACKAGES[@]}" ${NANOVM_IMAGE_EXTRA:-})

for tool in apt-get apt-config dpkg-deb qemu-riscv64; do
    command -v "$tool" >/dev/null || die "'$tool' not found (needs apt, dpkg and qemu-user)"
done
[ -r "$keyring" ] || die "$keyring missing: install the 'debian-archive-keyring' package"

# --- The mirror: the first Debian archive URI in the host's apt sources. ------
# Only URIs whose path ends in /debian qualify (not debian-security, not an
# Ubuntu archive, which has no riscv64 in the same tree).
host_mirror() {
    local f
    {
        for f in /etc/apt/sources.list.d/*.sources; do
            [ -r "$f" ] && sed -n 's/^[[:space:]]*URIs:[[:space:]]*//p' "$f" | tr -s ' \t' '\n'
        done
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
            # deb [options] URI suite components...
            [ -r "$f" ] && sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]*\)\{0,1\}\([^[:space:]]\+\).*/\2/p' "$f"
        done
    } | grep -E '^https?://[^[:space:]]+/debian/?$' | head -n 1 | sed 's:/$::'
}
mirror=${NANOVM_DEBIAN_MIRROR:-$(host_mirror || true)}
if [ -z "$mirror" ]; then
    mirror=http://deb.debian.org/debian
    note "no Debian mirror in the host's apt sources; using $mirror"
fi

# --- Private apt configuration. -----------------------------------------------
mkdir -p "$cache"/{lists/partial,debs/partial,apt-cache,empty.d,log}
[ -e "$cache/status" ] || : >"$cache/status" # empty dpkg database: nothing installed

# Carry over only the host's network policy: proxies, and whether it checks
# Release dates (hosts behind a frozen snapshot mirror turn Valid-Until checks
# off). The rest of its config (update hooks, AppStream downloads, pinning) must
# not apply here. Signatures are always checked.
host_opts=()
for key in Acquire::http::Proxy Acquire::https::Proxy Acquire::Check-Valid-Until Acquire::Check-Date; do
    val=$(apt-config dump "$key" 2>/dev/null | sed -n "s/^$key \"\(.*\)\";$/\1/p" | head -n 1)
    if [ -n "$val" ]; then host_opts+=("-o$key=$val"); fi
done

sandbox_user=_apt
[ "$(id -u)" -eq 0 ] && sandbox_user=root # _apt cannot enter a 0700 home directory

cat >"$cache/apt.conf" <<EOF
// Generated by scripts/build-image.sh: apt confined to $cache.
Dir::Etc::Main "/dev/null";
Dir::Etc::Parts "$cache/empty.d";
Dir::Etc::SourceList "$cache/sources.list";
Dir::Etc::SourceParts "$cache/empty.d";
Dir::Etc::Preferences "/dev/null";
Dir::Etc::PreferencesParts "$cache/empty.d";
Dir::State::Lists "$cache/lists";
Dir::State::Status "$cache/status";
Dir::State::extended_states "$cache/extended_states";
Dir::Cache "$cache/apt-cache";
Dir::Cache::Archives "$cache/debs";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
Dir::Log "$cache/log";
APT::Architecture "riscv64";
APT::Architectures { "riscv64"; };
APT::Install-Recommends "false";
APT::Install-Suggests "false";
APT::Sandbox::User "$sandbox_user";
Debug::NoLocking "true";
EOF
export APT_CONFIG="$cache/apt.conf"
apt_get() { apt-get -q "${host_opts[@]}" "$@"; }

sources="deb [arch=riscv64 signed-by=$keyring] $mirror $suite main"
if [ "$update" = auto ]; then
    # Fetch lists when there are none yet or the source line changed.
    if [ "$(cat "$cache/sources.list" 2>/dev/null)" != "$sources" ] ||
        ! compgen -G "$cache/lists/*_Packages*" >/dev/null; then
        update=always
    fi
fi
echo "$sources" >"$cache/sources.list"

run_update() {
    note "fetching package lists: $sources"
    local log="$cache/log/update.log"
    if ! apt_get update >"$log" 2>&1 || grep -q '^E: ' "$log"; then
        cat "$log" >&2
        if grep -qE 'NO_PUBKEY|EXPKEYSIG|not signed|signature' "$log"; then
            die "signature check of $mirror $suite failed; the installed debian-archive-keyring" \
                "($keyring) probably lacks the current archive key: upgrade the" \
                "'debian-archive-keyring' package (e.g. from trixie or later) and retry"
        fi
        die "apt-get update failed (log above, also in $log)"
    fi
}
[ "$update" = always ] && run_update
compgen -G "$cache/lists/*_Packages*" >/dev/null ||
    die "no cached package lists in $cache/lists (run without --offline once, with network)"

# --- Resolve the closure and download it. -------------------------------------
# `apt-get -s install` against the empty status file prints one
# "Inst NAME (VERSION SUITE [ARCH])" line per package of the closure.
resolve() {
    local sim
    sim=$(apt_get -s install "${packages[@]}" 2>&1) || {
        echo "$sim" >&2
        die "cannot resolve packages: ${packages[*]}"
    }
    closure=()
    while IFS= read -r line; do
        closure+=("$line")
    done < <(echo "$sim" | sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) .*\[\([^]]*\)\]).*/\1 \2 \3/p')
    [ "${#closure[@]}" -gt 0 ] || {
        echo "$sim" >&2
        die "apt resolved no packages for: ${packages[*]}"
    }
}
download() {
    apt_get -y install --download-only "${packages[@]}" >"$cache/log/download.log" 2>&1
}

resolve
if ! download; then
    if [ "$update" = never ]; then
        cat "$cache/log/download.log" >&2
        die "download failed and --offline forbids refreshing the package lists"
    fi
    # Cached lists may name versions the mirror has since dropped: refresh, retry.
    note "download failed; refreshing the package lists and retrying"
    run_update
    resolve
    download || {
        cat "$cache/log/download.log" >&2
        die "downloading the packages failed (log above)"
    }
fi

# --- Unpack into a staging directory. -----------------------------------------
mkdir -p "$(dirname "$out")"
rm -rf "$out".tmp.* # left over by an interrupted run
stage=$(mktemp -d "$out.tmp.XXXXXX")
trap 'rm -rf "$stage"' EXIT
debs=()
note "packages (from $mirror $suite):"
for entry in "${closure[@]}"; do
    read -r name version arch <<<"$entry"
    deb="$cache/debs/${name}_${version//:/%3a}_${arch}.deb"
    [ -f "$deb" ] || die "expected $deb after download, it is missing"
    debs+=("$deb")
    printf '  %-28s %s\n' "$name" "$version"
    dpkg-deb -x "$deb" "$stage" || die "cannot unpack $deb"
done

# usr-merge: move any top-level /bin, /sbin, /lib* into /usr and link them
# (/lib64 etc. only when some package uses it).
mkdir -p "$stage/usr/bin" "$stage/usr/sbin" "$stage/usr/lib"
for d in bin sbin lib lib32 lib64 libx32; do
    if [ -d "$stage/$d" ] && [ ! -L "$stage/$d" ]; then
        mkdir -p "$stage/usr/$d"
        cp -a "$stage/$d/." "$stage/usr/$d/"
        rm -rf "${stage:?}/$d"
    fi
    if [ -d "$stage/usr/$d" ]; then ln -s "usr/$d" "$stage/$d"; fi
done
# Absolute symlinks would point into the host when a tool such as
# `qemu-riscv64 -L` lets the host kernel follow them: make them relative.
while IFS= read -r -d '' link; do
    dest=$(readlink "$link")
    rel=$(realpath -m -s --relative-to="$(dirname "$link")" "$stage$dest")
    ln -sfn "$rel" "$link"
done < <(find "$stage" -type l -lname '/*' -print0)

interp=lib/ld-linux-riscv64-lp64d.so.1
[ -e "$stage/$interp" ] || die "/$interp is missing or dangling in the image"

# busybox applets, each a relative link to /usr/bin/busybox unless a package
# already provides that file.
busybox="$stage/usr/bin/busybox"
[ -x "$busybox" ] || die "busybox-static did not provide /usr/bin/busybox"
applets=$(qemu-riscv64 "$busybox" --list-full) || die "running busybox under qemu-riscv64 failed"
napplets=0
for path in $applets; do
    path=${path#/}
    case "$path" in bin/* | sbin/*) path=usr/$path ;; esac
    case "$path" in
    "" | *..* | */) die "unexpected busybox applet path '/$path'" ;;
    usr/bin/*) target=busybox ;;
    usr/sbin/*) target=../bin/busybox ;;
    */*)
        # One "../" per directory level, then down to usr/bin/busybox.
        up=$(dirname "$path" | sed 's:[^/]*:..:g')
        target=$up/usr/bin/busybox
        mkdir -p "$stage/$(dirname "$path")"
        ;;
    *) target=usr/bin/busybox ;; # e.g. /linuxrc
    esac
    if [ ! -e "$stage/$path" ] && [ ! -L "$stage/$path" ]; then
        ln -s "$target" "$stage/$path"
        napplets=$((napplets + 1))
    fi
done
[ -L "$stage/usr/bin/sh" ] || [ -e "$stage/usr/bin/sh" ] || ln -s busybox "$stage/usr/bin/sh"

# A minimal system skeleton.
mkdir -p "$stage"/{etc,root,home,dev,proc,sys,run,var/tmp}
install -d -m 1777 "$stage/tmp"
chmod 1777 "$stage/var/tmp"
cat >"$stage/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$stage/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo nanovm >"$stage/etc/hostname"
cat >"$stage/etc/hosts" <<'EOF'
127.0.0.1 localhost nanovm
::1 localhost
EOF
{
    echo "# NanoVM guest image: Debian $suite riscv64 packages from $mirror"
    printf '%s\n' "${closure[@]}"
} >"$stage/etc/nanovm-image-packages"

# Swap the new image in.
chmod 755 "$stage"
rm -rf "$out"
mv "$stage" "$out"
trap - EXIT

# Drop cached .debs outside the current closure so the cache does not grow.
for f in "$cache"/debs/*.deb; do
    keep=0
    for d in "${debs[@]}"; do [ "$f" = "$d" ] && keep=1 && break; done
    [ "$keep" = 1 ] || rm -f "$f"
done

secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
note "built $out in ${secs}s: ${#closure[@]} packages, $napplets busybox applet links, $(du -sh "$out" | cut -f1)"
