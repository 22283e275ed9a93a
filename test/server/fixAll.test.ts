/**
 * Fix-all (`source.fixAll.mispGuard`) over the real protocol: the same text as taking the preferred
 * fix of each finding one by one, and a file with 2,000 keys fixed in one go (checked on the result,
 * not on time).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { languageIdForPath } from '../../server/src/node/walker';
import { applyWorkspaceEdit, FixClient } from './fixHarness';
import { KEY } from './testData';

const FIX_ALL = 'source.fixAll.mispGuard';

/** Files with several findings of several kinds, the same key in several places. */
const FILES: Record<string, string> = {
  'sync.py': [
    'from pymisp import PyMISP',
    'import requests',
    '',
    "misp_url = 'https://misp.example.org'",
    `misp_key = '${KEY}'`,
    `misp = PyMISP(misp_url, '${KEY}', ssl=False)`,
    `r = requests.get(misp_url + '/events/index', headers={'Authorization': '${KEY}'}, verify=False)`,
    '',
  ].join('\n'),
  'docker-compose.yml': `services:\n  misp-feeder:\n    image: feeder\n    environment:\n      MISP_URL: https://misp.example.org\n      MISP_KEY: "${KEY}"\n      MISP_VERIFY_SSL: "false"\n  worker:\n    environment:\n      - MISP_KEY=${KEY}\n`,
  'client.js': `const https = require('https');\nconst mispKey = "${KEY}";\nconst agent = new https.Agent({ rejectUnauthorized: false });\nfetch('https://misp.example.org/events/index', { headers: { Authorization: "${KEY}" }, agent });\n`,
  'application.properties': `misp.url=https://misp.example.org\n${[0, 1, 2, 3, 4].map((i) => `misp.key${i}=${KEY}\n`).join('')}misp.verify-ssl=false\n`,
};

describe('fix-all over LSP', function () {
  this.timeout(120000);
  let client: FixClient;
  let ws: string;
  let n = 0;

  before(async () => {
    ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'misp-guard-fixall-')));
    client = await FixClient.start({ folder: ws, configuration: (item) => (item.section === 'mispGuard' ? { secretStore: 'secretStorage' } : null) });
  });
  after(async () => {
    const leaks = client.leaks();
    await client.stop();
    fs.rmSync(ws, { recursive: true, force: true });
    assert.deepEqual(leaks, []);
  });

  interface Doc { uri: string; languageId: string; text: string; version: number; diagnostics: Diagnostic[] }

  async function open(rel: string, text: string): Promise<Doc> {
    const uri = pathToFileURL(path.join(ws, `${++n}`, rel)).href;
    const languageId = languageIdForPath(rel);
    const published = await client.lsp.open(uri, languageId, text, 1, 30000);
    return { uri, languageId, text, version: 1, diagnostics: published.diagnostics };
  }

  async function apply(doc: Doc, edit: WorkspaceEdit): Promise<void> {
    doc.text = applyWorkspaceEdit(doc.text, doc.uri, edit, doc.languageId);
    doc.version++;
    doc.diagnostics = (await client.lsp.change(doc.uri, doc.text, doc.version)).diagnostics;
  }

  async function take(doc: Doc, action: CodeAction): Promise<void> {
    if (action.edit) return apply(doc, action.edit);
    const before = client.applied.length;
    assert.equal(await client.execute(action.command), 'applied', client.messages.at(-1)?.message);
    return apply(doc, client.applied[before].edit);
  }

  for (const [rel, text] of Object.entries(FILES)) {
    it(`${rel}: fix-all gives the text of the preferred fixes taken one by one`, async () => {
      const all = await open(rel, text);
      assert.ok(all.diagnostics.length >= 3, `${all.diagnostics.length} findings`);
      const actions = await client.codeActions(all.uri, [], [FIX_ALL]);
      assert.deepEqual(actions.map((a) => a.title), [`Fix all MISP Guard problems in this file (${all.diagnostics.length})`]);
      await take(all, actions[0]);
      assert.deepEqual(all.diagnostics, []);

      const one = await open(rel, text);
      for (let round = 0; one.diagnostics.length > 0; round++) {
        assert.ok(round < 20, 'the fixes converge');
        const quick = await client.codeActions(one.uri, [one.diagnostics[0]]);
        const preferred = quick.find((a) => a.isPreferred);
        assert.ok(preferred, `a preferred fix for ${String(one.diagnostics[0].code)}`);
        await take(one, preferred);
      }
      assert.equal(all.text, one.text);
      assert.ok(!all.text.includes(KEY));
      await client.lsp.close(all.uri);
      await client.lsp.close(one.uri);
    });
  }

  it('sync.py: the exact fixed text', async () => {
    const doc = await open('sync.py', FILES['sync.py']);
    const [action] = await client.codeActions(doc.uri, [], [FIX_ALL]);
    await take(doc, action);
    assert.equal(doc.text, [
      'import os',
      'from pymisp import PyMISP',
      'import requests',
      '',
      "misp_url = 'https://misp.example.org'",
      "misp_key = os.environ['MISP_KEY']",
      "misp = PyMISP(misp_url, os.environ['MISP_KEY'], ssl=True)",
      "r = requests.get(misp_url + '/events/index', headers={'Authorization': os.environ['MISP_KEY']}, verify=True)",
      '',
    ].join('\n'));
    assert.equal(client.secrets.get('MISP_KEY'), KEY);
    await client.lsp.close(doc.uri);
  });

  it('a file with 2,000 keys: every one moved in one fix-all', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `misp.key${i}=${KEY}`);
    const text = `misp.url=https://misp.example.org\n${lines.join('\n')}\n`;
    const doc = await open('big/application.properties', text);
    assert.equal(doc.diagnostics.length, 2000);
    const actions = await client.codeActions(doc.uri, [], [FIX_ALL]);
    assert.deepEqual(actions.map((a) => a.title), ['Fix all MISP Guard problems in this file (2000)']);
    client.secrets.clear();
    await take(doc, actions[0]);
    assert.equal(doc.text, `misp.url=https://misp.example.org\n${lines.map((_, i) => `misp.key${i}=\${MISP_KEY}`).join('\n')}\n`);
    assert.deepEqual(doc.diagnostics, []);
    assert.deepEqual([...client.secrets], [['MISP_KEY', KEY]]);
    assert.equal(client.messages.at(-1)?.message.startsWith('MISP Guard moved the key out of application.properties.'), true, client.messages.at(-1)?.message);
    await client.lsp.close(doc.uri);
  });
});
