import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as sarif from 'sarif';
import { RULES, RULE_IDS, mask, ruleHelpUri } from '../../server/src/core';
import { fakeKey, makeTree, pymispScript, removeTree, runCli } from './cliHarness';
import { resolveArtifact, sarifResults, sarifSchemaErrors } from './sarifSupport';

const KEYS = [fakeKey(11), fakeKey(12), fakeKey(13), fakeKey(14)];

/** Asserts no fixture key appears anywhere in a text. */
function assertNoKey(text: string): void {
  for (const k of KEYS) assert.ok(!text.includes(k), `full key ${mask(k)} leaked`);
}

describe('cli: reports', () => {
  let tree: string;
  before(() => {
    tree = makeTree({
      'scripts/fetch.py': pymispScript(KEYS[0]),
      // emoji (2 UTF-16 code units) before the key on the same line, CRLF line breaks
      'scripts/emoji.py': `label = "\u{1F510}"; misp_key = "${KEYS[1]}"\r\nfrom pymisp import PyMISP\r\n\r\nmisp = PyMISP("https://misp.example.org", misp_key)\r\n`,
      '.env': `MISP_URL=https://misp.example.org\nMISP_KEY=${KEYS[2]}\n`,
      // malformed YAML: the core falls back to a line scan and says so
      'deploy/docker-compose.yml': `services:\n  misp:\n    environment:\n      MISP_KEY: "${KEYS[3]}"\n    ports: [8080\n`,
      'assets/blob.bin': Buffer.from([0x00, 0x00, 0x00, 0x00, 0x01, 0x02]),
    });
  });
  after(() => removeTree(tree));

  describe('text', () => {
    it('escapes control characters in file names, so one finding stays one line', () => {
      const odd = makeTree({ 'new\nline.py': pymispScript(fakeKey(77)) });
      try {
        const out = runCli(['scan', '.'], { cwd: odd }).stdout;
        const lines = out.split('\n').filter((l) => /hardcoded-key/.test(l) && /:\d+:\d+/.test(l));
        assert.deepEqual(lines.map((l) => l.split(':')[0]), ['new\\x0aline.py']);
      } finally {
        removeTree(odd);
      }
    });

    it('prints path:line:col  severity  rule-id  message with masked keys, then a summary', () => {
      const r = runCli(['scan', '.'], { cwd: tree });
      assert.equal(r.status, 1);
      assertNoKey(r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`^scripts/fetch\\.py:4:13 +error {4}hardcoded-key +.*${mask(KEYS[0])}`, 'm'));
      assert.match(r.stdout, /^scripts\/fetch\.py:5:\d+ +warning {2}tls-verify-disabled {2}/m);
      assert.match(r.stdout, new RegExp(`^\\.env:2:10 +error {4}plaintext-config-key +.*${mask(KEYS[2])}`, 'm'));
      assert.match(r.stdout, /^\d+ findings \(\d+ errors, 1 warning\) in 4 files; 4 files scanned\.$/m);
      assert.match(r.stdout, /^ {2}hardcoded-key +2$/m);
      assert.match(r.stdout, /^Skipped 1: 1 binary file\.$/m);
      assert.doesNotMatch(r.stdout, /\u001b\[/, 'no colour when not on a terminal');
    });

    it('streams findings in fixed columns, file after file, exactly as --output writes them; errors counted before warnings', () => {
      const cols = makeTree({
        'a.py': 'from pymisp import PyMISP\nimport os\nmisp = PyMISP("https://misp.example.org", os.environ["MISP_KEY"], ssl=False)\n',
        'deeper/folder/with/keys.py': pymispScript(fakeKey(15)),
        'z.env': `MISP_URL=https://misp.example.org\nMISP_KEY=${fakeKey(16)}\n`,
      });
      try {
        const streamed = runCli(['scan', '.'], { cwd: cols });
        assert.equal(streamed.status, 1);
        const written = runCli(['scan', '--output', 'report.txt', 'a.py', 'deeper', 'z.env'], { cwd: cols });
        assert.equal(written.status, 1);
        assert.equal(fs.readFileSync(path.join(cols, 'report.txt'), 'utf8'), streamed.stdout);
        const lines = streamed.stdout.split('\n');
        // location padded to 40, severity to 7, rule id to the longest rule id (22), two spaces between
        assert.deepEqual(lines.slice(0, 4).map((l) => [l.slice(0, 40).trimEnd(), l.slice(40, 42), l.slice(42, 49).trimEnd(), l.slice(49, 51), l.slice(51, 73).trimEnd(), l.slice(73, 75)]), [
          ['a.py:3:71', '  ', 'warning', '  ', 'tls-verify-disabled', '  '],
          ['deeper/folder/with/keys.py:4:13', '  ', 'error', '  ', 'hardcoded-key', '  '],
          ['deeper/folder/with/keys.py:5:39', '  ', 'warning', '  ', 'tls-verify-disabled', '  '],
          ['z.env:2:10', '  ', 'error', '  ', 'plaintext-config-key', '  '],
        ]);
        assert.equal(lines[5], '4 findings (2 errors, 2 warnings) in 3 files; 3 files scanned.');
      } finally {
        removeTree(cols);
      }
    });

    it('counts columns in UTF-16 code units and CRLF as one line break', () => {
      const r = runCli(['scan', 'scripts/emoji.py'], { cwd: tree });
      const text = fs.readFileSync(path.join(tree, 'scripts/emoji.py'), 'utf8');
      const col = text.indexOf(KEYS[1]) + 1;
      assert.match(r.stdout, new RegExp(`^scripts/emoji\\.py:1:${col} +error {4}hardcoded-key`, 'm'));
    });

    it('shows core notices on stderr', () => {
      const r = runCli(['scan', 'deploy'], { cwd: tree });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^deploy\/docker-compose\.yml(:\d+:\d+)?  warning  .*YAML/m);
      assert.match(r.stdout, /^deploy\/docker-compose\.yml:4:\d+ +error {4}plaintext-config-key/m);
    });

    it('colours only when forced or on a terminal', () => {
      const r = runCli(['scan', 'scripts/fetch.py'], { cwd: tree, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
      assert.match(r.stdout, /\u001b\[31merror/);
    });
  });

  describe('json', () => {
    it('lists findings with 1-based positions, masked message and preview', () => {
      const r = runCli(['scan', '--format', 'json', '.'], { cwd: tree });
      assert.equal(r.status, 1);
      assertNoKey(r.stdout + r.stderr);
      const report = JSON.parse(r.stdout) as {
        findings: { path: string; line: number; column: number; endLine: number; endColumn: number; ruleId: string; severity: string; message: string; preview?: string }[];
        skipped: { path: string; reason: string }[];
        notices: { path: string; level: string; message: string }[];
        summary: { filesScanned: number; findings: number };
      };
      const fetch = report.findings.find((f) => f.path === 'scripts/fetch.py' && f.ruleId === 'hardcoded-key');
      assert.ok(fetch, JSON.stringify(report.findings));
      assert.deepEqual({ ...fetch, message: undefined }, {
        path: 'scripts/fetch.py', line: 4, column: 13, endLine: 4, endColumn: 53, ruleId: 'hardcoded-key',
        severity: 'error', message: undefined, preview: mask(KEYS[0]),
      });
      assert.ok(fetch.message.includes(mask(KEYS[0])));
      assert.deepEqual(report.skipped, [{ path: 'assets/blob.bin', reason: 'binary', directory: false }]);
      assert.ok(report.notices.some((n) => n.path === 'deploy/docker-compose.yml' && n.level === 'warning'));
      assert.equal(report.summary.findings, report.findings.length);
      assert.equal(report.summary.filesScanned, 4);
    });
  });

  describe('sarif', () => {
    let log: sarif.Log;
    let raw: string;
    before(() => {
      const r = runCli(['scan', '--format', 'sarif', '.'], { cwd: tree });
      assert.equal(r.status, 1, r.stderr);
      raw = r.stdout;
      log = JSON.parse(raw) as sarif.Log;
    });

    it('is valid against the official SARIF 2.1.0 schema', () => {
      assert.deepEqual(sarifSchemaErrors(log), []);
    });

    it('never contains a full key', () => assertNoKey(raw));

    it('describes the tool and every rule from the core metadata', () => {
      const driver = log.runs[0].tool.driver;
      assert.equal(driver.name, 'misp-guard');
      assert.match(driver.version ?? '', /^\d+\.\d+\.\d+/);
      assert.match(driver.informationUri ?? '', /^https:\/\//);
      assert.deepEqual(driver.rules?.map((r) => r.id), [...RULE_IDS]);
      for (const rule of driver.rules ?? []) {
        const meta = RULES[rule.id as keyof typeof RULES];
        assert.equal(rule.shortDescription?.text, meta.title);
        assert.equal(rule.fullDescription?.text, meta.description);
        assert.equal(rule.helpUri, ruleHelpUri(meta.id));
        assert.equal(rule.defaultConfiguration?.level, meta.defaultSeverity === 'warning' ? 'warning' : 'error');
      }
    });

    it('locates results relative to %SRCROOT% with UTF-16 regions', () => {
      const run = log.runs[0];
      assert.equal(run.columnKind, 'utf16CodeUnits');
      assert.equal(run.originalUriBaseIds?.['%SRCROOT%']?.uri, `${pathToFileURL(tree).href}/`);
      for (const r of run.results ?? []) {
        assert.equal(r.ruleIndex, RULE_IDS.indexOf(r.ruleId as (typeof RULE_IDS)[number]));
        assert.ok(r.level === 'error' || r.level === 'warning');
        const loc = r.locations?.[0]?.physicalLocation;
        assert.equal(loc?.artifactLocation?.uriBaseId, '%SRCROOT%');
        assert.ok(fs.existsSync(resolveArtifact(run, loc?.artifactLocation)));
        assert.ok(loc?.region?.startLine && loc.region.startColumn && loc.region.endLine && loc.region.endColumn);
        const fp = Object.values(r.partialFingerprints ?? {});
        assert.equal(fp.length, 1);
      }
      const emoji = sarifResults(log).find((x) => x.file.endsWith('emoji.py') && x.ruleId === 'hardcoded-key');
      const text = fs.readFileSync(path.join(tree, 'scripts/emoji.py'), 'utf8');
      assert.deepEqual(emoji && [emoji.line, emoji.column], [1, text.indexOf(KEYS[1]) + 1]);
    });

    it('gives distinct, stable partial fingerprints', () => {
      const prints = (log.runs[0].results ?? []).map((r) => JSON.stringify(r.partialFingerprints));
      assert.equal(new Set(prints).size, prints.length);
      const again = JSON.parse(runCli(['scan', '--format', 'sarif', '.'], { cwd: tree }).stdout) as sarif.Log;
      assert.deepEqual((again.runs[0].results ?? []).map((r) => JSON.stringify(r.partialFingerprints)), prints);
    });

    it('reports skipped files and core notices as tool execution notifications', () => {
      const notes = log.runs[0].invocations?.[0]?.toolExecutionNotifications ?? [];
      const skipped = notes.find((n) => n.descriptor?.id === 'file-skipped');
      assert.equal(skipped?.locations?.[0]?.physicalLocation?.artifactLocation?.uri, 'assets/blob.bin');
      assert.match(skipped?.message.text ?? '', /binary/);
      const notice = notes.find((n) => n.descriptor?.id === 'analysis-notice');
      assert.equal(notice?.locations?.[0]?.physicalLocation?.artifactLocation?.uri, 'deploy/docker-compose.yml');
      assert.equal(notice?.level, 'warning');
    });

    it('resolves uris when the scanned path lies outside the working directory', () => {
      const r = runCli(['scan', '--format', 'sarif', tree], { cwd: path.join(tree, 'assets') });
      const outside = JSON.parse(r.stdout) as sarif.Log;
      assert.deepEqual(sarifSchemaErrors(outside), []);
      const files = sarifResults(outside).map((x) => path.relative(tree, x.file));
      assert.ok(files.includes(path.join('scripts', 'fetch.py')), files.join());
      assert.ok(files.every((f) => fs.existsSync(path.join(tree, f))));
    });

    it('stays valid with no results', () => {
      const r = runCli(['scan', '--format', 'sarif', 'assets'], { cwd: tree });
      assert.equal(r.status, 0);
      const empty = JSON.parse(r.stdout) as sarif.Log;
      assert.deepEqual(sarifSchemaErrors(empty), []);
      assert.deepEqual(empty.runs[0].results, []);
    });
  });
});
