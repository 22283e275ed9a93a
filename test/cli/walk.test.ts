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

  it('counts several skips of a reason in the plural', () => {
    const bin = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
    const dir = makeTree({ 'a.pyc': '', 'b.pyc': '', 'ok.py': 'x = 1\n' });
    try {
      fs.writeFileSync(path.join(dir, 'a.pyc'), bin);
      fs.writeFileSync(path.join(dir, 'b.pyc'), bin);
      assert.match(runCli(['scan', '.'], { cwd: dir }).stdout, /^Skipped 2: 2 binary files\.$/m);
    } finally {
      removeTree(dir);
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

  describe('telling text from binary', () => {
    const keys = [fakeKey(31), fakeKey(32), fakeKey(33), fakeKey(34), fakeKey(35)];
    const env = (key: string): string => `MISP_URL=https://misp.example.org\r\nMISP_KEY=${key}\r\n`;
    /** 'MZ', a DOS header whose offset 0x3c points past the first 8 KB, and there `sig` (a PE file has 'PE\0\0'); a key in between. */
    const exe = (sig: string, key: string): Buffer => {
      const at = 0x4141;
      const head = Buffer.concat([Buffer.from(`MZ${'A'.repeat(58)}`), Buffer.from([0x41, 0x41, 0, 0])]);
      const text = Buffer.from(`\nMISP_URL=https://misp.example.org\nMISP_KEY=${key}\n`);
      return Buffer.concat([head, text, Buffer.alloc(at - head.length - text.length, 0x20), Buffer.from(sig, 'latin1'), Buffer.alloc(64, 0x20)]);
    };
    let dir: string;
    before(() => {
      dir = makeTree({
        'exe/region.env': `MZ_REGION=eu\nMISP_URL=https://misp.example.org\nMISP_KEY=${keys[0]}\n`,
        'utf16/le.env': Buffer.from(env(keys[1]), 'utf16le'),
        'utf16/be.env': Buffer.from(env(keys[2]), 'utf16le').swap16(),
        'exe/tool.exe': exe('PE\u0000\u0000', keys[3]),
        'exe/notpe.env': exe('PX\u0000\u0000', keys[4]),
        // every other byte NUL, but the rest are control characters: not text
        'utf16/samples.raw': Buffer.from(Array.from({ length: 512 }, (_, i) => (i % 2 === 0 ? i % 16 + 1 : 0))),
      });
    });
    after(() => removeTree(dir));

    it('scans a text that starts with MZ, and skips a file only when it has the PE header', () => {
      const { report } = scanJson(dir, 'exe');
      assert.deepEqual(report.findings.map((f) => [f.path, f.line, f.ruleId]), [['exe/notpe.env', 3, 'plaintext-config-key'], ['exe/region.env', 3, 'plaintext-config-key']]);
      assert.deepEqual(report.skipped.map((s) => [s.path, s.reason]), [['exe/tool.exe', 'binary']]);
      assert.equal(report.summary.filesScanned, 2);
    });

    it('decodes UTF-16 without a byte-order mark, both byte orders, and still skips NUL-laced binary data', () => {
      const r = runCli(['scan', '--format', 'json', 'utf16'], { cwd: dir });
      assert.equal(r.status, 1, r.stderr);
      const report = JSON.parse(r.stdout) as Omit<JsonReport, 'findings'> & { findings: { path: string; line: number; column: number; ruleId: string; preview?: string }[] };
      assert.deepEqual(report.findings.map((f) => [f.path, f.line, f.column, f.ruleId, f.preview]), [
        ['utf16/be.env', 2, 10, 'plaintext-config-key', `${keys[2].slice(0, 4)}…`],
        ['utf16/le.env', 2, 10, 'plaintext-config-key', `${keys[1].slice(0, 4)}…`],
      ]);
      assert.deepEqual(report.skipped.map((s) => [s.path, s.reason]), [['utf16/samples.raw', 'binary']]);
      assert.equal(report.summary.filesScanned, 2);
    });
  });
});
