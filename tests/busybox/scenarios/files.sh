# files: mkdir -p, touch -d, ls -l, stat -c, chmod, cp -a, mv, ln -s,
# readlink, find (-name, -type, -exec), xargs, du -b, mktemp, rm,
# rmdir, basename, dirname, truncate, dd, which.
. /scenarios/lib.sh

mkdir -p proj/src/lib proj/doc proj/empty
printf 'int main(void) { return 0; }\n' >proj/src/main.c
printf 'void f(void);\n' >proj/src/lib/f.h
printf 'hello\n' >proj/doc/README
printf '#!/bin/sh\necho run\n' >proj/run.sh
chmod 755 proj/run.sh
chmod 600 proj/doc/README
chmod u=rw,g=r,o= proj/src/main.c
chmod 1777 proj/empty
touch -d '2001-02-03 04:05:06' proj/src/main.c proj/doc/README
touch -d '1999-12-31 23:59:59' proj/src/lib/f.h proj/run.sh
ln -s src/main.c proj/link-to-main
ln -s missing proj/dangling
ln proj/doc/README proj/hardlink
# Fixed times for everything, directories last (creating entries changes them).
touch -h -d '2004-01-01 00:00:00' proj/link-to-main proj/dangling
find proj -type d -exec touch -d '2003-04-05 06:07:08' {} +
echo '# ls'
lsl proj
lsl proj/src/main.c proj/run.sh proj/hardlink
ls proj
ls -1 proj/src
ls -a proj/doc
ls -F proj | tr '\n' ' '
echo
ls -R proj | sed '/^$/d'
ls -d proj/*/ | tr '\n' ' '
echo
ls -S proj/src/main.c proj/src/lib/f.h proj/doc/README | tr '\n' ' '
echo
ls -t proj/src/main.c proj/src/lib/f.h | tr '\n' ' '
echo
ls -l --full-time proj/src/main.c | awk '{ print $1, $6, $7, $8, $9 }'
echo '# stat'
stat -c '%n %s %a %A %F' proj/src/main.c proj/run.sh proj/doc/README
stat -c '%n %F %a' proj/empty proj/link-to-main
stat -c '%Y %y' proj/src/main.c
stat -L -c '%s %Y' proj/link-to-main
stat -c '%h' proj/hardlink
echo '# readlink'
readlink proj/link-to-main
readlink proj/dangling
[ -L proj/dangling ] && [ ! -e proj/dangling ] && echo dangling-detected
cat proj/link-to-main
echo '# cp mv rm'
cp -a proj copy
lsl copy/src
stat -c '%n %a %Y' copy/src/main.c copy/doc/README
readlink copy/link-to-main
cp proj/src/main.c plain.c
stat -c '%a %s' plain.c
cp -p proj/src/main.c preserved.c
stat -c '%a %Y' preserved.c
cp -r proj/src srccopy
find srccopy | sort
mv plain.c renamed.c
mv srccopy/lib moved-lib
ls renamed.c moved-lib
[ -e plain.c ] || echo plain.c-gone
mkdir -p a/b/c
rmdir a/b/c a/b a
[ -d a ] || echo rmdir-ok
rmdir proj 2>/dev/null || echo rmdir-nonempty-refused
rm -r copy/src
rm -f copy/nonexistent
rm -rf copy
[ -e copy ] || echo rm-r-ok
echo '# find'
find proj | sort
find proj -type f | sort
find proj -type d | sort
find proj -type l | sort
find proj -name '*.c' -o -name '*.h' | sort
find proj -name '*.c' -exec cat {} \;
find proj -type f -name 'R*' -exec wc -c {} +
find proj -maxdepth 1 -type f | sort
find proj -mindepth 2 -type f | sort
find proj -perm 755 -type f
find proj -newer proj/run.sh -type f | sort
find proj -empty
find proj -size -20c -type f | sort
find proj -path '*/lib/*'
echo '# xargs'
find proj -type f | sort | xargs wc -c
printf 'a b\nc\n' | xargs -n 1 echo item
printf 'one\0two words\0' | xargs -0 -n 1 echo arg
seq 1 5 | xargs -I{} echo 'n={}'
echo x y z | xargs sh -c 'echo "$# args: $*"' argv0
echo '# du mktemp'
du -sb proj/src/main.c
dd if=/dev/zero of=zeros bs=100 count=3 2>/dev/null
du -b zeros
truncate -s 1000 sized
stat -c %s sized
truncate -s 10 sized
stat -c %s sized
seq 1 10 >ten
t=$(mktemp ./tmp.XXXXXX)
case "$t" in ./tmp.??????) [ -f "$t" ] && echo mktemp-file-ok ;; *) echo "bad mktemp $t" ;; esac
d=$(mktemp -d ./dir.XXXXXX)
[ -d "$d" ] && echo mktemp-dir-ok
stat -c %a "$t" "$d"
echo '# basename dirname which'
basename /usr/lib/libc.so.6
basename /a/b/file.tar.gz .gz
basename dir/
dirname /usr/lib/libc.so.6
dirname file
dirname /a/b/
which sh ls
which no-such-cmd
check which-miss 1 "$?"
finish
