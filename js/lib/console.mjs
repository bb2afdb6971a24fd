//! The Node CLI's console: when stdin and stdout are a terminal, the guest gets a terminal of its
//! own (runtime/src/tty: line discipline, echo, job-control signals) and this is its host side,
//! like the native CLI's runtime/src/host_tty.rs. The host terminal is in raw mode for the run
//! (`setRawMode`; restored by `close`, and by Node itself on exit and on fatal signals); every
//! 'data' event hands the keystrokes to the VM (`consoleInput`), and 'resize' becomes SIGWINCH
//! (`consoleResize`). The run loop never blocks: when every guest thread waits it awaits `wait`,
//! which resolves on input, on a resize or at the guest's next deadline.

import { spawnSync } from 'node:child_process';

/** The host side of a console (see the module doc). */
export class NodeConsole {
  /** A console for this process's stdio, or null when stdin or stdout is not a terminal. */
  static open(stdin = process.stdin, stdout = process.stdout, stderr = process.stderr) {
    if (!stdin.isTTY || !stdout.isTTY || typeof stdin.setRawMode !== 'function') return null;
    return new NodeConsole(stdin, stdout, stderr);
  }

  constructor(stdin, stdout, stderr) {
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderrIsTty = Boolean(stderr && stderr.isTTY);
    this.vm = null;
    this.wakeup = null;
    this.pending = false;
    this.onData = (buf) => {
      if (this.vm) this.vm.consoleInput(buf);
      this.wake();
    };
    this.onResize = () => {
      if (this.vm) this.vm.consoleResize(this.rows, this.cols);
      this.wake();
    };
  }

  /** Window size as the host terminal reports it (24x80 when unknown). */
  get rows() {
    return this.stdout.rows || 24;
  }
  get cols() {
    return this.stdout.columns || 80;
  }

  /** Asks `options` (a WasmOptions) for a console of this terminal's size. */
  configure(options) {
    options.setConsole(this.rows, this.cols, this.stderrIsTty);
  }

  /**
   * Makes `host`'s diagnostics (`--strace` lines) end in CR NL while stderr is the raw terminal
   * (which no longer turns NL into CR NL).
   */
  wrapLog(host) {
    if (!this.stderrIsTty) return;
    const log = host.log.bind(host);
    host.log = (line) => log(line + '\r');
  }

  /** Raw mode on; keystrokes and resizes go to `vm` from now on. */
  attach(vm) {
    this.vm = vm;
    this.stdin.setRawMode(true);
    // setRawMode keeps output post-processing (NL -> CR NL); the guest's line discipline does
    // that already, and full-screen programs need their bytes unchanged: `stty -opost`. Node
    // restores the terminal's original settings (saved by setRawMode) at close and exit.
    spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] });
    this.stdin.on('data', this.onData);
    this.stdout.on('resize', this.onResize);
    this.stdin.resume();
  }

  wake() {
    this.pending = true;
    if (this.wakeup) {
      const w = this.wakeup;
      this.wakeup = null;
      w();
    }
  }

  /** Resolves on input or a resize, or after `ms` milliseconds (never, when `ms` < 0). */
  wait(ms) {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let timer = null;
      this.wakeup = () => {
        if (timer) clearTimeout(timer);
        this.pending = false;
        resolve();
      };
      if (ms >= 0) {
        timer = setTimeout(() => {
          this.wakeup = null;
          resolve();
        }, Math.max(0, Math.ceil(ms)));
      }
    });
  }

  /** Raw mode off, listeners removed, stdin released (so Node can exit). */
  close() {
    this.stdin.off('data', this.onData);
    this.stdout.off('resize', this.onResize);
    try {
      this.stdin.setRawMode(false);
    } catch {
      // The terminal is gone: nothing to restore.
    }
    this.stdin.pause();
    this.vm = null;
  }
}
