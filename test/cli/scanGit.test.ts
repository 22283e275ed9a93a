/**
 * Git sources of `misp-guard scan`: --staged (the index, not the work tree), --since REV, and
 * --history (a key added in one commit and removed in the next is reported with both commit ids).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as sarif from 'sarif';
import { fakeKey, makeTree, pymispScript, removeTree, runCli } from './cliHarness';
import { sarifSchemaErrors } from './sarifSupport';

interface JsonReport {
  findings: { path: string; line: number; ruleId: string; commit?: string; removedIn?: string }[];
  summary: { filesScanned: number; findings: number; commits?: number };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z' } }).trim();
}

function repo(files: Record<string, string>): string {
  const dir = makeTree(files);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'dev@example.org');
  git(dir, 'config', 'user.name', 'Dev');
  git(dir, 'config', 'commit.gpgsign', 'false');
  return dir;
}

function commit(dir: string, message: string): string {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

function json(cwd: string, args: string[]): { status: number | null; report: JsonReport; stderr: string } {
  const r = runCli(['scan', '--format', 'json', ...args], { cwd });
  assert.equal(r.timedOut, false);
  return { status: r.status, report: JSON.parse(r.stdout || '{}') as JsonReport, stderr: r.stderr };
}

describe('cli: scanning git', function () {
  this.timeout(60_000);

  describe('--staged', () => {
    let dir: string;
    before(() => {
      dir = repo({ 'README.md': '# app\n' });
      commit(dir, 'init');
    });
    after(() => removeTree(dir));

    it('scans what is staged, not the work tree, and only staged files', () => {
      fs.writeFileSync(path.join(dir, 'staged.py'), pymispScript(fakeKey(401)));
      git(dir, 'add', 'staged.py');
      // the work tree no longer has the key, the index still does
      fs.writeFileSync(path.join(dir, 'staged.py'), 'import os\n');
      // a key that is not staged is not this commit's business
      fs.writeFileSync(path.join(dir, 'unstaged.py'), pymispScript(fakeKey(402)));
      const { status, report } = json(dir, ['--staged']);
      assert.equal(status, 1);
      assert.deepEqual(report.findings.map((f) => [f.path, f.line, f.ruleId]), [['staged.py', 4, 'hardcoded-key'], ['staged.py', 5, 'tls-verify-disabled']]);
      assert.equal(report.summary.filesScanned, 1);
    });

    it('passes when the staged version is clean, whatever the work tree holds', () => {
      fs.writeFileSync(path.join(dir, 'staged.py'), 'import os\n');
      git(dir, 'add', 'staged.py');
      fs.writeFileSync(path.join(dir, 'staged.py'), pymispScript(fakeKey(403)));
      const r = runCli(['scan', '--staged'], { cwd: dir });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /No findings; 1 file scanned\./);
    });

    it('exits 2 outside a git repository', () => {
      const plain = makeTree({ 'a.py': 'x = 1\n' });
      try {
        const r = runCli(['scan', '--staged'], { cwd: plain, env: { GIT_CEILING_DIRECTORIES: path.dirname(plain) } });
        assert.equal(r.status, 2);
        assert.match(r.stderr, /not a git repository/i);
      } finally {
        removeTree(plain);
      }
    });
  });

  describe('--history and --since', () => {
    let dir: string;
    let added: string;
    let removed: string;
    let base: string;
    before(() => {
      dir = repo({ 'app/client.py': 'import os\n', 'README.md': '# app\n' });
      base = commit(dir, 'init');
      fs.writeFileSync(path.join(dir, 'app/client.py'), `from pymisp import PyMISP\nmisp_key = "${fakeKey(411)}"\n`);
      added = commit(dir, 'add the key');
      fs.writeFileSync(path.join(dir, 'app/client.py'), 'import os\nmisp_key = os.environ["MISP_KEY"]\n');
      removed = commit(dir, 'remove the key');
      fs.writeFileSync(path.join(dir, 'settings.env'), `MISP_URL=https://misp.example.org\nMISP_KEY=${fakeKey(412)}\n`);
      commit(dir, 'add settings');
    });
    after(() => removeTree(dir));

    it('a plain scan of HEAD finds the current key only', () => {
      const { report } = json(dir, ['.']);
      assert.deepEqual(report.findings.map((f) => f.path), ['settings.env']);
    });

    it('--history reports the key added in one commit and removed in the next, with both ids', () => {
      const { status, report } = json(dir, ['--history']);
      assert.equal(status, 1);
      const gone = report.findings.find((f) => f.path === 'app/client.py');
      assert.ok(gone, JSON.stringify(report.findings));
      assert.equal(gone.commit, added);
      assert.equal(gone.removedIn, removed);
      assert.equal(gone.line, 2);
      const still = report.findings.find((f) => f.path === 'settings.env');
      assert.ok(still && still.removedIn === undefined);
      assert.equal(report.summary.commits, 4);
      const text = runCli(['scan', '--history'], { cwd: dir }).stdout;
      assert.match(text, new RegExp(`^app/client\\.py:2:\\d+ +error +hardcoded-key .*\\(added in ${added.slice(0, 12)}, removed in ${removed.slice(0, 12)}\\)$`, 'm'));
      assert.match(text, /in 4 commits scanned/);
    });

    it('--history --format sarif is schema-valid and carries the commit ids', () => {
      const r = runCli(['scan', '--history', '--format', 'sarif'], { cwd: dir });
      const log = JSON.parse(r.stdout) as sarif.Log;
      assert.deepEqual(sarifSchemaErrors(log), []);
      const result = log.runs[0].results?.find((x) => x.locations?.[0]?.physicalLocation?.artifactLocation?.uri === 'app/client.py');
      assert.deepEqual(result?.properties, { commit: added, removedIn: removed });
      // what code scanning shows: the message names both commits (short ids)
      assert.equal(result?.message.text, `MISP API key hard-coded in source: misp_key = ${fakeKey(411).slice(0, 4)}… (added in ${added.slice(0, 12)}, removed in ${removed.slice(0, 12)})`);
      const still = log.runs[0].results?.find((x) => x.locations?.[0]?.physicalLocation?.artifactLocation?.uri === 'settings.env');
      assert.match(still?.message.text ?? '', / \(added in [0-9a-f]{12}, still present\)$/);
    });

    it('--history --since REV only looks at REV..HEAD', () => {
      const { report } = json(dir, ['--history', '--since', removed]);
      assert.deepEqual(report.findings.map((f) => f.path), ['settings.env']);
      assert.equal(report.summary.commits, 1);
    });

    it('--since REV scans the files changed since REV (and untracked ones)', () => {
      fs.writeFileSync(path.join(dir, 'new.py'), pymispScript(fakeKey(413)));
      try {
        const { report } = json(dir, ['--since', added]);
        assert.deepEqual([...new Set(report.findings.map((f) => f.path))], ['new.py', 'settings.env']);
        assert.equal(report.summary.filesScanned, 3);
        const none = json(dir, ['--since', 'HEAD', 'app']);
        assert.equal(none.report.summary.filesScanned, 0);
      } finally {
        fs.rmSync(path.join(dir, 'new.py'));
      }
    });

    it('exits 2 on an unknown revision, naming it', () => {
      for (const args of [['--since', 'no-such-rev'], ['--history', '--since', 'no-such-rev']]) {
        const r = runCli(['scan', ...args], { cwd: dir });
        assert.equal(r.status, 2);
        assert.equal(r.stderr, `misp-guard: unknown revision 'no-such-rev': no such commit in ${dir}\n`);
        assert.equal(r.stdout, '');
      }
    });

    describe('from outside the repository: git runs in the repository holding PATH', () => {
      let outside: string;
      const env = (): NodeJS.ProcessEnv => ({ GIT_CEILING_DIRECTORIES: path.dirname(outside) });
      before(() => { outside = makeTree({ 'notes.txt': 'not a repository\n' }); });
      after(() => removeTree(outside));
      const shown = (rel: string): string => path.relative(outside, path.join(dir, rel)).split(path.sep).join('/');

      it('--history PATH', () => {
        const r = runCli(['scan', '--format', 'json', '--history', dir], { cwd: outside, env: env() });
        assert.equal(r.status, 1, r.stderr);
        const report = JSON.parse(r.stdout) as JsonReport;
        assert.deepEqual(report.findings.map((f) => [f.path, f.line, f.commit, f.removedIn]), [
          [shown('app/client.py'), 2, added, removed],
          [shown('settings.env'), 2, report.findings[1].commit, undefined],
        ]);
        assert.equal(report.summary.commits, 4);
        // a sub-path (one that no longer holds a key, or no longer exists) limits the history scan
        const sub = JSON.parse(runCli(['scan', '--format', 'json', '--history', path.join(dir, 'app')], { cwd: outside, env: env() }).stdout) as JsonReport;
        assert.deepEqual(sub.findings.map((f) => f.path), [shown('app/client.py')]);
        const gone = runCli(['scan', '--format', 'json', '--history', path.join(dir, 'app', 'client.py'), path.join(dir, 'old', 'gone.py')], { cwd: outside, env: env() });
        assert.equal(gone.status, 1, gone.stderr);
        assert.deepEqual((JSON.parse(gone.stdout) as JsonReport).findings.map((f) => f.path), [shown('app/client.py')]);
      });

      it('--since REV PATH and --staged PATH', () => {
        const since = JSON.parse(runCli(['scan', '--format', 'json', '--since', added, dir], { cwd: outside, env: env() }).stdout) as JsonReport;
        assert.deepEqual(since.findings.map((f) => f.path), [shown('settings.env')]);
        assert.equal(since.summary.filesScanned, 2);
        fs.writeFileSync(path.join(dir, 'staged.py'), pymispScript(fakeKey(414)));
        git(dir, 'add', 'staged.py');
        try {
          const staged = runCli(['scan', '--format', 'json', '--staged', dir], { cwd: outside, env: env() });
          assert.equal(staged.status, 1, staged.stderr);
          assert.deepEqual((JSON.parse(staged.stdout) as JsonReport).findings.map((f) => [f.path, f.line]), [[shown('staged.py'), 4], [shown('staged.py'), 5]]);
          const other = runCli(['scan', '--format', 'json', '--staged', path.join(dir, 'app')], { cwd: outside, env: env() });
          assert.equal(other.status, 0, other.stderr);
          assert.equal((JSON.parse(other.stdout) as JsonReport).summary.filesScanned, 0);
        } finally {
          git(dir, 'rm', '-q', '--cached', 'staged.py');
          fs.rmSync(path.join(dir, 'staged.py'));
        }
      });

      it('exits 2 for a path outside any repository, and for paths in two repositories', () => {
        const r = runCli(['scan', '--history', outside], { cwd: outside, env: env() });
        assert.equal(r.status, 2);
        assert.match(r.stderr, new RegExp(`^misp-guard: not a git repository: ${outside.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(not a git repository`));
        const other = repo({ 'x.py': 'x = 1\n' });
        try {
          const two = runCli(['scan', '--staged', dir, other], { cwd: outside, env: env() });
          assert.equal(two.status, 2);
          assert.equal(two.stderr, `misp-guard: the paths are in different git repositories: ${dir} in ${dir}, ${other} in ${other}\n`);
        } finally {
          removeTree(other);
        }
      });
    });
  });

  describe('baseline --history', () => {
    let dir: string;
    let rotated: string;
    const keys = [fakeKey(431), fakeKey(432), fakeKey(433)];
    before(() => {
      dir = repo({ 'README.md': '# app\n' });
      commit(dir, 'init');
      fs.writeFileSync(path.join(dir, 'sync.py'), `from pymisp import PyMISP\nmisp_key = "${keys[0]}"\n`);
      commit(dir, 'add the key');
      // rotated: the key is gone from the tree, still in the history
      fs.writeFileSync(path.join(dir, 'sync.py'), 'import os\nfrom pymisp import PyMISP\nmisp = PyMISP(os.environ["MISP_URL"], os.environ["MISP_KEY"], ssl=False)\n');
      rotated = commit(dir, 'read the key from the environment');
    });
    after(() => removeTree(dir));

    it('accepts a key found only in the history, and the findings on disk, in one file', () => {
      assert.equal(runCli(['scan', '--history'], { cwd: dir }).status, 1);
      const w = runCli(['baseline', '--history'], { cwd: dir });
      assert.equal(w.status, 0, w.stderr);
      assert.equal(w.stderr, 'misp-guard: baseline of 2 finding(s) (2 fingerprint(s)) in 2 file(s) and 3 file version(s) in 3 commit(s) scanned written to .misp-guard-baseline.json\n');
      const text = fs.readFileSync(path.join(dir, '.misp-guard-baseline.json'), 'utf8');
      for (const k of keys) assert.ok(!text.includes(k));
      const doc = JSON.parse(text) as { findings: { ruleId: string; file: string; count: number; preview?: string }[] };
      assert.deepEqual(doc.findings.map((e) => [e.file, e.ruleId, e.count, e.preview]), [
        ['sync.py', 'hardcoded-key', 1, `${keys[0].slice(0, 4)}…`],
        ['sync.py', 'tls-verify-disabled', 1, undefined],
      ]);
      const history = runCli(['scan', '--history', '--baseline', '.misp-guard-baseline.json'], { cwd: dir });
      assert.equal(history.status, 0, history.stdout);
      assert.equal(history.stdout, 'No findings; 3 file versions in 3 commits scanned.\n1 baselined finding hidden.\n');
      // the same file serves the scan of the work tree (its TLS finding) and the editor
      const tree = runCli(['scan', '--baseline', '.misp-guard-baseline.json', '.'], { cwd: dir });
      assert.equal(tree.status, 0, tree.stdout);
      assert.match(tree.stdout, /^1 baselined finding hidden\.$/m);
    });

    it('a key committed afterwards is new', () => {
      fs.writeFileSync(path.join(dir, 'backup.env'), `MISP_URL=https://misp.example.org\nMISP_KEY=${keys[1]}\n`);
      commit(dir, 'add a backup config');
      fs.rmSync(path.join(dir, 'backup.env'));
      const removedAt = commit(dir, 'drop it');
      const { status, report } = json(dir, ['--history', '--baseline', '.misp-guard-baseline.json']);
      assert.equal(status, 1);
      assert.deepEqual(report.findings.map((f) => [f.path, f.line, f.ruleId, f.removedIn]), [['backup.env', 2, 'plaintext-config-key', removedAt]]);
    });

    it('--since REV limits the history; --since alone is a usage error', () => {
      const w = runCli(['baseline', '--history', '--since', rotated, '-o', 'recent.json'], { cwd: dir });
      assert.equal(w.status, 0, w.stderr);
      const doc = JSON.parse(fs.readFileSync(path.join(dir, 'recent.json'), 'utf8')) as { findings: { file: string; ruleId: string }[] };
      // REV..HEAD holds backup.env's key, not sync.py's (added before REV); the tree holds sync.py's TLS finding
      assert.deepEqual(doc.findings.map((e) => [e.file, e.ruleId]), [['backup.env', 'plaintext-config-key'], ['sync.py', 'tls-verify-disabled']]);
      const alone = runCli(['baseline', '--since', rotated], { cwd: dir });
      assert.equal(alone.status, 2);
      assert.match(alone.stderr, /^misp-guard: --since needs --history here \(the history REV\.\.HEAD\)\nUsage: misp-guard baseline /);
    });
  });

  describe('a repository without commits', () => {
    let empty: string;
    before(() => {
      empty = repo({ 'app.py': pymispScript(fakeKey(421)) });
    });
    after(() => removeTree(empty));

    it('--history: nothing to scan, exit 0 with a note', () => {
      const r = runCli(['scan', '--history'], { cwd: empty });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'No findings; 0 file versions in 0 commits scanned.\n1 notice (see stderr).\n');
      assert.equal(r.stderr, '.  note  no commits yet: there is no history to scan\n');
    });

    it('--staged still scans the index', () => {
      git(empty, 'add', 'app.py');
      const { status, report } = json(empty, ['--staged']);
      assert.equal(status, 1);
      assert.deepEqual(report.findings.map((f) => [f.path, f.line, f.ruleId]), [['app.py', 4, 'hardcoded-key'], ['app.py', 5, 'tls-verify-disabled']]);
    });
  });
});
