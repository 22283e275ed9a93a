import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspHarness } from './lspHarness';

const NOTEBOOK = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'corpus', 'notebooks', 'misp_triage.ipynb');
const KEY_TOKEN = /(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/g;

describe('notebook outputs while a notebook is open in a notebook editor', () => {
  let lsp: LspHarness;
  before(async () => { lsp = await LspHarness.start(); });
  after(() => lsp.stop());

  it('publishes the saved outputs\' keys on the notebook file, and clears them when its last cell closes', async () => {
    const fileUri = pathToFileURL(NOTEBOOK).href;
    const cellUri = (n: number) => `${fileUri.replace(/^file:/, 'vscode-notebook-cell:')}#cell${n}`;
    const onFile = lsp.nextDiagnostics(fileUri);
    await lsp.open(cellUri(1), 'python', "import os\nmisp_key = os.environ['MISP_KEY']\n");
    const published = await onFile;
    assert.deepEqual(published.diagnostics.map((d) => [d.code, d.range.start.line + 1]), [['key-in-notebook-output', 41]]);
    const keys = readFileSync(NOTEBOOK, 'utf8').match(KEY_TOKEN) ?? [];
    assert.ok(keys.length > 0);
    for (const d of published.diagnostics) for (const k of keys) assert.ok(!JSON.stringify(d).includes(k), 'a key reached the client');

    await lsp.open(cellUri(2), 'python', 'result = 1\n');
    await lsp.close(cellUri(1));
    const cleared = lsp.nextDiagnostics(fileUri, (p) => p.diagnostics.length === 0);
    await lsp.close(cellUri(2));
    assert.deepEqual((await cleared).diagnostics, []);
  });
});
