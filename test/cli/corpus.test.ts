/**
 * Corpus acceptance through the CLI's SARIF: scan test/fixtures/corpus with the built CLI and
 * score the results against expected.json the way ../shared/tools/corpus-check.mjs --mode sarif does
 * (match on file + line + kind or alt_kind; findings of other rule ids are neither hit nor miss).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as sarif from 'sarif';
import { PROJECT_ROOT, runCli } from './cliHarness';
import { sarifResults, sarifSchemaErrors } from './sarifSupport';

const CORPUS = path.join(PROJECT_ROOT, 'test', 'fixtures', 'corpus');

interface Expected {
  kinds: Record<string, string>;
  findings: { file: string; line: number; kind: string; alt_kinds?: string[] }[];
  no_finding_files: { file: string }[];
}

function corpusFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) out.push(...corpusFiles(p));
    else if (name !== 'expected.json') out.push(path.relative(CORPUS, p).split(path.sep).join('/'));
  }
  return out.sort();
}

describe('corpus acceptance through the CLI (SARIF)', function () {
  this.timeout(60_000);
  const expected = JSON.parse(fs.readFileSync(path.join(CORPUS, 'expected.json'), 'utf8')) as Expected;
  const kinds = new Set(Object.keys(expected.kinds));
  let log: sarif.Log;
  let raw: string;
  const got = new Map<string, { line: number; ruleId: string; message: string }[]>();

  before(() => {
    // From the project directory, as the scoring tool runs it.
    const r = runCli(['scan', '--format', 'sarif', CORPUS], { cwd: PROJECT_ROOT, timeoutMs: 50_000 });
    assert.ok(r.status === 1, `expected findings (exit 1), got ${r.status}: ${r.stderr}`);
    raw = r.stdout;
    log = JSON.parse(raw) as sarif.Log;
    for (const res of sarifResults(log)) {
      const file = path.relative(CORPUS, res.file).split(path.sep).join('/');
      got.set(file, [...(got.get(file) ?? []), res]);
    }
  });

  it('writes schema-valid SARIF whose uris resolve to corpus files', () => {
    assert.deepEqual(sarifSchemaErrors(log), []);
    // expected.json quotes the planted keys, so it has results too; the scoring ignores it.
    const files = new Set([...corpusFiles(CORPUS), 'expected.json']);
    for (const f of got.keys()) assert.ok(files.has(f), `result for ${f}, which is not a corpus file`);
  });

  it('reaches recall >= 0.95 and precision >= 0.95', () => {
    let tp = 0;
    const misses: string[] = [];
    const falses: string[] = [];
    for (const file of corpusFiles(CORPUS)) {
      const exp = expected.findings.filter((e) => e.file === file);
      const used = new Set<number>();
      for (const d of got.get(file) ?? []) {
        if (!kinds.has(d.ruleId)) continue;
        const i = exp.findIndex((e, j) => !used.has(j) && e.line === d.line && [e.kind, ...(e.alt_kinds ?? [])].includes(d.ruleId));
        if (i >= 0) { used.add(i); tp++; } else falses.push(`${file}:${d.line} ${d.ruleId}`);
      }
      exp.forEach((e, j) => { if (!used.has(j)) misses.push(`${file}:${e.line} ${e.kind}`); });
    }
    const recall = tp / (tp + misses.length || 1);
    const precision = tp / (tp + falses.length || 1);
    const detail = `recall ${recall.toFixed(3)} precision ${precision.toFixed(3)}\nmissed: ${misses.join(', ')}\nfalse: ${falses.join(', ')}`;
    assert.ok(recall >= 0.95, detail);
    assert.ok(precision >= 0.95, detail);
  });

  it('leaves every no_finding_files file clean', () => {
    const dirty = expected.no_finding_files.filter((f) => (got.get(f.file) ?? []).length > 0)
      .map((f) => `${f.file}: ${(got.get(f.file) ?? []).map((d) => `${d.line} ${d.ruleId}`).join(', ')}`);
    assert.deepEqual(dirty, []);
  });

  it('never puts a key in the output', () => {
    for (const file of corpusFiles(CORPUS)) {
      const tokens = fs.readFileSync(path.join(CORPUS, file), 'utf8').match(/(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/g) ?? [];
      for (const t of tokens) assert.ok(!raw.includes(t), `a 40-character token of ${file} appears in the SARIF output`);
    }
  });
});
