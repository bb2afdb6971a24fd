#!/usr/bin/env python3
"""End-to-end test of the console: drives a NanoVM CLI through a real host pty.

    tests/console/run.py --emu "target/release/nanovm run" --root build/image
    tests/console/run.py --emu "node js/bin/nanovm.mjs run" --root build/image

Each scenario starts the emulator on the slave side of a fresh pty (24x80, a new session with
the pty as its controlling terminal, like a terminal emulator does) and types at the master:

- shell: an interactive `busybox sh`: `echo hi`; `tty` names /dev/pts/0; a host window resize
  reaches the shell (SIGWINCH: its line editor redraws) and `stty size`; `sleep 100` interrupted
  by Ctrl-C (the shell survives); Ctrl-Z stops a job and `fg` resumes it; the shell's line
  editing; `vi` (raw mode, full screen) writes a file; Ctrl-D at the prompt exits with 0.
- killed: `cat` as the only program, killed by a Ctrl-\\ (SIGQUIT): status 131.
- sigterm: the emulator itself gets SIGTERM from outside while the guest waits for input.
- sigint: a SIGINT sent to the emulator from outside reaches the guest's foreground group
  (`cat` dies of it: status 130).

After every scenario the host terminal's settings must be back to what they were (the CLI puts
the host terminal in raw mode for the run). Exits 1 with a message on the first failure.
"""

import argparse
import fcntl
import os
import select
import shlex
import signal
import struct
import subprocess
import sys
import termios
import time

PROMPT = b"P> "
TIMEOUT = 20.0


class Failure(Exception):
    pass


class Session:
    """One emulator run on a fresh pty."""

    def __init__(self, argv, rows=24, cols=80):
        self.master, self.slave = os.openpty()
        self.resize(rows, cols)
        self.before = termios.tcgetattr(self.slave)
        self.proc = subprocess.Popen(
            argv,
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        self.out = b""

    def resize(self, rows, cols):
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def pump(self, wait):
        r, _, _ = select.select([self.master], [], [], wait)
        if r:
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return False
            self.out += data
            return bool(data)
        return True

    def expect(self, what, timeout=TIMEOUT):
        """Reads until `what` was output; returns (and forgets) everything up to it."""
        end = time.time() + timeout
        while what not in self.out:
            if time.time() > end:
                raise Failure(f"waited {timeout:.0f}s for {what!r}; got {self.out!r}")
            if not self.pump(0.05) and what not in self.out:
                if self.proc.poll() is not None:
                    raise Failure(f"emulator ended ({self.proc.returncode}) before {what!r}; "
                                  f"got {self.out!r}")
        i = self.out.index(what) + len(what)
        seen, self.out = self.out[:i], self.out[i:]
        return seen

    def type(self, data):
        os.write(self.master, data)

    def finish(self, timeout=TIMEOUT):
        """Waits for the emulator's end; returns its status; checks the terminal is restored."""
        end = time.time() + timeout
        while self.proc.poll() is None:
            if time.time() > end:
                self.proc.kill()
                raise Failure(f"emulator still running after {timeout:.0f}s; got {self.out!r}")
            self.pump(0.05)
        while self.pump(0.05) and self.out:
            if not select.select([self.master], [], [], 0)[0]:
                break
        after = termios.tcgetattr(self.slave)
        # Compare the flags and control characters (speeds are not touched either way).
        if after[:4] != self.before[:4] or after[6] != self.before[6]:
            raise Failure(f"host terminal not restored: before {self.before[:4]}, after {after[:4]}")
        os.close(self.master)
        os.close(self.slave)
        return self.proc.returncode


def shell(emu, root):
    s = Session(emu + ["--env", "PS1=P> ", "--env", "TERM=xterm", "--root", root, "--", "/bin/sh"])
    s.expect(PROMPT)
    s.type(b"echo hi\r")
    got = s.expect(PROMPT)
    if b"\r\nhi\r\n" not in got:
        raise Failure(f"echo hi: {got!r}")
    s.type(b"tty; stty size\r")
    got = s.expect(PROMPT)
    if b"/dev/pts/0\r\n24 80\r\n" not in got:
        raise Failure(f"tty; stty size: {got!r}")
    # The shell's line editor redraws its prompt on SIGWINCH.
    s.resize(30, 100)
    s.expect(b"\r" + PROMPT)
    s.type(b"stty size\r")
    got = s.expect(PROMPT)
    if b"30 100\r\n" not in got:
        raise Failure(f"stty size after a resize: {got!r}")
    # Ctrl-C interrupts the foreground job, not the shell.
    s.type(b"sleep 100\r")
    s.expect(b"sleep 100\r\n")
    time.sleep(0.5)
    start = time.time()
    s.type(b"\x03")
    s.expect(PROMPT, timeout=10)
    if time.time() - start > 10:
        raise Failure("Ctrl-C did not end sleep 100")
    s.type(b"echo alive $?\r")
    got = s.expect(PROMPT)
    if b"alive 130\r\n" not in got:
        raise Failure(f"after Ctrl-C: {got!r}")
    # Ctrl-Z stops the job, fg resumes it.
    s.type(b"sleep 100\r")
    s.expect(b"sleep 100\r\n")
    time.sleep(0.5)
    s.type(b"\x1a")
    got = s.expect(PROMPT)
    if b"Stopped" not in got:
        raise Failure(f"Ctrl-Z: {got!r}")
    s.type(b"fg\r")
    s.expect(b"sleep 100\r\n")
    time.sleep(0.3)
    s.type(b"\x03")
    s.expect(PROMPT)
    # The shell's line editing: a typo erased with DEL.
    s.type(b"echo edx\x7fited\r")
    s.expect(b"\r\nedited\r\n")
    s.expect(PROMPT)
    # A full-screen program in raw mode: BusyBox vi writes a file.
    s.type(b"vi /tmp/x\r")
    s.expect(b"~")
    time.sleep(0.3)
    s.type(b"ihello vi\x1b")
    time.sleep(0.3)
    s.type(b":wq\r")
    s.expect(PROMPT)
    s.type(b"cat /tmp/x\r")
    got = s.expect(PROMPT)
    if b"\r\nhello vi\r\n" not in got:
        raise Failure(f"vi: {got!r}")
    # Ctrl-D at the prompt: the shell exits with 0.
    s.type(b"\x04")
    status = s.finish()
    if status != 0:
        raise Failure(f"shell exit status {status}, want 0")


def killed(emu, root):
    s = Session(emu + ["--root", root, "--", "/bin/cat"])
    time.sleep(0.5)
    s.type(b"abc\r")
    got = s.expect(b"abc\r\nabc\r\n")
    s.type(b"\x1c")
    status = s.finish()
    if status != 128 + 3:
        raise Failure(f"cat killed by Ctrl-\\: status {status}, want 131 ({got!r})")


def sigterm(emu, root):
    s = Session(emu + ["--root", root, "--", "/bin/cat"])
    s.type(b"x\r")
    s.expect(b"x\r\nx\r\n")
    s.proc.send_signal(signal.SIGTERM)
    status = s.finish()
    if status != -signal.SIGTERM:
        raise Failure(f"SIGTERM: status {status}, want death by SIGTERM")


def sigint(emu, root):
    s = Session(emu + ["--root", root, "--", "/bin/cat"])
    s.type(b"y\r")
    s.expect(b"y\r\ny\r\n")
    s.proc.send_signal(signal.SIGINT)
    status = s.finish()
    if status != 128 + 2:
        raise Failure(f"SIGINT: status {status}, want 130 (cat interrupted)")


SCENARIOS = {"shell": shell, "killed": killed, "sigterm": sigterm, "sigint": sigint}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--emu", required=True, help='the CLI, e.g. "target/release/nanovm run"')
    ap.add_argument("--root", default="build/image", help="the guest image")
    ap.add_argument("scenarios", nargs="*", default=list(SCENARIOS))
    args = ap.parse_args()
    emu = shlex.split(args.emu)
    failed = 0
    for name in args.scenarios:
        try:
            SCENARIOS[name](emu, args.root)
            print(f"ok   {name}")
        except Failure as e:
            failed += 1
            print(f"FAIL {name}: {e}")
    print(f"console: {len(args.scenarios) - failed}/{len(args.scenarios)} passed ({args.emu})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
