# exec_scripts: running programs by path: #! scripts (the kernel's
# interpreter lookup), exec, sourcing with ., command -v / type, $0 and
# arguments, PATH search of a private bin directory, sh -x traces, sh -n,
# getopts, exit statuses through nested shells and xargs/find children.
. /scenarios/lib.sh

mkdir bin
cat >bin/greet <<'EOF'
#!/bin/sh
echo "greet: $# args, first=${1-none}"
exit 3
EOF
chmod +x bin/greet
./bin/greet a b
check shebang-status 3 "$?"
sh bin/greet via-sh
printf '#!/bin/sh -e\nfalse\necho unreachable\n' >bin/strict
chmod 755 bin/strict
./bin/strict
check shebang-option 1 "$?"
printf 'echo no shebang: $1\n' >bin/plain
chmod +x bin/plain
./bin/plain x
printf 'not executable\n' >bin/noexec
./bin/noexec 2>/dev/null
check not-executable 126 "$?"
./bin/missing 2>/dev/null
check missing-path 127 "$?"
PATH=$PWD/bin:$PATH
greet from-path
check path-search 3 "$?"
command -v greet | sed 's:.*/::'
command -v cd
command -v ls
type greet >/dev/null && echo type-found
hash -r 2>/dev/null
PATH=/usr/bin:/bin

cat >lib.inc <<'EOF'
included_var="from include"
included_fn() { echo "fn says $1"; }
EOF
. ./lib.inc
echo "$included_var"
included_fn hi
(exec echo exec-replaces-subshell; echo not reached)
sh -c 'exec sh -c "exit 9"'
check exec-status 9 "$?"
sh -c 'exec >out.txt; echo redirected-by-exec'
cat out.txt
sh -x -c 'a=1; echo "a is $a"' 2>trace.txt
cat trace.txt
sh -n -c 'if then fi' 2>/dev/null
check syntax-check 2 "$?"
sh -n -c 'echo fine' && echo syntax-ok

parse() {
    OPTIND=1
    while getopts "ab:c" opt "$@"; do
        case $opt in
        a) echo "flag a" ;;
        b) echo "b=$OPTARG" ;;
        c) echo "flag c" ;;
        ?) echo "bad option" ;;
        esac
    done
    shift $((OPTIND - 1))
    echo "rest: $*"
}
parse -a -b val -c file1 file2
parse -x 2>/dev/null
printf '%s\n' 1 2 3 | xargs -n 1 sh -c 'exit $(($1 == 2 ? 5 : 0))' sh
check xargs-child-status 123 "$?"
find bin -name greet -exec sh {} one \;
echo "exec from find: $?"
sh -c 'sh -c "sh -c \"exit 4\""; echo "nested: $?"'
sh -c 'kill -TERM $$'
check self-term 143 "$?"
finish
