# misc: date with fixed inputs and TZ, sleep/usleep, env/export/unset, uname,
# bc/dc arithmetic, factor, getopt, timeout, test corner cases, true/false,
# strings, crc32, shuf (checked through sort only), and that a command that
# is not a busybox applet is "not found" (127) rather than taken from the host.
. /scenarios/lib.sh

echo '# date'
date -d '2001-02-03 04:05:06' '+%Y-%m-%d %H:%M:%S %s %a %b %j %u %Z'
date -u -d @0 '+%Y-%m-%dT%H:%M:%SZ %A'
date -u -d @1234567890
date -d @1000000000 '+%s %y %m %d %H %M %S %p %I'
TZ=ABC-3 date -d @0 '+%H:%M %Z'
TZ=XYZ+5 date -d '2020-06-15 12:00:00' '+%s %H %Z'
date -u -d '2024-02-29 23:59:59' '+%F %T day-of-year %j week %U'
date -u -D '%d/%m/%Y' -d '25/12/2022' '+%A %F'
date -u -R -d @86400
date -u -I -d @86400
date -u -d @951782400 +%F
touch -d '2012-12-21 11:11:11' stamp
date -u -r stamp '+%F %T'
check date-epoch 981173106 "$(date -u -d '2001-02-03 04:05:06' +%s)"
echo '# sleep env'
sleep 0.1
check sleep-status 0 "$?"
sleep 0
usleep 1000
export FOO=bar BAZ='with space'
env | grep -E '^(FOO|BAZ)=' | sort
env | grep '^FOO='
env -u FOO | grep -c '^FOO=' 
env -i A=1 B=2 env | sort
env -i sh -c 'echo "PATH in empty env: ${PATH-unset}"' | grep -c 'PATH in empty env'
X=local sh -c 'echo "X=$X"'
echo "X after: ${X-unset}"
unset FOO
echo "FOO after unset: ${FOO-unset}"
readonly RO=1
(RO=2) 2>/dev/null || echo readonly-refused
echo '# uname'
uname -s -m
echo '# arithmetic tools'
echo '2^20 + 5 * (3 - 1)' | bc
echo 'scale=4; 10 / 3' | bc
echo '3 4 + 5 * p' | dc
factor 360 97 1001
echo '# getopt timeout'
getopt -o ab:c -l long,val: -- -a -b x --long --val=y rest
timeout 5 true
check timeout-ok 0 "$?"
timeout 0.2 sleep 5
check timeout-expired 143 "$?"
comm a b 2>/dev/null
check not-an-applet 127 "$?"
echo '# test corners'
[ "" ] || echo empty-is-false
[ -e nonexistent ] || echo missing-not-e
[ 1 -eq 1 -a 2 -eq 2 ] && echo and-ok
[ 1 -eq 2 -o 2 -eq 2 ] && echo or-ok
[ -s stamp ] || echo empty-file-not-s
echo x >f
[ -s f ] && [ -r f ] && [ -f f ] && echo file-tests-ok
[ f -ef f ] && echo ef-ok
true; check true 0 "$?"
false; check false 1 "$?"
echo '# strings crc32 shuf'
printf 'ab\000hello world\000xy\000printable!\n' >bin
strings bin
strings -n 2 bin | wc -l
printf 'hello\n' | crc32
seq 1 10 | shuf | sort -n | tr '\n' ' '
echo
shuf -i 1-5 | wc -l
finish
