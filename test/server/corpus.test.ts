/**
 * Corpus acceptance through the language server: every file of test/fixtures/corpus is opened over
 * LSP and scored against expected.json the way ../shared/tools/corpus-check.mjs scores it.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspHarness, messageText, ROOT } from './lspHarness';

const CORPUS = join(ROOT, 'test', 'fixtures', 'corpus');

interface Expected {
  kinds: Record<string, string>;
  findings: { file: string; line: number; kind: string; alt_kinds?: string[] }[];
  no_finding_files: { file: string }[];
}

/** Language ids as the scoring tool's client sends them (lspclient.mjs `languageIdFor`). */
const LANG: Record<string, string> = {
  py: 'python', ipynb: 'json', js: 'javascript', mjs: 'javascript', cjs: 'javascript', ts: 'typescript',
  jsx: 'javascriptreact', tsx: 'typescriptreact', vue: 'vue', go: 'go', java: 'java', cs: 'csharp', rb: 'ruby', php: 'php',
  sh: 'shellscript', bash: 'shellscript', ps1: 'powershell', yaml: 'yaml', yml: 'yaml', json: 'json', toml: 'toml',
  ini: 'ini', cfg: 'ini', conf: 'plaintext', properties: 'properties', tf: 'terraform', xml: 'xml', md: 'markdown',
  txt: 'plaintext', env: 'dotenv', kt: 'kotlin', rs: 'rust', swift: 'swift', lua: 'lua', pl: 'perl',
};
function languageIdFor(file: string): string {
  const base = file.split('/').pop() ?? file;
  if (base === 'Dockerfile' || base.endsWith('.Dockerfile')) return 'dockerfile';
  if (base.startsWith('.env')) return 'dotenv';
  if (base === 'Makefile') return 'makefile';
  const ext = base.includes('.') ? (base.split('.').pop() ?? '').toLowerCase() : '';
  return LANG[ext] ?? 'plaintext';
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name !== 'expected.json') out.push(relative(CORPUS, p).split('\\').join('/'));
  }
  return out.sort();
}

const keyTokens = (text: string): string[] => text.match(/(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/g) ?? [];

describe('corpus acceptance through the language server', function () {
  this.timeout(120000);

  it('recall and precision >= 0.95, no_finding_files clean, no key in any message', async () => {
    const expected = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as Expected;
    const files = walk(CORPUS);
    const lsp = await LspHarness.start({ folder: CORPUS });
    let tp = 0;
    const misses: string[] = [];
    const falses: string[] = [];
    const leaks: string[] = [];
    const dirty: string[] = [];
    try {
      for (const f of files) {
        const uri = pathToFileURL(join(CORPUS, f)).href;
        const text = readFileSync(join(CORPUS, f), 'utf8');
        const diags = (await lsp.open(uri, languageIdFor(f), text)).diagnostics;
        await lsp.close(uri);
        for (const d of diags) for (const k of keyTokens(text)) if (messageText(d).includes(k)) leaks.push(`${f}: ${messageText(d)}`);
        if (expected.no_finding_files.some((n) => n.file === f) && diags.length > 0) dirty.push(f);

        const exp = expected.findings.filter((e) => e.file === f);
        const used = new Set<number>();
        for (const d of diags) {
          const line = d.range.start.line + 1;
          const code = String(typeof d.code === 'object' ? (d.code as { value: unknown }).value : d.code);
          const i = exp.findIndex((e, j) => !used.has(j) && e.line === line && [e.kind, ...(e.alt_kinds ?? [])].includes(code));
          if (i >= 0) { used.add(i); tp++; } else falses.push(`${f}:${line} ${code}`);
        }
        exp.forEach((e, j) => { if (!used.has(j)) misses.push(`${f}:${e.line} ${e.kind}`); });
      }
      leaks.push(...lsp.leaks());
    } finally {
      await lsp.stop();
    }
    const recall = tp / (tp + misses.length || 1);
    const precision = tp / (tp + falses.length || 1);
    const report = [
      `recall ${recall.toFixed(3)} (${tp}/${tp + misses.length}), precision ${precision.toFixed(3)} (fp ${falses.length})`,
      ...misses.map((m) => `MISS  ${m}`),
      ...falses.map((m) => `FALSE ${m}`),
      ...dirty.map((m) => `DIRTY ${m} (a no_finding_files file)`),
      ...leaks.map((m) => `LEAK  ${m}`),
    ].join('\n');
    assert.deepEqual(leaks, [], report);
    assert.deepEqual(dirty, [], report);
    assert.ok(recall >= 0.95, report);
    assert.ok(precision >= 0.95, report);
  });
});
