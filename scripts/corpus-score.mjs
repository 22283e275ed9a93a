// Dev helper: scores the compiled core (out/) directly on a corpus folder with expected.json.
//   node scripts/corpus-score.mjs [corpusDir] [--verbose]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { analyzeText } = require('../out/server/src/core/scan.js');
const corpus = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'test/fixtures/corpus';
const verbose = process.argv.includes('--verbose');
const exp = JSON.parse(readFileSync(join(corpus, 'expected.json'), 'utf8'));
const walk = (d) => readdirSync(d).flatMap((n) => { const p = join(d, n); return statSync(p).isDirectory() ? walk(p) : n === 'expected.json' ? [] : [relative(corpus, p)]; });
let tp = 0, fp = 0, fn = 0;
for (const f of walk(corpus).sort()) {
  const text = readFileSync(join(corpus, f), 'utf8');
  const rep = analyzeText(text, { path: f });
  const starts = [0]; for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const lineOf = (o) => { let l = 0; while (l + 1 < starts.length && starts[l + 1] <= o) l++; return l + 1; };
  const got = rep.findings.map((x) => ({ line: lineOf(x.start), code: x.ruleId, msg: x.message }));
  const want = exp.findings.filter((e) => e.file === f);
  const used = new Set();
  for (const g of got) {
    const i = want.findIndex((e, j) => !used.has(j) && e.line === g.line && [e.kind, ...(e.alt_kinds || [])].includes(g.code));
    if (i >= 0) { used.add(i); tp++; if (verbose) console.log(`ok    ${f}:${g.line} ${g.code}  ${g.msg}`); } else { fp++; console.log(`FALSE ${f}:${g.line} ${g.code}  ${g.msg}`); }
  }
  want.forEach((e, j) => { if (!used.has(j)) { fn++; console.log(`MISS  ${f}:${e.line} ${e.kind}`); } });
  for (const n of rep.notices) console.log(`note  ${f}: ${n.message}`);
}
console.log(`recall ${(tp / (tp + fn)).toFixed(3)} (${tp}/${tp + fn}) precision ${(tp / (tp + fp || 1)).toFixed(3)} fp ${fp}`);
