# procfs: /proc as shell tools use it: the shell's own pid directory, fd links
# (a file, /dev/null, a pipe, reading a file back through its link), cwd and
# exe links, a [stack] line in maps, cmdline, environ, status and the mounts.
# Pids differ between emulators, so they are only compared with $$.
. /scenarios/lib.sh

echo '# self'
check stat-pid "$$" "$(cut -d' ' -f1 /proc/$$/stat)"
check stat-comm "(sh)" "$(cut -d' ' -f2 /proc/$$/stat)"
check task-dir yes "$([ -d /proc/$$/task/$$ ] && echo yes)"
tr '\0' ' ' </proc/$$/cmdline; echo
FOO=bar sh -c 'tr "\0" "\n" </proc/$$/environ | grep "^FOO="'
head -n 1 /proc/$$/status
grep -c '^Pid:' /proc/self/status
grep -c '\[stack\]' /proc/self/maps

echo '# links'
readlink /proc/self/cwd
cd /tmp && readlink /proc/self/cwd && cd - >/dev/null
readlink /proc/self/exe
echo hello >f
exec 5<f 6</dev/null
readlink /proc/$$/fd/5 | sed 's|.*/||'
readlink /proc/$$/fd/6
cat /proc/$$/fd/5
echo x | readlink /proc/self/fd/0 | cut -c1-6
exec 5<&- 6<&-
check fd-closed no "$([ -e /proc/$$/fd/5 ] && echo yes || echo no)"

echo '# mounts'
grep -c ' /proc proc ' /proc/mounts
exit $bb_fail
