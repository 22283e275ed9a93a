/**
 * What a tree scan reads: .gitignore (root and nested, with negation; --no-gitignore), --exclude
 * globs, --max-file-size, and the same results on worker threads as on one thread.
 */
import * as assert from 'node:assert/strict';
import { fakeKey, makeTree, pymispScript, removeTree, runCli } from './cliHarness';

interface JsonReport {
  findings: { path: string; line: number; ruleId: string }[];
  skipped: { path: string; reason: string; directory: boolean }[];
  summary: { filesScanned: number; skipped: Record<string, number> };
}

function scan(cwd: string, ...args: string[]): JsonReport {
  const r = runCli(['scan', '--format', 'json', ...args], { cwd });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as JsonReport;
}

const paths = (r: JsonReport): string[] => [...new Set(r.findings.map((f) => f.path))].sort();

describe('cli: what a tree scan reads', () => {
  let tree: string;
  before(() => {
    tree = makeTree({
      '.gitignore': '*.env\nbuild/\nsecrets/*\n!secrets/shared.py\n',
      'app.py': pymispScript(fakeKey(601)),
      'local.env': `MISP_KEY=${fakeKey(602)}\n`,
      'build/gen.py': pymispScript(fakeKey(603)),
      'secrets/private.py': pymispScript(fakeKey(604)),
      'secrets/shared.py': pymispScript(fakeKey(605)),
      'conf/.gitignore': '!team.env\n',
      'conf/team.env': `MISP_URL=https://misp.example.org\nMISP_KEY=${fakeKey(606)}\n`,
      'conf/other.env': `MISP_KEY=${fakeKey(607)}\n`,
      'web/bundle.min.js': `fetch("https://misp.example.org/events/restSearch",{headers:{Authorization:"${fakeKey(608)}"}});`,
      'web/big.py': `${pymispScript(fakeKey(609))}${'#'.repeat(200_000)}\n`,
    });
  });
  after(() => removeTree(tree));

  it('honours .gitignore at the root and nested, negations included, and counts what it left out', () => {
    const r = scan(tree, '.');
    assert.deepEqual(paths(r), ['app.py', 'conf/team.env', 'secrets/shared.py', 'web/big.py', 'web/bundle.min.js']);
    assert.deepEqual(r.skipped.filter((s) => s.reason === 'gitignored').map((s) => s.path).sort(),
      ['build', 'conf/other.env', 'local.env', 'secrets/private.py']);
    const text = runCli(['scan', '.'], { cwd: tree }).stdout;
    assert.match(text, /4 ignored by \.gitignore/);
  });

  it('--no-gitignore reads them all', () => {
    const r = scan(tree, '--no-gitignore', '.');
    assert.equal(paths(r).length, 9);
  });

  it('--exclude takes names anywhere and paths from the scanned root, repeatable', () => {
    const r = scan(tree, '--exclude', '*.min.js', '--exclude', 'secrets/**', '.');
    assert.deepEqual(paths(r), ['app.py', 'conf/team.env', 'web/big.py']);
    assert.equal(r.summary.skipped.excluded, 2);
  });

  it('--max-file-size skips larger files and says so', () => {
    const r = scan(tree, '--max-file-size', '100K', 'web');
    assert.deepEqual(paths(r), ['web/bundle.min.js']);
    assert.deepEqual(r.skipped.map((s) => [s.path, s.reason]), [['web/big.py', 'too-large']]);
  });

  it('finds the same on worker threads as on one thread', () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 400; i++) many[`m${i % 7}/f${i}.py`] = i % 40 === 0 ? pymispScript(fakeKey(700 + i)) : 'x = 1\n'.repeat(50);
    const big = makeTree(many);
    try {
      const one = runCli(['scan', '--format', 'json', '--jobs', '1', '.'], { cwd: big }).stdout;
      const two = runCli(['scan', '--format', 'json', '--jobs', '2', '.'], { cwd: big }).stdout;
      assert.equal(two, one);
      assert.equal((JSON.parse(one) as JsonReport).findings.length, 20);
    } finally {
      removeTree(big);
    }
  });
});
