import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describe as list, has, KEY_LIKE, openFile, ruleOf, screenshot, waitForDiagnostics } from './helpers';

/** One diagnostic per rule id, at a 1-based line of the corpus (see test/fixtures/corpus/expected.json). */
const CASES: { file: string; rule: string; line: number }[] = [
  { file: 'python/keys.py', rule: 'hardcoded-key', line: 6 },
  { file: 'python/keys.py', rule: 'tls-verify-disabled', line: 7 },
  { file: 'env/.env', rule: 'plaintext-config-key', line: 7 },
  { file: 'sh/export_suricata.sh', rule: 'key-in-command-line', line: 7 },
  { file: 'suricata/update.yaml', rule: 'key-in-url', line: 8 },
  // .ipynb opened as a text document: lines of the raw JSON.
  { file: 'notebooks/misp_triage.ipynb', rule: 'key-in-notebook-output', line: 41 },
  { file: 'notebooks/misp_triage.ipynb', rule: 'tls-verify-disabled', line: 23 },
];

/** Every 40-character key in a document, so we can check that none reaches a message. */
function keysIn(doc: vscode.TextDocument): string[] {
  return doc.getText().match(new RegExp(KEY_LIKE.source, 'g')) ?? [];
}

describe('diagnostics on the corpus', () => {
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  for (const c of CASES) {
    it(`${c.rule} on ${c.file}:${c.line}, message masked`, async () => {
      const doc = await openFile(c.file);
      const diags = await waitForDiagnostics(doc.uri, (d) => has(d, c.rule, c.line), `${c.rule} on line ${c.line}`);
      const secrets = keysIn(doc);
      for (const d of diags) {
        assert.ok(!KEY_LIKE.test(d.message), `unmasked key in message of ${ruleOf(d)}: ${d.message}`);
        for (const s of secrets) assert.ok(!d.message.includes(s.slice(0, 12)), `message of ${ruleOf(d)} shows the key`);
      }
    });
  }

  it('shows the findings in the Problems panel', async () => {
    const doc = await openFile('python/keys.py');
    const diags = await waitForDiagnostics(doc.uri, (d) => has(d, 'hardcoded-key', 6) && has(d, 'tls-verify-disabled', 7),
      'both keys.py findings');
    assert.equal(diags.length, 2, `keys.py should have exactly two findings:\n${list(diags)}`);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot('problems-panel', '.markers-panel .monaco-list-row');
  });
});
