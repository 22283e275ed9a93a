import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT, fakeKey, makeTree, pymispScript, removeTree, runCli } from './cliHarness';

describe('cli: commands and exit codes', () => {
  let tree: string;
  before(() => {
    tree = makeTree({
      'clean/app.py': 'import os\nfrom pymisp import PyMISP\nmisp = PyMISP(os.environ["MISP_URL"], os.environ["MISP_KEY"])\n',
      'clean/README.md': '# nothing to see\n',
      'dirty/fetch.py': pymispScript(fakeKey(1)),
    });
  });
  after(() => removeTree(tree));

  it('--help prints usage and exits 0', () => {
    const r = runCli(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /misp-guard scan \[--format text\|json\|sarif\]/);
    const scanHelp = runCli(['scan', '--help']);
    assert.equal(scanHelp.status, 0);
    assert.match(scanHelp.stdout, /--output FILE/);
    assert.match(scanHelp.stdout, /Exit codes: 0 no findings, 1 findings, 2 usage error/);
  });

  it('--version prints the package version and exits 0', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = runCli(['--version']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  const usageErrors: [string, string[], RegExp][] = [
    ['no command', [], /missing command/],
    ['an unknown command', ['audit', '.'], /unknown command 'audit'/],
    ['an unknown flag', ['scan', '--bogus', '.'], /Unknown option '--bogus'/],
    ['an unknown format', ['scan', '--format', 'xml', '.'], /unknown format 'xml'/],
    ['a format flag without value', ['scan', '--format'], /argument missing/],
    ['a missing path', ['scan', 'no/such/dir'], /no such file or directory: no\/such\/dir/],
  ];
  for (const [what, args, message] of usageErrors) {
    it(`exits 2 on ${what}`, () => {
      const r = runCli(args, { cwd: tree });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }

  it('exits 0 on a clean tree, in every format', () => {
    for (const format of ['text', 'json', 'sarif']) {
      const r = runCli(['scan', '--format', format, 'clean'], { cwd: tree });
      assert.equal(r.status, 0, `${format}: ${r.stdout}${r.stderr}`);
    }
    assert.match(runCli(['scan', 'clean'], { cwd: tree }).stdout, /^No findings; 2 files scanned\.$/m);
  });

  it('exits 1 when there are findings, in every format', () => {
    for (const format of ['text', 'json', 'sarif']) {
      const r = runCli(['scan', '--format', format, 'dirty'], { cwd: tree });
      assert.equal(r.status, 1, `${format}: ${r.stdout}${r.stderr}`);
    }
  });

  it("scans '.' when no path is given", () => {
    const r = runCli(['scan', '--format', 'json'], { cwd: path.join(tree, 'dirty') });
    assert.equal(r.status, 1);
    const report = JSON.parse(r.stdout) as { findings: { path: string }[] };
    assert.ok(report.findings.length > 0);
    assert.ok(report.findings.every((f) => f.path === 'fetch.py'));
  });

  it('writes the report to --output and keeps the exit code', () => {
    const out = path.join(tree, 'report.sarif');
    const r = runCli(['scan', '--format', 'sarif', '--output', out, 'dirty'], { cwd: tree });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /sarif report written to/);
    const log = JSON.parse(fs.readFileSync(out, 'utf8')) as { version: string };
    assert.equal(log.version, '2.1.0');
  });
});
