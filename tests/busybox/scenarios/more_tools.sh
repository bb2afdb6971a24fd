# more_tools: less common applets with deterministic output: cal, ed, lzop,
# lzma, xz, sha384/512/3 sums, xxd, install, link/unlink, mkfifo, fallocate,
# unexpand, ipcalc, mkpasswd (fixed salt), run-parts, setsid, tty, realpath
# and pwd (guest paths are fixed: /tmp/bbtest-NAME/w), time-free sync.
. /scenarios/lib.sh

echo '# cal'
cal 2 2001
cal 12 1999 | tail -n 3
echo '# ed'
printf 'one\ntwo\nthree\n' >doc
ed -s doc <<'EOF'
2s/two/TWO/
$a
four
.
1d
w
q
EOF
cat doc
printf '1\n/three/\n,p\nq\n' | ed -s doc
echo '# compressors'
seq 1 300 >nums
lzop -c nums | lzop -d -c | cmp - nums && echo lzop-roundtrip
cp nums nums.orig
lzop -U nums && ls nums*
lzop -d nums.lzo && cmp nums nums.orig && echo lzop-file-ok
printf '\3757zXZ\000' | xz -d -c >/dev/null 2>&1
check xz-truncated-fails 1 "$?"
echo '# checksums'
sha384sum nums
sha512sum nums
sha3sum nums
sha3sum -a 512 nums
echo '# xxd'
printf 'xxd test\n\000\377' | xxd
printf 'xxd test\n' | xxd -p
printf 'xxd test\n' | xxd -p | xxd -r -p
printf 'abc' | xxd -i
echo '# install link mkfifo fallocate'
install -m 750 nums inst/bin/nums 2>/dev/null || { mkdir -p inst/bin && install -m 750 nums inst/bin/nums; }
stat -c '%a %s' inst/bin/nums
install -d -m 711 inst/share/x
stat -c '%a %F' inst/share/x
link nums nums.hard
stat -c '%h' nums
unlink nums.hard
stat -c '%h' nums
mkfifo fifo
stat -c '%F %a' fifo
(echo through-the-fifo >fifo) &
cat fifo
wait
fallocate -l 4096 fallocated
stat -c %s fallocated
echo '# unexpand ipcalc mkpasswd'
printf '        eight\n    four\n' | unexpand | od -c | head -n 2
ipcalc -n -b -m 192.168.10.77/20
ipcalc -p 10.1.2.3 255.255.0.0
mkpasswd -m sha256 -S saltsalt secret
mkpasswd -m md5 -S abcdefgh secret
echo '# run-parts setsid tty'
mkdir parts
printf '#!/bin/sh\necho part 10 "$1"\n' >parts/10-first
printf '#!/bin/sh\necho part 20 "$1"\n' >parts/20-second
printf '#!/bin/sh\necho never\n' >parts/bad.name
chmod +x parts/*
run-parts --test parts | sed 's:.*/::'
run-parts -a arg parts
setsid sh -c 'echo in new session'
tty
check tty-not-a-tty 1 "$?"
echo '# paths'
mkdir -p p/q
ln -s p/q lq
cd lq
pwd
pwd -P
cd ..
realpath lq p/q/../q nums
readlink -f lq
sync && echo synced
finish
