//! The Node console's host side (console.mjs) with fake streams and a fake VM: raw mode on and
//! off, keystrokes and resizes handed to the VM, and an idle run loop woken by input (no wasm,
//! no terminal needed; tests/console/run.py drives the real thing through a host pty).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { NodeConsole } from '../lib/console.mjs';
import { runToEnd } from '../lib/run.mjs';
import { STATE_EXITED, STATE_IDLE } from '../lib/wasm.mjs';

function fakeStreams() {
  const stdin = new EventEmitter();
  stdin.isTTY = true;
  stdin.raw = [];
  stdin.setRawMode = (on) => stdin.raw.push(on);
  stdin.resume = () => {};
  stdin.pause = () => {
    stdin.paused = true;
  };
  const stdout = new EventEmitter();
  stdout.isTTY = true;
  stdout.rows = 30;
  stdout.columns = 100;
  return { stdin, stdout, stderr: { isTTY: false } };
}

test('no console unless stdin and stdout are terminals', () => {
  const s = fakeStreams();
  s.stdout.isTTY = false;
  assert.equal(NodeConsole.open(s.stdin, s.stdout, s.stderr), null);
});

test('configures, feeds input and resizes, then restores', async () => {
  const s = fakeStreams();
  const con = NodeConsole.open(s.stdin, s.stdout, s.stderr);
  const asked = [];
  con.configure({ setConsole: (...a) => asked.push(a) });
  assert.deepEqual(asked, [[30, 100, false]]);
  const got = [];
  const vm = {
    consoleInput: (b) => got.push(['in', Buffer.from(b).toString()]),
    consoleResize: (r, c) => got.push(['size', r, c]),
  };
  con.attach(vm);
  assert.deepEqual(s.stdin.raw, [true]);
  s.stdin.emit('data', Buffer.from('ls\r'));
  s.stdout.rows = 40;
  s.stdout.emit('resize');
  assert.deepEqual(got, [['in', 'ls\r'], ['size', 40, 100]]);
  con.close();
  assert.deepEqual(s.stdin.raw, [true, false]);
  assert.equal(s.stdin.paused, true);
  s.stdin.emit('data', Buffer.from('late'));
  assert.equal(got.length, 2, 'no input reaches the VM after close');
});

test('an idle VM with no deadline waits for input, then runs on', async () => {
  const s = fakeStreams();
  const con = NodeConsole.open(s.stdin, s.stdout, s.stderr);
  let fed = false;
  const vm = {
    exitCode: 0,
    idleUntilMs: -1,
    runs: 0,
    consoleInput() {
      fed = true;
    },
    run() {
      this.runs += 1;
      return fed ? STATE_EXITED : STATE_IDLE;
    },
  };
  con.attach(vm);
  const done = runToEnd(vm, 1000, null, con);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(vm.runs, 1, 'the loop waits instead of spinning');
  s.stdin.emit('data', Buffer.from('x'));
  assert.deepEqual(await done, { exited: true, code: 0 });
  con.close();
});

test('wait ends at the deadline without input', async () => {
  const s = fakeStreams();
  const con = NodeConsole.open(s.stdin, s.stdout, s.stderr);
  const t0 = Date.now();
  await con.wait(20);
  assert.ok(Date.now() - t0 >= 15);
});
