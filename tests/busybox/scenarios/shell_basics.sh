# shell_basics: ash variables, parameter expansion, arithmetic, case/for/while,
# functions with local variables, command substitution, subshells, test/[ ].
. /scenarios/lib.sh

a=3 b=4
echo "sum=$((a + b)) prod=$((a * b)) mod=$((17 % 5)) shift=$((1 << 10)) neg=$((-7 / 2))"
i=0
while [ $i -lt 5 ]; do i=$((i + 1)); done
check while-count 5 "$i"
: $((i += 10)) $((i *= 2))
check arith-assign 30 "$i"
check hex-octal "255 8" "$((0xff)) $((010))"
check ternary yes "$([ $((3 > 2 ? 1 : 0)) -eq 1 ] && echo yes)"

s=path/to/file.tar.gz
echo "${s##*/} ${s#*/} ${s%.*} ${s%%.*} ${#s}"
echo "${unset_var:-default} ${unset_var-dash} [${empty=}] ${s:+set}"
v=hello
echo "${v:1:3} ${v/l/L} ${v//l/L}"

for w in one "two three" four; do printf '<%s>' "$w"; done
echo
set -- alpha beta "gamma delta"
echo "argc=$# first=$1 all=$*"
shift
check shift-args "beta|gamma delta" "$1|$2"

classify() {
    case "$1" in
    [0-9]*) echo number ;;
    *.txt | *.md) echo text ;;
    "") echo empty ;;
    *) echo other ;;
    esac
}
for x in 42 notes.txt README.md '' zzz; do printf '%s ' "$(classify "$x")"; done
echo

g=global
scoped() {
    local g=inner n
    n=$1
    g="$g-$n"
    echo "in function: $g"
    return $((n + 1))
}
scoped 4
check func-status 5 "$?"
check local-restored global "$g"

fact() {
    local n=$1
    if [ "$n" -le 1 ]; then echo 1; else echo $((n * $(fact $((n - 1))))); fi
}
check recursion 3628800 "$(fact 10)"

x=outer
(x=inner; echo "subshell sees $x"; exit 3)
check subshell-status 3 "$?"
check subshell-isolated outer "$x"
{ x=group; }
check brace-group group "$x"
check nested-subst "a-b-c" "$(echo "$(echo a)-$(echo b)-`echo c`")"

[ -n "x" ] && [ -z "" ] && [ abc = abc ] && [ abc != abd ] && echo strings-ok
[ 10 -gt 9 ] && [ 3 -le 3 ] && [ ! 1 -eq 2 ] && echo numbers-ok
test -d . && test ! -f . && echo files-ok
[ a \< b ] && echo lexical-ok
if false; then echo no; elif true; then echo elif-ok; else echo no; fi
true && false || echo or-ok
! false && echo not-ok

n=0
until [ $n -ge 3 ]; do n=$((n + 1)); [ $n -eq 2 ] && continue; echo "until $n"; done
for i in 1 2 3 4 5; do [ $i -eq 4 ] && break; echo "for $i"; done
IFS=: read -r f1 f2 f3 <<EOF
root:x:0
EOF
check ifs-read "root x 0" "$f1 $f2 $f3"
old=$IFS; IFS=,; set -- $(echo "p,q,r"); IFS=$old
check ifs-split "3 q" "$# $2"
eval 'ev=$((6 * 7))'
check eval 42 "$ev"
check printf-fmt "[  7][ab   ][0x1f][3.14]" "$(printf '[%3d][%-5s][0x%x][%.2f]' 7 ab 31 3.14159)"
alias hi='echo alias-ok'
eval hi
type echo | sed 's/ is .*//'
finish
