# diff_patch: diff (-u, normal, -q, -r), patch (apply, reverse, -p1, dry run),
# with fixed file times so the unified-diff headers are deterministic.
. /scenarios/lib.sh

mkdir -p old new
printf 'alpha\nbeta\ngamma\ndelta\nepsilon\nzeta\neta\ntheta\n' >old/greek
sed -e 's/gamma/GAMMA/' -e '/zeta/d' -e '$a\
iota' old/greek >new/greek
printf 'same\n' >old/same
printf 'same\n' >new/same
printf 'only old\n' >old/gone
printf 'only new\n' >new/added
touch -d '2010-01-01 00:00:00' old/greek old/same old/gone
touch -d '2011-02-02 12:30:00' new/greek new/same new/added
echo '# diff'
diff -u old/greek new/greek
check diff-status 1 "$?"
diff old/greek new/greek
diff -q old/greek new/greek
diff old/same new/same && echo identical
diff -U 1 old/greek new/greek
diff -ur old new
printf 'a  b\n' >ws1
printf 'a b\n' >ws2
diff -b ws1 ws2 && echo diff-b-ignores-space
printf 'A\n' >c1; printf 'a\n' >c2
diff -i c1 c2 && echo diff-i-ignores-case
echo '# patch'
diff -u old/greek new/greek >greek.patch
cp old/greek work
patch work <greek.patch
cmp work new/greek && echo patched-equals-new
patch -R work <greek.patch
cmp work old/greek && echo reversed-equals-old
mkdir -p tree/a tree/b
cp old/greek tree/a/greek
cp new/greek tree/b/greek
(cd tree && diff -u a/greek b/greek) >p1.patch
mkdir -p target
cp old/greek target/greek
(cd target && patch -p1 <../p1.patch)
cmp target/greek new/greek && echo p1-ok
cp new/greek already
patch already <greek.patch >patch.log 2>&1
echo "patch on patched file: status $?"
cmp already new/greek && echo already-unchanged
printf 'unrelated\ncontent\n' >unrel
patch unrel <greek.patch >/dev/null 2>&1
check patch-reject-status 1 "$?"
finish
