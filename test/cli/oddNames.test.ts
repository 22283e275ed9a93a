/**
 * File and directory names that are also Object.prototype members (`constructor`, `__proto__`,
 * `hasOwnProperty`, `toString`): looked up as plain object properties they would turn into
 * functions (a language id, a skip reason) and break the worker threads of a large scan.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fakeKey, makeTree, removeTree, runCli } from './cliHarness';

interface JsonReport {
  findings: { path: string; line: number; column: number; ruleId: string }[];
  skipped: { path: string; reason: string }[];
  notices: { path: string; message: string }[];
  summary: { filesScanned: number; findings: number };
}

const FILLER = 250;

/** 250 clean files (enough for worker threads) plus the given odd names, each holding a key. */
function oddTree(names: readonly string[], key: string): string {
  const root = makeTree({});
  for (let i = 0; i < FILLER; i++) {
    fs.mkdirSync(path.join(root, `d${i % 5}`), { recursive: true });
    fs.writeFileSync(path.join(root, `d${i % 5}`, `f${i}.py`), 'x = 1\n'.repeat(20));
  }
  // Written one by one (not through an object literal, where '__proto__' would set the prototype).
  for (const name of names) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), `from pymisp import PyMISP\nmisp_key = "${key}"\n`);
  }
  return root;
}

function scan(root: string, jobs: string): { status: number | null; report: JsonReport; stderr: string } {
  const r = runCli(['scan', '--format', 'json', '--jobs', jobs, '.'], { cwd: root });
  assert.equal(r.timedOut, false);
  return { status: r.status, report: JSON.parse(r.stdout || '{}') as JsonReport, stderr: r.stderr };
}

describe('cli: names that are Object.prototype members', function () {
  this.timeout(60_000);
  const key = fakeKey(901);

  it('scans files and directories named constructor, __proto__, hasOwnProperty, toString on worker threads', () => {
    const names = ['constructor', '__proto__', 'hasOwnProperty', 'toString/valueOf', 'constructor.d/__proto__', 'isPrototypeOf/app.py'];
    const root = oddTree(names, key);
    try {
      for (const jobs of ['1', '2']) {
        const { status, report, stderr } = scan(root, jobs);
        assert.equal(status, 1, `--jobs ${jobs}: ${stderr}`);
        assert.equal(stderr, '');
        assert.deepEqual(report.findings.map((f) => [f.path, f.line, f.column]), [
          ['__proto__', 2, 13], ['constructor', 2, 13], ['constructor.d/__proto__', 2, 13],
          ['hasOwnProperty', 2, 13], ['isPrototypeOf/app.py', 2, 13], ['toString/valueOf', 2, 13],
        ]);
        assert.deepEqual(report.findings.map((f) => f.ruleId), [
          'plaintext-config-key', 'plaintext-config-key', 'plaintext-config-key', 'plaintext-config-key', 'hardcoded-key', 'plaintext-config-key',
        ]);
        assert.equal(report.summary.filesScanned, FILLER + names.length);
        assert.deepEqual(report.skipped, []);
        assert.deepEqual(report.notices, []);
      }
    } finally {
      removeTree(root);
    }
  });

  // The file name's extension is 'constructor': the core's format detection must not take it from
  // Object.prototype either (server/src/core/formats/detect.ts).
  it('scans a file named x.constructor on worker threads', () => {
    const root = oddTree(['x.constructor', 'y.__proto__', 'z.hasOwnProperty'], key);
    try {
      const { status, report, stderr } = scan(root, '2');
      assert.equal(status, 1, stderr);
      assert.equal(stderr, '');
      assert.deepEqual(report.findings.map((f) => [f.path, f.line, f.column]), [['x.constructor', 2, 13], ['y.__proto__', 2, 13], ['z.hasOwnProperty', 2, 13]]);
      assert.equal(report.summary.filesScanned, FILLER + 3);
    } finally {
      removeTree(root);
    }
  });
});
