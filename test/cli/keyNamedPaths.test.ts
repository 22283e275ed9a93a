/**
 * A file or folder whose name holds a key-shaped token (40 letters and digits): every report, the
 * messages and the baseline show it masked (first 4 characters and '…'); SARIF artifact URIs still
 * resolve to the file (the rest of the token percent-encoded, which URI parsers decode).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as sarif from 'sarif';
import { fakeKey, makeTree, pymispScript, removeTree, runCli } from './cliHarness';
import { resolveArtifact, sarifSchemaErrors } from './sarifSupport';

const DIR_KEY = fakeKey(851);
const FILE_KEY = fakeKey(852);
const CONTENT_KEY = fakeKey(853);
const ALL = [DIR_KEY, FILE_KEY, CONTENT_KEY];

const masked = (k: string): string => `${k.slice(0, 4)}…`;
/** The token as SARIF URIs carry it: 4 characters, then the other 36 percent-encoded. */
const encoded = (k: string): string => k.slice(0, 4) + [...k.slice(4)].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');

function assertNoKey(text: string): void {
  for (const k of ALL) assert.ok(!text.includes(k), `full key ${masked(k)} leaked`);
}

describe('cli: key-shaped file names are masked', () => {
  let tree: string;
  before(() => {
    tree = makeTree({
      [`${DIR_KEY}/${FILE_KEY}.py`]: pymispScript(CONTENT_KEY),
      [`${DIR_KEY}/${FILE_KEY}.bin`]: Buffer.from([0, 0, 0, 0, 1, 2, 3]),
      'other/readme.md': '# nothing\n',
    });
  });
  after(() => removeTree(tree));

  const shown = `${masked(DIR_KEY)}/${masked(FILE_KEY)}`;

  it('text: findings, skips and the summary', () => {
    const r = runCli(['scan', '.'], { cwd: tree });
    assert.equal(r.status, 1);
    assertNoKey(r.stdout + r.stderr);
    const lines = r.stdout.split('\n');
    assert.ok(lines[0].startsWith(`${shown}.py:4:13 `), lines[0]);
    assert.ok(lines[1].startsWith(`${shown}.py:5:`), lines[1]);
    assert.ok(lines.includes(`  ${shown}.bin: binary file`), r.stdout);
  });

  it('json: finding and skip paths', () => {
    const r = runCli(['scan', '--format', 'json', '.'], { cwd: tree });
    assertNoKey(r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as { findings: { path: string; line: number }[]; skipped: { path: string }[] };
    assert.deepEqual(report.findings.map((f) => [f.path, f.line]), [[`${shown}.py`, 4], [`${shown}.py`, 5]]);
    assert.deepEqual(report.skipped.map((s) => s.path), [`${shown}.bin`]);
  });

  it('sarif: no key in the log, and the artifact URIs still resolve to the files', () => {
    for (const [cwd, root] of [[tree, tree], [path.join(tree, 'other'), path.join(tree, DIR_KEY)]]) {
      // From 'other', the scanned folder is the %SRCROOT% itself: its file URI is encoded the same way.
      const r = runCli(['scan', '--format', 'sarif', cwd === tree ? '.' : path.join(tree, DIR_KEY)], { cwd });
      assertNoKey(r.stdout + r.stderr);
      const log = JSON.parse(r.stdout) as sarif.Log;
      assert.deepEqual(sarifSchemaErrors(log), []);
      const run = log.runs[0];
      const uris = (run.results ?? []).map((x) => x.locations?.[0]?.physicalLocation?.artifactLocation);
      const rel = cwd === tree ? `${encoded(DIR_KEY)}/${encoded(FILE_KEY)}.py` : `${encoded(FILE_KEY)}.py`;
      assert.deepEqual(uris.map((u) => u?.uri), [rel, rel]);
      for (const u of uris) assert.equal(resolveArtifact(run, u), path.join(tree, DIR_KEY, `${FILE_KEY}.py`));
      const skip = run.invocations?.[0]?.toolExecutionNotifications?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation;
      assert.equal(resolveArtifact(run, skip), path.join(tree, DIR_KEY, `${FILE_KEY}.bin`));
      assert.equal(resolveArtifact(run, { uri: './', uriBaseId: '%SRCROOT%' }), `${root}${path.sep}`);
    }
  });

  it('messages about named paths, and the baseline file', () => {
    const missing = runCli(['scan', `${DIR_KEY}/nope.py`], { cwd: tree });
    assert.equal(missing.status, 2);
    assert.equal(missing.stderr, `misp-guard: no such file or directory: ${masked(DIR_KEY)}/nope.py\n`);
    const skipped = runCli(['scan', `${DIR_KEY}/${FILE_KEY}.bin`], { cwd: tree });
    assert.equal(skipped.status, 2);
    assertNoKey(skipped.stdout);
    assert.equal(skipped.stderr, `misp-guard: ${shown}.bin was named but not scanned: binary file\n`);
    const w = runCli(['baseline', '-o', `${DIR_KEY}.json`, '.'], { cwd: tree });
    assert.equal(w.status, 0, w.stderr);
    assertNoKey(w.stderr);
    assert.equal(w.stderr, `misp-guard: baseline of 2 finding(s) (2 fingerprint(s)) in 2 file(s) scanned written to ${masked(DIR_KEY)}.json\n`);
    const text = fs.readFileSync(path.join(tree, `${DIR_KEY}.json`), 'utf8');
    assertNoKey(text);
    assert.deepEqual((JSON.parse(text) as { findings: { file: string }[] }).findings.map((e) => e.file), [`${shown}.py`, `${shown}.py`]);
    // the fingerprints still hold the real path: the baseline hides both findings
    const r = runCli(['scan', '--baseline', `${DIR_KEY}.json`, '.'], { cwd: tree });
    assert.equal(r.status, 0, r.stdout);
    assertNoKey(r.stdout + r.stderr);
    fs.rmSync(path.join(tree, `${DIR_KEY}.json`));
  });
});
