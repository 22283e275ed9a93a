import * as assert from 'node:assert/strict';
import { KEY, KEYS_PY } from './testData';
import { fileUri, LspHarness, messageText } from './lspHarness';

/** Malformed documents of every structured format, each holding a key. */
const MALFORMED: [name: string, languageId: string, text: string][] = [
  ['broken.yaml', 'yaml', `misp:\n  url: https://misp.example.org\n  key: "${KEY}"\n   bad: [unclosed\n  - : :\n\t- tab\n`],
  ['broken.json', 'json', `{"misp_url": "https://misp.example.org", "misp_key": "${KEY}", "nested": {"a": [1, 2,}\n`],
  ['broken.toml', 'toml', `[misp]\nurl = "https://misp.example.org"\nkey = "${KEY}"\n[[[bad\nx = = 1\n`],
  ['broken.ipynb', 'json', `{"cells": [{"cell_type": "code", "source": ["misp = PyMISP('https://misp.example.org', '${KEY}')\\n"], "outputs": [\n`],
  ['empty.ipynb', 'json', ''],
  ['notebook-not-object.ipynb', 'json', '[1, 2, 3]'],
  ['broken.conf', 'plaintext', `misp {\n  key = "${KEY}"\n  url = \${?\n`],
  ['broken.properties', 'properties', `misp.key=${KEY}\\\n\\u12zz=\n`],
  ['unterminated.py', 'python', `misp_key = '''${KEY}\n`],
];

function binaryText(): string {
  let s = '';
  for (let i = 0; i < 64 * 1024; i++) s += String.fromCharCode((i * 7919) % 256);
  return `\u0000\u0000\u0000\u0000PK\u0003\u0004${s}\uFFFD\uD800${KEY}\u0000`;
}

describe('bad input never takes the server down', function () {
  let lsp: LspHarness;
  before(async () => { lsp = await LspHarness.start(); });
  after(() => lsp.stopExpectingNoLeaks());

  /** The server is alive and still finds the key in a good file. */
  async function stillAnalyses(): Promise<void> {
    const uri = fileUri('tmp-lsp', 'bad', 'good', 'keys.py');
    const p = await lsp.open(uri, 'python', KEYS_PY);
    assert.deepEqual(p.diagnostics.filter((d) => d.code === 'hardcoded-key').map((d) => d.range.start.line), [2]);
    await lsp.close(uri);
    assert.equal(lsp.exit, undefined);
  }

  for (const [name, languageId, text] of MALFORMED) {
    it(`survives a malformed ${name}`, async () => {
      const uri = fileUri('tmp-lsp', 'bad', name);
      const p = await lsp.open(uri, languageId, text);
      assert.ok(Array.isArray(p.diagnostics));
      for (const d of p.diagnostics) assert.ok(!messageText(d).includes(KEY));
      await lsp.close(uri);
      await stillAnalyses();
    });
  }

  it('survives a binary document (NUL bytes, lone surrogates)', async () => {
    const uri = fileUri('tmp-lsp', 'bad', 'blob.bin');
    const p = await lsp.open(uri, 'plaintext', binaryText());
    assert.ok(Array.isArray(p.diagnostics));
    await lsp.close(uri);
    await stillAnalyses();
  });

  it('analyses a 5 MB document and still finds the key at its end', async function () {
    const block = 'def handler(event):\n    total = sum(x * 2 for x in event["items"])  # plain code\n    return {"ok": True, "n": total}\n';
    const text = `${block.repeat(Math.ceil((5 * 1024 * 1024) / block.length))}misp_key = '${KEY}'\n`;
    const lastLine = text.split('\n').length - 2;
    const uri = fileUri('tmp-lsp', 'bad', 'huge.py');
    const p = await lsp.open(uri, 'python', text, 1, 20000);
    assert.deepEqual(p.diagnostics.filter((d) => d.code === 'hardcoded-key').map((d) => d.range.start.line), [lastLine]);
    await lsp.close(uri);
  });

  it('answers a 1 MB single-line document within 1 s of open', async () => {
    const chunk = 'var a=Math.max(1,2),b="misp",c=[0,1,2,3];function f(x){return x+a}';
    const text = chunk.repeat(Math.ceil((1024 * 1024) / chunk.length));
    const uri = fileUri('tmp-lsp', 'bad', 'bundle.min.js');
    const started = performance.now();
    const p = await lsp.open(uri, 'javascript', text, 1, 5000);
    const ms = performance.now() - started;
    assert.ok(ms < 1000, `took ${Math.round(ms)} ms`);
    assert.ok(Array.isArray(p.diagnostics));
    await lsp.close(uri);
    await stillAnalyses();
  });
});
