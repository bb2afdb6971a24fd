# shell_redir: redirections (>, >>, 2>&1, <, fd 3, exec), here-documents
# (quoted/unquoted delimiters, <<-), pipelines and their status, read.
. /scenarios/lib.sh

echo first >f
echo second >>f
printf 'third\n' >>f
cat f
check line-count 3 "$(wc -l <f)"
{ echo to-out; echo to-err >&2; } >both 2>&1
cat both
{ echo kept; echo dropped >&2; } 2>/dev/null >only-out
cat only-out
ls missing-file 2>err.txt >out.txt
check ls-missing-status 1 "$?"
cat err.txt
check empty-stdout 0 "$(wc -c <out.txt)"
exec 3>fd3.txt
echo via-fd3 >&3
echo more >&3
exec 3>&-
cat fd3.txt
exec 4<f
read -r l1 <&4
read -r l2 <&4
exec 4<&-
check read-fd "first second" "$l1 $l2"
: >truncated
check truncate 0 "$(wc -c <truncated)"
cat <f >copy && cmp f copy && echo redirect-copy-ok
set -C
(echo clobber >f) 2>/dev/null || echo noclobber-refused
echo forced >|f
set +C
cat f

name=world
cat <<EOF
hello $name, $((2 + 3)) and $(echo subst)
  indented \$name kept
EOF
cat <<'EOF'
quoted: $name $((2 + 3)) $(echo no) \n
EOF
cat <<"END"
double-quoted delimiter: $name
END
	cat <<-EOF
	tabs stripped: $name
		one level left
	EOF
tr a-z A-Z <<EOF | rev
pipeline from here-doc
EOF
while read -r k v; do echo "key=$k val=$v"; done <<EOF
a 1
b 2 extra
EOF
printf 'x y z\n' | { read -r p q r; echo "$r$q$p"; }
printf 'l1\nl2\nl3\n' | while read -r line; do echo "got $line"; done
count=0
while read -r _; do count=$((count + 1)); done <f
check read-loop 1 "$count"
echo "a  b   c" | { read -r all; echo "[$all]"; }

echo one two three | tr ' ' '\n' | sort -r | head -n 2 | tr '\n' ' '
echo
false | true
check pipe-status-last 0 "$?"
true | false
check pipe-status-fail 1 "$?"
set -o pipefail
false | true
check pipefail 1 "$?"
set +o pipefail
! echo x | grep -q y && echo negated-pipeline
x=$(printf 'trailing\n\n\n')
check subst-strips-newlines "trailing" "$x"
seq 1 5 | (sum=0; while read -r n; do sum=$((sum + n)); done; echo "sum in subshell $sum")
finish
