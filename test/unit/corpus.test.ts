import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeText } from '../../server/src/core';
import { lineOfOffset } from './helpers';

interface Expected { findings: Array<{ file: string; line: number; kind: string; alt_kinds?: string[] }>; no_finding_files: Array<{ file: string }> }

function walk(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return walk(root, p);
    return n === 'expected.json' ? [] : [relative(root, p)];
  });
}

/** Scores the core directly on a labelled corpus, with the rules of shared/tools/corpus-check.mjs. */
function score(root: string): { recall: number; precision: number; problems: string[]; dirty: string[] } {
  const exp = JSON.parse(readFileSync(join(root, 'expected.json'), 'utf8')) as Expected;
  let tp = 0; let fp = 0; let fn = 0;
  const problems: string[] = [];
  const dirty: string[] = [];
  for (const file of walk(root).sort()) {
    const text = readFileSync(join(root, file), 'utf8');
    const got = analyzeText(text, { path: file }).findings.map((f) => ({ line: lineOfOffset(text, f.start), rule: f.ruleId }));
    if (exp.no_finding_files.some((n) => n.file === file) && got.length) dirty.push(file);
    const want = exp.findings.filter((e) => e.file === file);
    const used = new Set<number>();
    for (const g of got) {
      const i = want.findIndex((e, j) => !used.has(j) && e.line === g.line && [e.kind, ...(e.alt_kinds ?? [])].includes(g.rule));
      if (i >= 0) { used.add(i); tp++; } else { fp++; problems.push(`FALSE ${file}:${g.line} ${g.rule}`); }
    }
    want.forEach((e, j) => { if (!used.has(j)) { fn++; problems.push(`MISS ${file}:${e.line} ${e.kind}`); } });
  }
  return { recall: tp / (tp + fn), precision: tp / (tp + fp || 1), problems, dirty };
}

describe('corpus acceptance of the core', () => {
  const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');
  const corpora = readdirSync(fixtures).filter((n) => n === 'corpus' || /^redteam\d*$/.test(n)).sort();
  it('finds the public corpus and every red-team corpus', () => assert.ok(corpora.length >= 8 && corpora.includes('corpus'), corpora.join()));
  for (const name of corpora) {
    it(`${name}: recall and precision >= 0.95, clean files clean`, () => {
      const r = score(join(__dirname, '..', '..', '..', 'test', 'fixtures', name));
      assert.ok(r.recall >= 0.95 && r.precision >= 0.95, `recall ${r.recall.toFixed(3)} precision ${r.precision.toFixed(3)}\n${r.problems.join('\n')}`);
      assert.deepEqual(r.dirty, []);
    });
  }
});
