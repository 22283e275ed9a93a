import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ScanSummary } from '../../../server/src/protocol';
import { describe as list, has, KEY_LIKE, pageText, ruleOf, screenshot, waitForDiagnostics, wsUri } from './helpers';

/** Findings in corpus files that no other test opens (lines from test/fixtures/corpus/expected.json). */
const UNOPENED: { file: string; findings: { rule: string; line: number }[] }[] = [
  { file: 'hocon/application.conf', findings: [{ rule: 'plaintext-config-key', line: 12 }, { rule: 'tls-verify-disabled', line: 15 }] },
  { file: 'toml/misp-feeder.toml', findings: [{ rule: 'plaintext-config-key', line: 9 }, { rule: 'tls-verify-disabled', line: 10 }] },
  { file: 'ini/karton.ini', findings: [{ rule: 'plaintext-config-key', line: 16 }, { rule: 'tls-verify-disabled', line: 17 }] },
  { file: 'properties/config.properties', findings: [{ rule: 'plaintext-config-key', line: 10 }] },
];

const isOpen = (uri: vscode.Uri): boolean => vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());

describe('workspace scan', () => {
  after(() => vscode.commands.executeCommand('mispGuard.clearScanResults'));

  it('Scan Workspace resolves with a summary and fills in diagnostics for unopened files', async () => {
    for (const f of UNOPENED) {
      const uri = wsUri(f.file);
      assert.ok(!isOpen(uri), `${f.file} should not be open before the scan`);
      assert.deepEqual(vscode.languages.getDiagnostics(uri), [], `${f.file} should have no diagnostics before the scan`);
    }

    await vscode.commands.executeCommand('notifications.clearAll');
    const summary = await vscode.commands.executeCommand<ScanSummary>('mispGuard.scanWorkspace');
    assert.ok(summary && typeof summary.message === 'string', `no summary: ${JSON.stringify(summary)}`);
    assert.equal(summary.cancelled, false);
    assert.equal(summary.folders.length, 1, `folders scanned: ${summary.folders.join(', ')}`);
    // The corpus has 37 files; the quick-fix tests add a few copies before this runs.
    assert.ok(summary.filesScanned >= 30, `only ${summary.filesScanned} files scanned`);
    assert.ok(summary.filesWithFindings >= UNOPENED.length, `findings in only ${summary.filesWithFindings} files`);
    assert.ok((summary.byRule['plaintext-config-key'] ?? 0) >= 4, `byRule: ${JSON.stringify(summary.byRule)}`);
    assert.ok((summary.byRule['tls-verify-disabled'] ?? 0) >= 3, `byRule: ${JSON.stringify(summary.byRule)}`);
    assert.ok(!KEY_LIKE.test(summary.message), 'the summary message shows a key');
    assert.ok(/\d/.test(summary.message), `summary message without counts: ${summary.message}`);

    for (const f of UNOPENED) {
      const uri = wsUri(f.file);
      const diags = await waitForDiagnostics(uri, (d) => f.findings.every((x) => has(d, x.rule, x.line)),
        f.findings.map((x) => `${x.rule} on line ${x.line}`).join(' and '));
      assert.equal(diags.length, f.findings.length, `${f.file}: unexpected findings:\n${list(diags)}`);
      for (const d of diags) assert.ok(!KEY_LIKE.test(d.message), `unmasked key in ${f.file}: ${ruleOf(d)}`);
      assert.ok(!isOpen(uri), `the scan opened ${f.file} as a document`);
    }

    // The user sees the same summary (code-server runner only).
    const summaryToast = '.notification-list-item-message:has-text("MISP Guard: Scanned")';
    const shown = await pageText(`.notifications-toasts ${summaryToast}`);
    if (shown) assert.ok(shown.includes(`MISP Guard: ${summary.message}`), `summary notification: ${shown.join(' | ')}`);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    // Once the progress notification has closed, so that the summary is what shows.
    await screenshot('scan-problems', `.notifications-toasts:not(:has-text("scanning the workspace")) ${summaryToast}`);
  });

  it('Clear Scan Results removes them', async () => {
    const cleared = await vscode.commands.executeCommand<number>('mispGuard.clearScanResults');
    assert.ok(typeof cleared === 'number' && cleared >= UNOPENED.length, `cleared ${String(cleared)} files`);
    for (const f of UNOPENED) {
      await waitForDiagnostics(wsUri(f.file), (d) => d.length === 0, 'no diagnostics after Clear Scan Results');
    }
  });
});
