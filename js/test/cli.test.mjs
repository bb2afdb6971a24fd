//! The wasm CLI on bad input and bad usage: exit statuses, one-line messages, no stack traces,
//! and the same bytes as the native CLI (runtime/src/bin/nanovm.rs).

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { compileGuest, nativeCli, runCli, runNative, show, tempDir } from './helpers.mjs';

let dir;
const files = {};

before(() => {
  dir = tempDir();
  const good = compileGuest('hello', dir);
  const elf = fs.readFileSync(good);
  const put = (name, bytes) => {
    files[name] = path.join(dir, name);
    fs.writeFileSync(files[name], bytes);
  };
  put('empty', Buffer.alloc(0));
  put('text', Buffer.from('#!/bin/sh\necho not an elf\n'));
  put('short-magic', Buffer.from([0x7f, 0x45, 0x4c]));
  const elf32 = Buffer.from(elf);
  elf32[4] = 1; // EI_CLASS = ELFCLASS32
  put('elf32', elf32);
  const bigEndian = Buffer.from(elf);
  bigEndian[5] = 2; // EI_DATA = ELFDATA2MSB
  put('big-endian', bigEndian);
  put('header-only', elf.subarray(0, 64));
  put('truncated', elf.subarray(0, 1000));
  put('x86-64', fs.readFileSync('/bin/true'));
  files.missing = path.join(dir, 'does-not-exist');
  files.notdir = path.join(dir, 'empty', 'below-a-file');
  files.dir = dir;
  files.good = good;
});

/** Asserts `o` is a clean failure: given status, nothing on stdout, one line on stderr. */
function assertOneLine(o, status, prefix) {
  assert.equal(o.status, status, show(o));
  assert.equal(o.stdout.length, 0, show(o));
  const err = o.stderr.toString();
  assert.match(err, /^[^\n]+\n$/, `expected exactly one line:\n${show(o)}`);
  assert.ok(err.startsWith(prefix), `expected "${prefix}...":\n${show(o)}`);
}

describe('unusable program files', () => {
  const cases = [
    ['missing', 127, ': No such file or directory\n'],
    ['dir', 126, ': Is a directory\n'],
    ['notdir', 126, ': Not a directory\n'],
    ['empty', 126, null],
    ['text', 126, null],
    ['short-magic', 126, null],
    ['elf32', 126, null],
    ['big-endian', 126, null],
    ['header-only', 126, null],
    ['truncated', 126, null],
    ['x86-64', 126, null],
  ];
  for (const [name, status, suffix] of cases) {
    test(`${name} -> ${status}`, () => {
      const o = runCli(['run', '--', files[name]]);
      assertOneLine(o, status, `nanovm: ${files[name]}: `);
      if (suffix) assert.ok(o.stderr.toString().endsWith(suffix), show(o));
    });
  }
});

const USAGE_CASES = [
  [],
  ['frobnicate'],
  ['run'],
  ['run', '--'],
  ['run', '--bogus', '/bin/true'],
  ['run', '--tier', 'jit', '--', 'x'],
  ['run', '--tier'],
  ['run', '--memory', 'lots', '--', 'x'],
  ['run', '--memory', '0', '--', 'x'],
  ['run', '--memory'],
  ['run', '--memory=', 'x'],
  ['run', '--tier=jit', 'x'],
  ['run', '--stats=yes', 'x'],
  ['run', '--root'],
  ['run', '--root', '/nonexistent/dir', 'x'],
  ['run', '--root=/etc/passwd', 'x'],
  ['run', '--mount', 'nocolon', 'x'],
  ['run', '--mount', '/a:rel', 'x'],
  ['run', '--mount', ':/x', 'x'],
  ['run', '--mount', '/a:/b:rx', 'x'],
  ['run', '--mount', '/a:/b:ro:ro', 'x'],
  ['run', '--mount'],
  ['run', '--cwd', 'rel', 'x'],
  ['run', '--cwd'],
  ['run', '--env', '=x', 'x'],
  ['run', '--env', 'novalue', 'x'],
  ['run', '--env'],
];

describe('usage errors exit 2 with a short usage message', () => {
  for (const args of USAGE_CASES) {
    test(JSON.stringify(args), () => {
      const o = runCli(args);
      assert.equal(o.status, 2, show(o));
      assert.equal(o.stdout.length, 0, show(o));
      const err = o.stderr.toString();
      assert.match(err, /usage: nanovm run/, show(o));
      assert.ok(err.split('\n').length <= 16, `usage message too long:\n${show(o)}`);
      assert.doesNotMatch(err, /^\s+at /m, 'stack trace printed');
    });
  }
});

test('options before the program are accepted without --', () => {
  const o = runCli(['run', '--tier', 'interp', '--memory', '64', files.good]);
  assert.equal(o.status, 0, show(o));
});

test('--stats prints instructions, blocks and MIPS on stderr', () => {
  const o = runCli(['run', '--stats', '--', files.good]);
  assert.equal(o.status, 0, show(o));
  assert.match(o.stderr.toString(), /instructions/);
  assert.match(o.stderr.toString(), /blocks/);
  assert.match(o.stderr.toString(), /MIPS/);
});

describe('same bytes as the native CLI', () => {
  const cases = [
    ...['missing', 'notdir', 'dir', 'empty', 'text', 'elf32', 'truncated', 'x86-64'].map((f) => () => [
      'run',
      '--',
      files[f],
    ]),
    ...USAGE_CASES.map((args) => () => args),
    () => ['run', '--', files.good, '3', 'x'],
    () => ['--help'],
    () => ['run', '--strace', '--', files.good, '1'],
    () => ['run', '--tier=interp', '--memory=+64', files.good],
    () => ['run', '--env', 'NANOVM_TEST_VAR=replaced', '--env=EXTRA=a=b', '--', files.good],
    () => ['run', '--cwd', '/tmp', '--', files.good],
    () => ['run', '--cwd', '/nonexistent', '--', files.good],
    () => ['run', '--cwd', '/nonexistent', '--', files.missing],
    () => ['run', '--mount', `${files.missing}:/mnt`, '--', files.good],
    () => ['run', '--mount', `${files.empty}:/mnt:ro`, '--', files.good],
    () => ['run', '--mount', `${files.dir}:/mnt:ro`, '--', files.missing],
    () => ['run', '--root', files.dir, '--', 'good'],
    () => ['run', '--root', files.dir, '--', '/does-not-exist'],
  ];
  for (const [i, mk] of cases.entries()) {
    test(`case ${i}`, () => {
      assert.ok(nativeCli(), 'native CLI not built: run `make build`');
      const args = mk();
      const wasm = runCli(args);
      const native = runNative(args);
      assert.equal(wasm.status, native.status, `${args}\nwasm:\n${show(wasm)}\nnative:\n${show(native)}`);
      assert.equal(wasm.stdout.toString(), native.stdout.toString(), `${args}`);
      assert.equal(wasm.stderr.toString(), native.stderr.toString(), `${args}`);
    });
  }
});
