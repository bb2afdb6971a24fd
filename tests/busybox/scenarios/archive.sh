# archive: tar (create, list, extract), gzip/gunzip/zcat (round trip and
# exact output bytes), bzip2, cpio, checksums (sha256sum, sha1sum, md5sum,
# crc32), cmp, base64, uuencode, od, hexdump.
. /scenarios/lib.sh

mkdir -p src/sub
seq 1 200 >src/numbers
printf 'line one\nline two\n' >src/sub/text
printf '\000\001\002\377binary\n' >src/bin
ln -s numbers src/link
touch -d '2005-06-07 08:09:10' src/numbers src/sub/text src/bin
echo '# checksums'
sha256sum src/numbers src/sub/text src/bin
md5sum src/numbers src/bin
sha1sum src/sub/text
printf '' | sha256sum
echo abc | md5sum
crc32 src/numbers
sha256sum src/numbers src/sub/text >sums
sha256sum -c sums
echo tampered >>src/sub/text
sha256sum -c sums 2>&1
check sha256sum-c-fails 1 "$?"
printf 'line one\nline two\n' >src/sub/text
touch -d '2005-06-07 08:09:10' src/sub/text
echo '# tar'
tar cf all.tar src
tar tf all.tar | sort
mkdir out
tar xf all.tar -C out
find out | sort
cmp src/numbers out/src/numbers && echo tar-roundtrip-numbers
cmp src/bin out/src/bin && echo tar-roundtrip-bin
readlink out/src/link
stat -c '%n %Y' out/src/numbers out/src/sub/text
tar czf all.tgz src
tar tzf all.tgz | sort | tr '\n' ' '
echo
mkdir out2
(cd out2 && tar xzf ../all.tgz src/sub/text && find . | sort)
tar cf - src/numbers | tar xOf - src/numbers | tail -n 1
tar cf only.tar src/sub/text src/numbers
tar tf only.tar
tar xf missing.tar 2>/dev/null
check tar-missing-status 1 "$?"
echo '# gzip'
cp src/numbers n.txt
gzip n.txt
[ -e n.txt ] || echo gzip-removed-original
ls n.txt.gz
gunzip n.txt.gz
cmp n.txt src/numbers && echo gzip-roundtrip
gzip -n -c src/numbers | sha256sum
gzip -n -c -9 src/numbers | wc -c
gzip -n -c -1 src/numbers | od -A d -t x1 | head -n 2
gzip -n <src/numbers | gunzip | sha256sum
gzip -c src/bin | zcat | od -c
gzip -t n.txt 2>/dev/null || echo gzip-t-on-plain-fails
gzip -c src/numbers >n2.gz
gzip -t n2.gz && echo gzip-t-ok
printf 'garbage' >bad.gz
gunzip -c bad.gz >/dev/null 2>&1
check gunzip-bad-status 1 "$?"
echo '# bzip2 cpio'
bzip2 -c src/numbers | bunzip2 | cmp - src/numbers && echo bzip2-roundtrip
bzip2 -c src/numbers | bzcat | wc -l
(cd src && find numbers sub sub/text | cpio -o -H newc 2>/dev/null) >arch.cpio
mkdir cp-out
(cd cp-out && cpio -i -d <../arch.cpio 2>/dev/null && find . | sort)
cpio -t <arch.cpio 2>/dev/null
echo '# encodings'
printf 'Hello, BusyBox!\n' | base64
printf 'Hello, BusyBox!\n' | base64 | base64 -d
head -c 60 src/numbers | base64 -w 20
uuencode -m name.txt <src/sub/text
uuencode name.txt <src/sub/text | uudecode -o decoded.txt
cmp decoded.txt src/sub/text && echo uudecode-ok
od -c src/bin
od -t x1 -An src/bin
od -t d2 -N 8 src/numbers
hexdump -C src/bin
hexdump -C -n 20 src/numbers
echo '# cmp'
cmp src/numbers src/numbers && echo cmp-same
seq 1 199 >short
echo 999 >>short
cmp src/numbers short
check cmp-differ-status 1 "$?"
cmp -l src/numbers short | head -n 3
cmp -s src/numbers short || echo cmp-s-quiet
finish
