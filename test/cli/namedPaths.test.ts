/**
 * Paths named on the command line: one that is missing or unreadable is an error before anything is
 * scanned (exit 2); one that is skipped (FIFO, over --max-file-size, binary) is reported as skipped
 * and the exit code is 2, not a clean 0, even next to findings. Below a named directory, skips stay
 * what they are (counted, not errors).
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as sarif from 'sarif';
import { CLI, fakeKey, makeTree, pymispScript, removeTree, runCli } from './cliHarness';
import { sarifSchemaErrors } from './sarifSupport';

interface JsonReport {
  findings: { path: string; line: number; ruleId: string }[];
  skipped: { path: string; reason: string; directory: boolean; detail?: string }[];
  summary: { filesScanned: number; findings: number; notScanned?: string[] };
}

const posixOnly = process.platform === 'win32' ? it.skip : it;

/** Runs the CLI as an unprivileged user: directly when not root, through setpriv as nobody when root (undefined: not possible here). */
function runUnprivileged(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } | undefined {
  const env = { ...process.env, NO_COLOR: '1' };
  if (process.getuid?.() !== 0) return runCli(args, { cwd });
  if (spawnSync('setpriv', ['--version']).status !== 0) return undefined;
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, ...args], { cwd, encoding: 'utf8', env, timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: paths named on the command line', () => {
  let tree: string;
  const key = fakeKey(801);
  before(() => {
    tree = makeTree({
      'app.py': pymispScript(key),
      'clean.py': 'x = 1\n',
      'big.py': `x = 1\n${'#'.repeat(2000)}\n`,
      'logo.png': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(pymispScript(fakeKey(802)))]),
      'dir/inner.py': 'y = 2\n',
    });
    if (process.platform !== 'win32') execFileSync('mkfifo', [path.join(tree, 'events.fifo')]);
  });
  after(() => removeTree(tree));

  it('a missing path: exit 2 before scanning, naming it', () => {
    const r = runCli(['scan', 'clean.py', 'nope.py', 'gone/dir'], { cwd: tree });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'misp-guard: no such file or directory: nope.py, gone/dir\n');
    assert.equal(r.stdout, '');
    const b = runCli(['baseline', 'nope.py'], { cwd: tree });
    assert.equal(b.status, 2);
    assert.equal(b.stderr, 'misp-guard: no such file or directory: nope.py\n');
    assert.equal(fs.existsSync(path.join(tree, '.misp-guard-baseline.json')), false);
  });

  posixOnly('an unreadable file or directory: exit 2 before scanning, permission denied', function () {
    const locked = makeTree({ 'secret.env': `MISP_KEY=${fakeKey(803)}\n`, 'private/a.py': pymispScript(fakeKey(804)) });
    try {
      fs.chmodSync(path.join(locked, 'secret.env'), 0o000);
      fs.chmodSync(path.join(locked, 'private'), 0o000);
      fs.chmodSync(locked, 0o755);
      const r = runUnprivileged(['scan', 'secret.env', 'private'], locked);
      if (!r) this.skip();
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.equal(r.stderr, 'misp-guard: cannot read secret.env: permission denied (EACCES)\nmisp-guard: cannot read private: permission denied (EACCES)\n');
      assert.equal(r.stdout, '');
    } finally {
      fs.chmodSync(path.join(locked, 'private'), 0o755);
      removeTree(locked);
    }
  });

  posixOnly('a FIFO: reported as skipped, exit 2', () => {
    const r = runCli(['scan', 'events.fifo'], { cwd: tree });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, 'No findings; 0 files scanned.\nSkipped 1: 1 not a regular file.\n  events.fifo: not a regular file\nIncomplete: 1 path named on the command line was not scanned.\n');
    assert.equal(r.stderr, 'misp-guard: events.fifo was named but not scanned: not a regular file\n');
  });

  it('a file over --max-file-size and a binary file: exit 2 even next to findings, which are still reported', () => {
    const r = runCli(['scan', '--format', 'json', '--max-file-size', '1K', 'app.py', 'big.py', 'logo.png'], { cwd: tree });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'misp-guard: big.py was named but not scanned: file over the size limit (2007 bytes)\nmisp-guard: logo.png was named but not scanned: binary file\n');
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(report.findings.map((f) => [f.path, f.line, f.ruleId]), [['app.py', 4, 'hardcoded-key'], ['app.py', 5, 'tls-verify-disabled']]);
    assert.deepEqual(report.skipped, [
      { path: 'big.py', reason: 'too-large', directory: false, detail: '2007 bytes' },
      { path: 'logo.png', reason: 'binary', directory: false },
    ]);
    assert.equal(report.summary.filesScanned, 1);
    assert.deepEqual(report.summary.notScanned, ['big.py', 'logo.png']);
  });

  it('SARIF of such a run says the execution did not succeed, and stays schema-valid', () => {
    const r = runCli(['scan', '--format', 'sarif', 'clean.py', 'logo.png'], { cwd: tree });
    assert.equal(r.status, 2);
    const log = JSON.parse(r.stdout) as sarif.Log;
    assert.deepEqual(sarifSchemaErrors(log), []);
    const invocation = log.runs[0].invocations?.[0];
    assert.equal(invocation?.executionSuccessful, false);
    assert.deepEqual(invocation?.toolExecutionNotifications?.map((n) => [n.level, n.message.text, n.locations?.[0]?.physicalLocation?.artifactLocation?.uri]), [
      ['error', 'Named on the command line but not scanned: binary file.', 'logo.png'],
    ]);
  });

  it('the same files below a named directory are ordinary skips: the exit code follows the findings', () => {
    const r = runCli(['scan', '--format', 'json', '--max-file-size', '1K', '.'], { cwd: tree });
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.equal(report.summary.notScanned, undefined);
    assert.deepEqual(report.skipped.map((s) => [s.path, s.reason]), [
      ['big.py', 'too-large'], ...(process.platform === 'win32' ? [] : [['events.fifo', 'not-regular']]), ['logo.png', 'binary'],
    ]);
    const clean = runCli(['scan', 'clean.py', 'dir', 'clean.py'], { cwd: tree });
    assert.equal(clean.status, 0, 'a path named twice is scanned once, not "not scanned"');
    assert.equal(clean.stdout, 'No findings; 2 files scanned.\nSkipped 1: 1 already visited (symlink or repeated path).\n  clean.py: already visited (symlink or repeated path)\n');
  });

  it('baseline: a named path that was not scanned writes no baseline, exit 2', () => {
    const r = runCli(['baseline', '--output', 'b.json', 'app.py', 'logo.png'], { cwd: tree });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'misp-guard: logo.png was named but not scanned: binary file\nmisp-guard: baseline not written to b.json: it would not cover every path asked for\n');
    assert.equal(fs.existsSync(path.join(tree, 'b.json')), false);
  });
});
