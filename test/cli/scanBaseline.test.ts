/**
 * `misp-guard baseline` and `scan --baseline`: a round trip (write, then nothing is reported), edits
 * that move a finding do not churn it, a new key is reported, no key or line number in the file;
 * SARIF of a baselined scan is schema-valid; --fail-on and the exit codes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as sarif from 'sarif';
import { fakeKey, makeTree, pymispScript, removeTree, runCli } from './cliHarness';
import { sarifSchemaErrors } from './sarifSupport';

describe('cli: baseline', () => {
  let tree: string;
  const keys = [fakeKey(501), fakeKey(502), fakeKey(503)];
  before(() => {
    tree = makeTree({
      'src/fetch.py': pymispScript(keys[0]),
      '.env': `MISP_URL=https://misp.example.org\nMISP_KEY=${keys[1]}\n`,
    });
  });
  after(() => removeTree(tree));

  it('writes fingerprints without keys or line numbers, and a scan with it reports nothing', () => {
    const w = runCli(['baseline', '--output', 'ci/baseline.json', '.'], { cwd: tree });
    assert.equal(w.status, 0, w.stderr);
    assert.match(w.stderr, /baseline of 3 finding\(s\)/);
    const text = fs.readFileSync(path.join(tree, 'ci', 'baseline.json'), 'utf8');
    for (const k of keys) assert.ok(!text.includes(k), 'no raw key in the baseline');
    const doc = JSON.parse(text) as { tool: string; version: number; findings: Record<string, unknown>[] };
    assert.equal(doc.tool, 'misp-guard');
    assert.equal(doc.findings.length, 3);
    for (const e of doc.findings) {
      assert.deepEqual(Object.keys(e).filter((k) => !['fingerprint', 'ruleId', 'file', 'count', 'preview'].includes(k)), []);
      assert.match(String(e.fingerprint), /^[0-9a-f]{32}$/);
    }
    // paths are relative to the baseline's directory
    assert.deepEqual([...new Set(doc.findings.map((e) => e.file))].sort(), ['../.env', '../src/fetch.py']);
    const r = runCli(['scan', '--baseline', 'ci/baseline.json', '.'], { cwd: tree });
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /^No findings; \d+ files scanned\.$/m);
    assert.match(r.stdout, /^3 baselined findings hidden\.$/m);
  });

  it('does not churn when lines move, and reports a new key', () => {
    const file = path.join(tree, 'src', 'fetch.py');
    fs.writeFileSync(file, `# a comment pushing everything down\n\n${fs.readFileSync(file, 'utf8')}\nbackup_misp_key = "${keys[2]}"\n`);
    const r = runCli(['scan', '--format', 'json', '--baseline', 'ci/baseline.json', '.'], { cwd: tree });
    assert.equal(r.status, 1);
    const report = JSON.parse(r.stdout) as { findings: { path: string; line: number; preview?: string }[]; summary: { baselined: number } };
    assert.equal(report.summary.baselined, 3);
    assert.deepEqual(report.findings.map((f) => [f.path, f.preview]), [['src/fetch.py', `${keys[2].slice(0, 4)}…`]]);
  });

  it('marks results of a baselined SARIF scan as new, and stays schema-valid', () => {
    const r = runCli(['scan', '--format', 'sarif', '--baseline', 'ci/baseline.json', '.'], { cwd: tree });
    const log = JSON.parse(r.stdout) as sarif.Log;
    assert.deepEqual(sarifSchemaErrors(log), []);
    assert.deepEqual(log.runs[0].results?.map((x) => x.baselineState), ['new']);
    const rules = log.runs[0].tool.driver.rules ?? [];
    assert.ok(rules.every((rule) => typeof rule.properties?.['security-severity'] === 'string'));
  });

  it('exits 2 on a missing or broken baseline', () => {
    const missing = runCli(['scan', '--baseline', 'nope.json', '.'], { cwd: tree });
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, `misp-guard: cannot read baseline ${path.join(tree, 'nope.json')}: ENOENT\n`);
    const broken: [string, string, string][] = [
      ['other.json', '{"tool":"other"}', 'is not a misp-guard baseline: no "tool": "misp-guard"'],
      ['list.json', '[1, 2]', 'is not a misp-guard baseline: not a JSON object'],
      ['version.json', `{"tool":"misp-guard","version":"${keys[0].slice(0, 12)}"}`, ''],
      ['rule.json', `{"tool":"misp-guard","version":1,"findings":[{"fingerprint":"${'a'.repeat(32)}","ruleId":"${keys[0].slice(0, 12)}"}]}`, ''],
    ];
    for (const [name, content, message] of broken) {
      fs.writeFileSync(path.join(tree, name), content);
      const bad = runCli(['scan', '--baseline', name, '.'], { cwd: tree });
      assert.equal(bad.status, 2);
      const expected = message ? `misp-guard: ${path.join(tree, name)} ${message}\n`
        : name === 'version.json' ? `misp-guard: invalid baseline ${path.join(tree, name)}: unsupported version (expected 1)\n`
          : `misp-guard: invalid baseline ${path.join(tree, name)}: entry 0: unknown rule\n`;
      assert.equal(bad.stderr, expected);
      assert.equal(bad.stdout, '');
    }
  });

  it('a baseline that is not JSON (a .env given by mistake): a clear message quoting none of it', () => {
    // V8's own message would quote the first 10 characters of the file: here 'MISP_KEY=' and a key's first letter.
    fs.writeFileSync(path.join(tree, 'settings.env'), `MISP_KEY=${keys[1]}\n`);
    const r = runCli(['scan', '--baseline', 'settings.env', '.'], { cwd: tree });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `misp-guard: ${path.join(tree, 'settings.env')} is not a misp-guard baseline: not valid JSON (line 1, column 1: invalid symbol)\n`);
    assert.equal(r.stdout, '');
    fs.writeFileSync(path.join(tree, 'cut.json'), `{\n  "tool": "misp-guard",\n  "version": 1,\n  "findings": [{"preview": "${keys[1].slice(0, 20)}`);
    const cut = runCli(['scan', '--baseline', 'cut.json', '.'], { cwd: tree });
    assert.equal(cut.status, 2);
    assert.equal(cut.stderr, `misp-guard: ${path.join(tree, 'cut.json')} is not a misp-guard baseline: not valid JSON (line 4, column 28: unexpected end of string)\n`);
  });
});

describe('cli: --fail-on and exit codes', () => {
  let tree: string;
  before(() => {
    tree = makeTree({
      'tls.py': 'from pymisp import PyMISP\nimport os\nmisp = PyMISP("https://misp.example.org", os.environ["MISP_KEY"], ssl=False)\n',
      'key.py': pymispScript(fakeKey(511)),
    });
  });
  after(() => removeTree(tree));

  const cases: [string, string[], number][] = [
    ['a warning fails by default', ['tls.py'], 1],
    ['a warning passes --fail-on error', ['--fail-on', 'error', 'tls.py'], 0],
    ['a warning fails --fail-on warning', ['--fail-on', 'warning', 'tls.py'], 1],
    ['an error fails --fail-on error', ['--fail-on', 'error', 'key.py'], 1],
    ['a bad level is a usage error', ['--fail-on', 'note', '.'], 2],
    ['--staged with --since is a usage error', ['--staged', '--since', 'HEAD'], 2],
    ['a bad --max-file-size is a usage error', ['--max-file-size', 'lots', '.'], 2],
    ['a bad --jobs is a usage error', ['--jobs', '0', '.'], 2],
  ];
  for (const [what, args, code] of cases) {
    it(`${what} (exit ${code})`, () => {
      const r = runCli(['scan', ...args], { cwd: tree });
      assert.equal(r.status, code, r.stdout + r.stderr);
      if (code === 2) assert.equal(r.stdout, '');
    });
  }

  it('documents the new flags in --help', () => {
    const r = runCli(['scan', '--help']);
    for (const flag of ['--staged', '--since REV', '--history', '--baseline FILE', '--exclude GLOB', '--max-file-size', '--fail-on']) {
      assert.ok(r.stdout.includes(flag), flag);
    }
    assert.match(runCli(['baseline', '--help']).stdout, /Usage: misp-guard baseline/);
  });
});
