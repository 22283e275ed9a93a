import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fakeKey, makeTree, pymispScript, removeTree, runCli } from './cliHarness';

interface JsonReport {
  findings: { path: string; line: number; ruleId: string }[];
  skipped: { path: string; reason: string; directory: boolean; detail?: string }[];
  summary: { filesScanned: number; skipped: Record<string, number> };
}

function scanJson(cwd: string, ...paths: string[]): { report: JsonReport; stdout: string; stderr: string } {
  const r = runCli(['scan', '--format', 'json', ...paths], { cwd });
  assert.equal(r.timedOut, false, 'the scan hung');
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  return { report: JSON.parse(r.stdout) as JsonReport, stdout: r.stdout, stderr: r.stderr };
}

const posixOnly = process.platform === 'win32' ? it.skip : it;

describe('cli: walking the file tree', () => {
  let tree: string;
  const key = fakeKey(7);
  before(() => {
    tree = makeTree({
      'src/fetch.py': pymispScript(key),
      'src/.github/workflows/sync.yml': 'on: push\njobs: {}\n',
      '.git/config': `[remote "origin"]\n\turl = https://misp.example.org\nmisp_key = ${key}\n`,
      'node_modules/misp-client/index.js': `const mispKey = '${key}';\nmodule.exports = { mispKey };\n`,
      'src/node_modules/nested/keys.py': pymispScript(fakeKey(8)),
      'assets/logo.bin': Buffer.concat([Buffer.from('PNG\u0000\u0000\u0000\u0000\u0001'), Buffer.from(pymispScript(fakeKey(9)))]),
      'data/huge.py': Buffer.alloc(5 * 1024 * 1024 + 1, 0x61),
    });
    if (process.platform !== 'win32') {
      execFileSync('mkfifo', [path.join(tree, '.git', 'pipe')]);
      execFileSync('mkfifo', [path.join(tree, 'src', 'events.fifo')]);
      fs.symlinkSync('..', path.join(tree, 'src', 'loop'));
      fs.symlinkSync(path.join(tree, 'src', 'fetch.py'), path.join(tree, 'fetch-link.py'));
      fs.symlinkSync(path.join(tree, 'does-not-exist.py'), path.join(tree, 'dangling.py'));
    }
  });
  after(() => removeTree(tree));

  it('never reads .git, skips node_modules, and says so', () => {
    const { report } = scanJson(tree, '.');
    assert.ok(!report.findings.some((f) => f.path.startsWith('.git/') || f.path.includes('node_modules/')), JSON.stringify(report.findings));
    const git = report.skipped.filter((s) => s.reason === 'git-dir');
    assert.deepEqual(git.map((s) => s.path), ['.git']);
    const deps = report.skipped.filter((s) => s.reason === 'dependency-dir').map((s) => s.path).sort();
    assert.deepEqual(deps, ['node_modules', 'src/node_modules']);
  });

  it('still walks other dot-directories such as .github', () => {
    const { report } = scanJson(tree, 'src');
    assert.ok(report.summary.filesScanned >= 2);
    assert.ok(!report.skipped.some((s) => s.path.includes('.github')));
  });

  it('skips and counts a binary file and a file over 5 MB', () => {
    const { report } = scanJson(tree, 'assets', 'data');
    assert.deepEqual(report.skipped.map((s) => [s.path, s.reason]), [['assets/logo.bin', 'binary'], ['data/huge.py', 'too-large']]);
    assert.equal(report.summary.filesScanned, 0);
    assert.deepEqual(report.findings, []);
    const text = runCli(['scan', 'assets', 'data'], { cwd: tree }).stdout;
    assert.match(text, /Skipped 2: 1 binary file, 1 file over the size limit\./);
    assert.match(text, /assets\/logo\.bin: binary file/);
  });

  posixOnly('does not hang on a symlink loop, a FIFO or a dangling link, and reports each', function () {
    this.timeout(30_000);
    const { report } = scanJson(tree, '.');
    const reasons = new Map(report.skipped.map((s) => [s.path, s.reason]));
    assert.equal(reasons.get('src/loop'), 'already-visited');
    assert.equal(reasons.get('src/events.fifo'), 'not-regular');
    assert.equal(reasons.get('dangling.py'), 'unreadable');
    // fetch.py is reached twice (directly and via fetch-link.py) but analysed once.
    assert.equal(reasons.get('src/fetch.py') ?? reasons.get('fetch-link.py'), 'already-visited');
    const keyFindings = report.findings.filter((f) => f.ruleId === 'hardcoded-key');
    assert.equal(keyFindings.length, 1, JSON.stringify(report.findings));
  });

  posixOnly('never follows a symlink out of the scanned folder (another project, /proc)', () => {
    const outer = fs.mkdtempSync(path.join(os.tmpdir(), 'misp-guard-escape-'));
    try {
      fs.mkdirSync(path.join(outer, 'proj'));
      fs.writeFileSync(path.join(outer, 'proj', 'a.py'), 'x = 1\n');
      fs.symlinkSync(path.join(tree, 'src'), path.join(outer, 'proj', 'outside'));
      fs.symlinkSync('/proc', path.join(outer, 'proj', 'procfs'));
      const { report } = scanJson(outer, 'proj');
      assert.deepEqual(report.findings, []);
      const reasons = new Map(report.skipped.map((s) => [s.path, s.reason]));
      assert.equal(reasons.get('proj/outside'), 'outside-root');
      assert.equal(reasons.get('proj/procfs'), 'outside-root');
      assert.equal(report.summary.filesScanned, 1);
    } finally {
      fs.rmSync(outer, { recursive: true, force: true });
    }
  });

  it('walks in a deterministic, sorted order', () => {
    const first = scanJson(tree, 'src', 'assets', 'data').stdout;
    const second = scanJson(tree, 'src', 'assets', 'data').stdout;
    assert.equal(first, second);
    const { report } = scanJson(tree, 'assets', 'data');
    assert.deepEqual(report.skipped.map((s) => s.path), ['assets/logo.bin', 'data/huge.py']);
  });

  it('scans a file given directly, and a path outside the working directory', () => {
    const direct = scanJson(tree, 'src/fetch.py').report;
    assert.deepEqual(direct.findings.map((f) => [f.path, f.line, f.ruleId]), [
      ['src/fetch.py', 4, 'hardcoded-key'], ['src/fetch.py', 5, 'tls-verify-disabled'],
    ]);
    const outside = scanJson(path.join(tree, 'assets'), path.join(tree, 'src', 'fetch.py')).report;
    assert.deepEqual(outside.findings.map((f) => f.path), ['../src/fetch.py', '../src/fetch.py']);
  });
});
