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

  const SCAN_USAGE = "Usage: misp-guard scan [--format text|json|sarif] [--output FILE] [PATH...]\n       misp-guard scan --staged | --since REV | --history [options] [PATH...]\nRun 'misp-guard scan --help' for more.\n";
  const BASELINE_USAGE = "Usage: misp-guard baseline [--output FILE] [--history [--since REV]] [options] [PATH...]\nRun 'misp-guard baseline --help' for more.\n";
  const FIX_USAGE = "Usage: misp-guard fix --to env|vault [--write] [--store dotenv|vault] [options] PATH...\nRun 'misp-guard fix --help' for more.\n";
  const MAIN_USAGE = "Usage: misp-guard scan|baseline|fix [options] [PATH...]\nRun 'misp-guard --help' for more.\n";
  // Each usage error: one lower-case message, then the usage of the command that failed.
  const usageErrors: [string, string[], string][] = [
    ['no command', [], `misp-guard: missing command (scan, baseline or fix)\n${MAIN_USAGE}`],
    ['an unknown command', ['audit', '.'], `misp-guard: unknown command 'audit' (expected scan, baseline or fix)\n${MAIN_USAGE}`],
    ['an option before the command', ['--bogus'], `misp-guard: unknown option '--bogus' (options go after the command: scan, baseline or fix)\n${MAIN_USAGE}`],
    ['an unknown flag', ['scan', '--bogus', '.'], `misp-guard: unknown option '--bogus'\n${SCAN_USAGE}`],
    ['an unknown short flag', ['scan', '-x', '.'], `misp-guard: unknown option '-x'\n${SCAN_USAGE}`],
    ['an unknown format', ['scan', '--format', 'xml', '.'], `misp-guard: unknown format 'xml' (expected text, json, sarif)\n${SCAN_USAGE}`],
    ['a format flag without value', ['scan', '--format'], `misp-guard: --format needs a value\n${SCAN_USAGE}`],
    ['a switch given a value', ['scan', '--staged=yes'], `misp-guard: --staged takes no value\n${SCAN_USAGE}`],
    ['a negative --max-file-size', ['scan', '--max-file-size', '-1', '.'], `misp-guard: --max-file-size needs a size such as 500K or 5M, not '-1'\n${SCAN_USAGE}`],
    ['--max-file-size=-1', ['scan', '--max-file-size=-1', '.'], `misp-guard: --max-file-size needs a size such as 500K or 5M, not '-1'\n${SCAN_USAGE}`],
    ['--max-file-size followed by an option', ['scan', '--max-file-size', '--staged'], `misp-guard: --max-file-size needs a value (found the option '--staged' instead)\n${SCAN_USAGE}`],
    ['a negative --jobs', ['scan', '-j', '-3', '.'], `misp-guard: --jobs needs a positive number, not '-3'\n${SCAN_USAGE}`],
    ['--since followed by a dash value', ['scan', '--since', '-x'], `misp-guard: --since needs a value, and '-x' looks like an option (write --since=-x if it is the value)\n${SCAN_USAGE}`],
    ['an empty path', ['scan', ''], `misp-guard: empty PATH argument (write '.' for the current directory)\n${SCAN_USAGE}`],
    ['an empty path among others', ['scan', 'clean', ''], `misp-guard: empty PATH argument (write '.' for the current directory)\n${SCAN_USAGE}`],
    ['baseline: an unknown flag', ['baseline', '--bogus'], `misp-guard: unknown option '--bogus'\n${BASELINE_USAGE}`],
    ['baseline: an empty path', ['baseline', ''], `misp-guard: empty PATH argument (write '.' for the current directory)\n${BASELINE_USAGE}`],
    ['baseline: a bad --max-file-size', ['baseline', '--max-file-size', 'lots'], `misp-guard: --max-file-size needs a size such as 500K or 5M, not 'lots'\n${BASELINE_USAGE}`],
    ['baseline: --output without value', ['baseline', '-o'], `misp-guard: --output needs a value\n${BASELINE_USAGE}`],
    ['fix: an unknown flag', ['fix', '--bogus'], `misp-guard: unknown option '--bogus'\n${FIX_USAGE}`],
    ['fix: an empty path', ['fix', '--to', 'env', ''], `misp-guard: empty PATH argument (write '.' for the current directory)\n${FIX_USAGE}`],
  ];
  for (const [what, args, stderr] of usageErrors) {
    it(`exits 2 on ${what}`, () => {
      const r = runCli(args, { cwd: tree });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr, stderr);
      assert.equal(r.stdout, '');
    });
  }

  it('exits 2 on a missing path', () => {
    const r = runCli(['scan', 'no/such/dir'], { cwd: tree });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /no such file or directory: no\/such\/dir/);
    assert.equal(r.stdout, '');
  });

  it('writes no baseline for an empty path', () => {
    runCli(['baseline', ''], { cwd: tree });
    assert.equal(fs.existsSync(path.join(tree, '.misp-guard-baseline.json')), false);
  });

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
