# text_tools: sort, uniq, sed, awk, grep, cut, tr, wc, head, tail, tac, rev,
# nl, fold, paste, seq, expr, yes, printf, expand, tee, dos2unix.
. /scenarios/lib.sh

cat >data.txt <<'EOF'
banana 3 yellow
apple 10 red
cherry 7 red
apple 2 green
date 10 brown
banana 3 yellow
EOF
echo '# sort'
sort data.txt
sort -u data.txt | wc -l
sort -k2,2n -k1,1 data.txt
sort -k2,2nr data.txt | head -n 2
sort -t' ' -k3,3 -s data.txt | cut -d' ' -f3 | uniq | tr '\n' ' '
echo
printf '10\n9\n100\n-1\n' | sort -n | tr '\n' ' '
echo
printf 'b\na\nc\n' | sort -r | tr '\n' ' '
echo
echo '# uniq'
cut -d' ' -f1 data.txt | sort | uniq -c
cut -d' ' -f1 data.txt | sort | uniq -d
cut -d' ' -f1 data.txt | sort | uniq -u
echo '# sed'
sed 's/a/A/g' data.txt | head -n 2
sed -n '2,3p' data.txt
sed -n '/red/p' data.txt
sed '1d;$d' data.txt | wc -l
sed -e 's/\([a-z]*\) \([0-9]*\).*/\2:\1/' -e '/^10/s/$/ (ten)/' data.txt
sed -n '$=' data.txt
printf 'x\ny\n' | sed '1i\
inserted
$a\
appended'
sed 'y/abc/ABC/' data.txt | head -n 1
sed -E 's/(a+)(n)/<\1\2>/2' data.txt | head -n 1
cp data.txt inplace.txt
sed -i 's/yellow/gold/' inplace.txt
grep -c gold inplace.txt
echo '# awk'
awk '{ sum += $2 } END { print "total", sum, "rows", NR }' data.txt
awk '$3 == "red" { print $1 }' data.txt
awk '{ n[$1] += $2 } END { for (k in n) print k, n[k] }' data.txt | sort
awk 'BEGIN { printf "%-6s|%5.2f|%03d|%x|%c\n", "ab", 3.14159, 7, 255, 65 }'
awk -F: '{ print NF, $2 }' <<'EOF'
a:b:c
one:two
EOF
awk 'NR % 2 == 0 { print NR ": " toupper($1) }' data.txt
awk 'BEGIN { s = "hello world"; print length(s), substr(s, 7), index(s, "o"); n = split("a,b,c", p, ","); print n, p[3]; x = "aaa"; gsub(/a/, "b", x); print x; print int(7.9), 2 * 512, 7 % 3, 1e3 + 0.5 }'
awk -v pre=">" '{ print pre $0 }' data.txt | tail -n 1
echo '# grep'
grep -c apple data.txt
grep -v red data.txt | grep -n yellow
grep -E '^(apple|date) 10' data.txt
grep -i APPLE data.txt | head -n 1
grep -o '[0-9][0-9]*' data.txt | tr '\n' ' '
echo
grep -w 'red' data.txt | wc -l
grep -q nothing-here data.txt
check grep-q-miss 1 "$?"
mkdir -p tree/sub
echo 'needle one' >tree/a.txt
echo 'hay' >tree/b.txt
echo 'needle two' >tree/sub/c.txt
grep -r needle tree | sort
grep -rl needle tree | sort
grep -L needle tree/a.txt tree/b.txt
grep -e one -e two tree/a.txt tree/sub/c.txt
fgrep -h 'needle t' tree/sub/c.txt
egrep -c 'ne+dle' tree/a.txt
echo '# cut tr wc'
cut -c1-3 data.txt | head -n 2
cut -d' ' -f2- data.txt | head -n 1
echo 'a,b,c,d' | cut -d, -f2,4
echo 'Hello World' | tr 'a-z' 'A-Z'
echo 'Hello World' | tr -d 'lo'
echo 'aaabbbccc' | tr -s 'ab'
echo 'abc123' | tr -cd '0-9'
echo
wc data.txt
wc -l -w -c <data.txt
printf 'no newline' | wc -c
echo '# head tail tac rev nl fold'
head -n 2 data.txt
head -c 10 data.txt
echo
tail -n 2 data.txt
tail -n +5 data.txt
tail -c 7 data.txt
tac data.txt | head -n 2
echo 'live on time' | rev
nl data.txt | head -n 2
nl -b a -s: data.txt | tail -n 1
echo 'the quick brown fox jumps over the lazy dog' | fold -w 10
echo 'the quick brown fox jumps over the lazy dog' | fold -s -w 10
echo '# paste seq expr yes'
seq 1 3 >n1
seq 4 6 >n2
paste n1 n2
paste -d, -s n1
printf 'a\nb\nc\nd\n' >c1
printf 'b\nd\ne\n' >c2
grep -Fx -f c2 c1 | tr '\n' ' '
grep -vFx -f c2 c1 | tr '\n' ' '
echo
seq 5 | tr '\n' ' '
seq 2 3 11 | tr '\n' ' '
seq 3 -1 1 | tr '\n' ' '
seq -s, -w 8 10
echo
expr 7 + 5 \* 2
expr length "hello"
expr substr "busybox" 1 4
expr index "abcdef" d
expr "abc123" : '[a-z]*'
expr 10 / 3 % 2
expr 5 \> 3
expr 0 + 0 >/dev/null
check expr-zero-status 1 "$?"
yes | head -n 3 | tr '\n' ' '
yes ok | head -n 2
printf '%s-%s\n' a b c d
printf '%5.1f|%-4d|%04x|%o|%e\n' 2.25 42 255 8 1234.5
printf 'esc:\t|\\|\101|\x42|%%\n'
echo 'tab	sep' | expand -t 4
echo data | tee t1 t2 >/dev/null
cat t1 t2
printf 'dos\r\nline\r\n' >dos.txt
dos2unix dos.txt
od -c dos.txt
unix2dos dos.txt
od -An -c dos.txt
finish
