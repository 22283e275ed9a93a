import * as assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { DEFAULT_SETTINGS, isExcluded, normalizeSettings } from '../../server/src/settings';
import { locate } from '../../server/src/validation';
import { KEYS_PY } from './testData';
import { fileUri, LspHarness, ROOT } from './lspHarness';

const codes = (p: PublishDiagnosticsParams): string[] => p.diagnostics.map((d) => String(d.code)).sort();

describe('settings: normalizeSettings', () => {
  it('gives the defaults for null, undefined and junk', () => {
    for (const raw of [null, undefined, 42, 'x', [], { enable: 'yes', exclude: 'a', severity: [] }]) {
      assert.deepEqual(normalizeSettings(raw), DEFAULT_SETTINGS);
    }
    assert.equal(DEFAULT_SETTINGS.envVarName, 'MISP_KEY');
    assert.deepEqual(DEFAULT_SETTINGS.vault, { address: '', mount: 'secret', path: 'misp', field: 'api_key' });
  });

  it('keeps valid values and drops invalid ones', () => {
    const s = normalizeSettings({
      enable: false,
      severity: { 'hardcoded-key': 'warning', 'tls-verify-disabled': 'off', 'key-in-url': 'loud', 'no-such-rule': 'error' },
      exclude: ['**/vendor/**', 3, ''],
      extraKeyNames: ['threat_?intel_token', '(unclosed'],
      envVarName: '  ',
      vault: { address: 'https://vault:8200', mount: 7 },
      unknown: true,
    });
    assert.equal(s.enable, false);
    assert.deepEqual(s.severity, { 'hardcoded-key': 'warning', 'tls-verify-disabled': 'off' });
    assert.deepEqual(s.exclude, ['**/vendor/**']);
    assert.deepEqual(s.extraKeyNames, ['threat_?intel_token']);
    assert.equal(s.envVarName, 'MISP_KEY');
    assert.deepEqual(s.vault, { address: 'https://vault:8200', mount: 'secret', path: 'misp', field: 'api_key' });
  });

  it('matches exclude globs relative to a workspace folder or against the whole path', () => {
    assert.equal(isExcluded('/ws/vendor/lib/keys.py', ['vendor/**'], ['/ws']), true);
    assert.equal(isExcluded('/ws/src/keys.py', ['vendor/**'], ['/ws']), false);
    assert.equal(isExcluded('/elsewhere/vendor/keys.py', ['**/vendor/**'], []), true);
    assert.equal(isExcluded('/ws/.env.local', ['**/.env*'], ['/ws']), true);
    assert.equal(isExcluded('Untitled-1', ['Untitled-*'], ['/ws']), true);
    assert.equal(isExcluded('/ws/a.py', [], ['/ws']), false);
  });

  it('locates documents: decoded file paths, untitled names, notebook cells', () => {
    assert.deepEqual(locate('file:///ws/my%20dir/keys.py'), { scanPath: '/ws/my dir/keys.py', matchPath: '/ws/my dir/keys.py' });
    assert.deepEqual(locate('untitled:Untitled-1'), { scanPath: 'Untitled-1', matchPath: 'Untitled-1' });
    assert.deepEqual(locate('vscode-notebook-cell:/ws/nb.ipynb#W0sZmlsZQ%3D%3D'), { scanPath: undefined, matchPath: '/ws/nb.ipynb' });
  });
});

describe('settings through the language server', function () {
  let config: Record<string, unknown> = {};
  let lsp: LspHarness;
  before(async () => { lsp = await LspHarness.start({ configuration: (item) => (item.section === 'mispGuard' ? config : null) }); });
  after(() => lsp.stopExpectingNoLeaks());

  /** Applies new settings and resolves with the diagnostics re-published for `uri`. */
  async function reconfigure(uri: string, next: Record<string, unknown>): Promise<PublishDiagnosticsParams> {
    config = next;
    const published = lsp.nextDiagnostics(uri);
    lsp.changeConfiguration();
    return published;
  }

  it('asks for the mispGuard section scoped to the document', async () => {
    const uri = fileUri('tmp-lsp', 'scope', 'keys.py');
    await lsp.open(uri, 'python', KEYS_PY);
    assert.ok(lsp.configurationItems.some((i) => i.scopeUri === uri && i.section === 'mispGuard'), JSON.stringify(lsp.configurationItems));
    await lsp.close(uri);
  });

  it('applies per-rule severity, off included, and revalidates open documents on change', async () => {
    const uri = fileUri('tmp-lsp', 'severity', 'keys.py');
    config = {};
    const before = await lsp.open(uri, 'python', KEYS_PY);
    assert.deepEqual(codes(before), ['hardcoded-key', 'tls-verify-disabled']);

    const off = await reconfigure(uri, { severity: { 'hardcoded-key': 'off' } });
    assert.deepEqual(codes(off), ['tls-verify-disabled']);

    const hint = await reconfigure(uri, { severity: { 'hardcoded-key': 'hint', 'tls-verify-disabled': 'error' } });
    assert.deepEqual(hint.diagnostics.map((d) => [d.code, d.severity]).sort(),
      [['hardcoded-key', DiagnosticSeverity.Hint], ['tls-verify-disabled', DiagnosticSeverity.Error]]);
    await lsp.close(uri);
  });

  it('publishes nothing when disabled, and again when re-enabled', async () => {
    const uri = fileUri('tmp-lsp', 'enable', 'keys.py');
    config = {};
    assert.equal((await lsp.open(uri, 'python', KEYS_PY)).diagnostics.length, 2);
    assert.deepEqual((await reconfigure(uri, { enable: false })).diagnostics, []);
    assert.equal((await reconfigure(uri, { enable: true })).diagnostics.length, 2);
    await lsp.close(uri);
  });

  it('publishes nothing for excluded files, relative to the workspace folder', async () => {
    config = { exclude: ['tmp-lsp/vendor/**'] };
    const excluded = fileUri('tmp-lsp', 'vendor', 'keys.py');
    const kept = fileUri('tmp-lsp', 'src', 'keys.py');
    assert.deepEqual((await lsp.open(excluded, 'python', KEYS_PY)).diagnostics, []);
    assert.equal((await lsp.open(kept, 'python', KEYS_PY)).diagnostics.length, 2);
    await lsp.close(excluded);
    await lsp.close(kept);
    config = {};
  });

  it('uses extra key-name patterns', async () => {
    const uri = fileUri('tmp-lsp', 'extra', 'settings.py');
    const text = `# threat intel sync\nMISP_URL = 'https://misp.example.org'\nti_sync_token = 'Qm7Rk2Vd9XbT4nLp8WcZ3HfJ6sYa1GeU5oKi0NqE'\n`;
    config = { extraKeyNames: ['ti_sync_token'] };
    const p = await lsp.open(uri, 'python', text);
    assert.deepEqual(p.diagnostics.map((d) => [d.code, d.range.start.line]), [['hardcoded-key', 2]]);
    await lsp.close(uri);
    config = {};
  });
});

describe('settings for clients without workspace/configuration', function () {
  let lsp: LspHarness;
  before(async () => {
    lsp = await LspHarness.start({ capabilities: { textDocument: { publishDiagnostics: {} } } });
  });
  after(() => lsp.stopExpectingNoLeaks());

  it('uses defaults, then the pushed mispGuard settings', async () => {
    const uri = fileUri('tmp-lsp', 'push', 'keys.py');
    assert.equal((await lsp.open(uri, 'python', KEYS_PY)).diagnostics.length, 2);
    assert.deepEqual(lsp.configurationItems, []);
    const next = lsp.nextDiagnostics(uri);
    lsp.changeConfiguration({ mispGuard: { severity: { 'tls-verify-disabled': 'off' } } });
    assert.deepEqual(codes(await next), ['hardcoded-key']);
    await lsp.close(uri);
  });
});

describe('settings: a generic client answering null', () => {
  it('gets the defaults', async () => {
    const lsp = await LspHarness.start({ folder: ROOT });
    try {
      const uri = fileUri('tmp-lsp', 'null', 'keys.py');
      const p = await lsp.open(uri, 'python', KEYS_PY);
      assert.ok(lsp.configurationItems.length > 0);
      assert.deepEqual(codes(p), ['hardcoded-key', 'tls-verify-disabled']);
    } finally {
      await lsp.stopExpectingNoLeaks();
    }
  });
});
