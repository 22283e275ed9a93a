/**
 * Key quick fixes over the real LSP protocol: the action carries a command, the server stores the key
 * (Vault fake or real, .env, the client's SecretStorage), reads it back, and only then sends
 * workspace/applyEdit; any failure means no edit and an error message without the key.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import ignore from 'ignore';
import { MessageType } from 'vscode-languageserver-protocol/node';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol/node';
import { analyzeText } from '../../server/src/core';
import { parses } from '../unit/fixesCheck';
import { vaultUnderTest } from '../support/fakeVault';
import type { VaultUnderTest } from '../support/fakeVault';
import { applyWorkspaceEdit, FixClient } from './fixHarness';
import { KEY, KEYS_PY } from './testData';

const OTHER = 'Zq81LmN0pQrStUvWxYz2AbCdEfGhIjKlMn3oPqRs';

describe('key quick fixes over LSP', function () {
  let vault: VaultUnderTest;
  let client: FixClient;
  let ws: string;
  let home: string;
  let config: Record<string, unknown>;
  let n = 0;

  before(async () => {
    vault = await vaultUnderTest();
    ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'misp-guard-ws-')));
    home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'misp-guard-home-')));
    // The server finds Vault through its environment, as a VS Code started from a shell passes it on.
    const env = { ...process.env, HOME: home, VAULT_ADDR: vault.address, VAULT_TOKEN: vault.token };
    client = await FixClient.start({ folder: ws, env, configuration: (item) => (item.section === 'mispGuard' ? config : null) });
  });
  beforeEach(() => {
    config = { secretStore: 'dotenv', vault: { mount: vault.mount, path: vault.freshPath() } };
    client.applyAnswer = { applied: true };
    client.answer = () => undefined;
    for (const f of ['.env', '.gitignore']) fs.rmSync(path.join(ws, f), { recursive: true, force: true });
  });
  after(async () => {
    const leaks = client.leaks();
    const token = client.visibleTexts().filter((t) => t.includes(vault.token));
    await client.stop();
    await vault.close();
    assert.deepEqual(leaks, []);
    assert.deepEqual(token, [], 'the Vault token reached a message or log');
  });

  /** Opens a fresh copy of keys.py and returns the key diagnostic and its actions. */
  async function open(text = KEYS_PY): Promise<{ uri: string; text: string; diagnostic: Diagnostic; actions: CodeAction[] }> {
    const uri = pathToFileURL(path.join(ws, `keys${++n}.py`)).href;
    const published = await client.lsp.open(uri, 'python', text);
    const diagnostic = published.diagnostics.find((d) => d.code === 'hardcoded-key')!;
    assert.ok(diagnostic, 'the key is flagged');
    return { uri, text, diagnostic, actions: await client.codeActions(uri, [diagnostic]) };
  }

  /** Runs an action and returns the edits and messages it caused. */
  async function run(action: CodeAction | undefined) {
    assert.ok(action, 'the action is offered');
    const [edits, messages, questions] = [client.applied.length, client.messages.length, client.questions.length];
    const outcome = await client.execute(action.command);
    return { outcome, edits: client.applied.slice(edits), messages: client.messages.slice(messages), questions: client.questions.slice(questions) };
  }

  const envAction = (actions: CodeAction[]) => actions.find((a) => a.isPreferred && a.command);

  /** The edit removes the key, the finding is gone on rescan, the file still compiles. */
  function checkFixed(uri: string, text: string, edit: Parameters<typeof applyWorkspaceEdit>[2], expected: RegExp): string {
    const fixed = applyWorkspaceEdit(text, uri, edit);
    assert.ok(!fixed.includes(KEY));
    assert.match(fixed, expected);
    assert.deepEqual(analyzeText(fixed, { path: 'keys.py' }).findings.map((f) => f.ruleId), ['tls-verify-disabled']);
    const parsed = parses(fixed, 'python');
    assert.ok(!('ok' in parsed) || parsed.ok, JSON.stringify(parsed));
    return fixed;
  }

  it('offers env (preferred), Vault and suppress; key plans carry a command and no edit; no title holds the key', async () => {
    const { actions } = await open();
    assert.deepEqual(actions.map((a) => a.title), [
      'Move MISP key to environment variable MISP_KEY',
      `Move MISP key to HashiCorp Vault (secret/${config.vault && (config.vault as { path: string }).path}, field api_key)`.replace('secret/', `${vault.mount}/`),
      'Suppress hardcoded-key here (misp-guard-ignore)',
    ]);
    assert.deepEqual(actions.map((a) => [a.kind, !!a.isPreferred, !!a.command, !!a.edit]), [['quickfix', true, true, false], ['quickfix', false, true, false], ['quickfix', false, false, true]]);
    assert.equal(actions[0].command!.command, 'mispGuard.applyKeyFix');
    assert.ok(!JSON.stringify(actions).includes(KEY), 'no action (title, arguments) holds the key');
  });

  it('.env: stores, verifies, then edits; the file is 0600 and git-ignored; the message says where', async () => {
    const { uri, text, actions } = await open();
    const r = await run(envAction(actions));
    assert.equal(r.outcome, 'applied');
    assert.equal(r.edits.length, 1);
    const change = r.edits[0].edit.documentChanges![0] as { textDocument: { version: number } };
    assert.equal(change.textDocument.version, 1, 'the edit is tied to the document version it was made for');
    checkFixed(uri, text, r.edits[0].edit, /^# MISP connection settings for the helper scripts\nimport os\n[\s\S]*misp_key = os\.environ\['MISP_KEY'\]/);
    const envFile = path.join(ws, '.env');
    assert.equal(fs.readFileSync(envFile, 'utf8'), `MISP_KEY=${KEY}\n`);
    assert.equal(fs.statSync(envFile).mode & 0o777, 0o600);
    assert.ok(ignore().add(fs.readFileSync(path.join(ws, '.gitignore'), 'utf8')).ignores('.env'));
    assert.equal(r.messages.length, 1);
    assert.equal(r.messages[0].type, MessageType.Info);
    assert.match(r.messages[0].message, new RegExp(`reads the environment variable MISP_KEY\\. The value is stored in MISP_KEY in ${envFile.replace(/[.\\]/g, '\\$&')}\\.`));
    assert.match(r.messages[0].message, /added \/\.env to/i);
  });

  it('Vault (env plan): the key goes to the configured mount/path/field, other fields stay', async () => {
    config.secretStore = 'vault';
    const p = (config.vault as { path: string }).path;
    await vault.write(p, { url: 'https://misp.example.org' });
    const { uri, text, actions } = await open();
    const r = await run(envAction(actions));
    assert.equal(r.outcome, 'applied');
    checkFixed(uri, text, r.edits[0].edit, /os\.environ\['MISP_KEY'\]/);
    assert.deepEqual(await vault.read(p), { url: 'https://misp.example.org', api_key: KEY });
    assert.match(r.messages[0].message, new RegExp(`stored in Vault ${vault.address.replace(/[.]/g, '\\.')} at ${vault.mount}/${p} \\(field api_key\\)`));
    assert.ok(!fs.existsSync(path.join(ws, '.env')));
  });

  it('Vault plan: the code reads Vault, and the key is stored there whatever the store setting', async () => {
    config.secretStore = 'dotenv';
    config.vault = { mount: vault.mount, path: vault.freshPath(), field: 'misp_key' };
    const { uri, text, actions } = await open();
    const r = await run(actions.find((a) => a.title.startsWith('Move MISP key to HashiCorp Vault')));
    assert.equal(r.outcome, 'applied');
    checkFixed(uri, text, r.edits[0].edit, /hvac\.Client\(.*\['misp_key'\]/);
    assert.deepEqual(await vault.read((config.vault as { path: string }).path), { misp_key: KEY });
    assert.match(r.messages[0].message, /Needs the hvac package/);
  });

  it('SecretStorage: the client stores and reads back on the server\'s request', async () => {
    config.secretStore = 'secretStorage';
    client.secrets.clear();
    const { uri, text, actions } = await open();
    const r = await run(envAction(actions));
    assert.equal(r.outcome, 'applied');
    checkFixed(uri, text, r.edits[0].edit, /os\.environ\['MISP_KEY'\]/);
    assert.deepEqual([...client.secrets], [['MISP_KEY', KEY]]);
    assert.match(r.messages[0].message, /VS Code SecretStorage \(entry MISP_KEY\)/);
  });

  it('ask: the user picks the store; dismissing the question changes nothing', async () => {
    config.secretStore = 'ask';
    client.secrets.clear();
    let { actions } = await open();
    client.answer = () => undefined;
    let r = await run(envAction(actions));
    assert.equal(r.outcome, 'cancelled');
    assert.deepEqual(r.questions.map((q) => q.params.actions?.map((a) => a.title)), [['.env file (git-ignored)', 'HashiCorp Vault', 'VS Code SecretStorage']]);
    assert.equal(r.edits.length, 0);
    assert.equal(client.secrets.size, 0);
    ({ actions } = await open());
    client.answer = (q) => q.actions?.find((a) => a.title === 'VS Code SecretStorage')?.title;
    r = await run(envAction(actions));
    assert.equal(r.outcome, 'applied');
    assert.equal(client.secrets.get('MISP_KEY'), KEY);
  });

  describe('a failing store: no edit, an error saying why, no key', () => {
    async function expectFailure(pattern: RegExp): Promise<void> {
      const { actions } = await open();
      const r = await run(envAction(actions));
      assert.equal(r.outcome, 'failed');
      assert.equal(r.edits.length, 0, 'no workspace/applyEdit');
      assert.equal(r.messages.length, 1);
      assert.equal(r.messages[0].type, MessageType.Error);
      assert.match(r.messages[0].message, /did not move the key/);
      assert.match(r.messages[0].message, pattern);
      assert.match(r.messages[0].message, /keys\d+\.py was not changed/);
      assert.ok(!r.messages[0].message.includes(KEY));
    }

    it('Vault down', async () => {
      config = { secretStore: 'vault', vault: { address: 'http://127.0.0.1:9', path: 'misp' } };
      await expectFailure(/Vault at http:\/\/127\.0\.0\.1:9 is unreachable/);
    });

    it('wrong Vault token (from the settings, which win over VAULT_TOKEN)', async () => {
      config = { secretStore: 'vault', vault: { token: 'hvs.wrong-token-for-the-test', mount: vault.mount, path: vault.freshPath() } };
      await expectFailure(/HTTP 403/);
      assert.ok(client.visibleTexts().every((t) => !t.includes('hvs.wrong-token-for-the-test')));
    });

    it('.env cannot be written (a directory in its place)', async () => {
      fs.mkdirSync(path.join(ws, '.env'));
      await expectFailure(/\.env \(EISDIR\)/);
    });

    it('.env in a read-only folder', async () => {
      if (process.getuid?.() !== 0) {
        fs.chmodSync(ws, 0o555);
        try {
          await expectFailure(/EACCES|EPERM/);
        } finally {
          fs.chmodSync(ws, 0o755);
        }
        return;
      }
      // root writes anyway: a server running as an unprivileged user meets the permissions a user would
      const ro = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'misp-guard-ro-')));
      fs.chmodSync(ro, 0o555);
      const user = await FixClient.start({ folder: ro, user: { uid: 65534, gid: 65534 }, env: { ...process.env, HOME: ro }, configuration: (item) => (item.section === 'mispGuard' ? { secretStore: 'dotenv' } : null) });
      try {
        const uri = pathToFileURL(path.join(ro, 'keys.py')).href;
        const d = (await user.lsp.open(uri, 'python', KEYS_PY)).diagnostics.find((x) => x.code === 'hardcoded-key')!;
        const action = envAction(await user.codeActions(uri, [d]));
        assert.equal(await user.execute(action!.command), 'failed');
        assert.deepEqual(user.applied, [], 'no workspace/applyEdit');
        assert.equal(user.messages.length, 1);
        assert.match(user.messages[0].message, /did not move the key: .*(EACCES|EPERM).*keys\.py was not changed/);
        assert.deepEqual(fs.readdirSync(ro), []);
        assert.deepEqual(user.leaks(), []);
      } finally {
        await user.stop();
        fs.rmSync(ro, { recursive: true, force: true });
      }
    });

    it('.env already holds a different key under that name', async () => {
      fs.writeFileSync(path.join(ws, '.env'), `MISP_KEY=${OTHER}\n`);
      await expectFailure(/already holds a different value/);
      assert.equal(fs.readFileSync(path.join(ws, '.env'), 'utf8'), `MISP_KEY=${OTHER}\n`);
    });

    it('SecretStorage refuses', async () => {
      config.secretStore = 'secretStorage';
      client.secretStorageFails = true;
      try {
        await expectFailure(/could not (read|write).*SecretStorage/);
      } finally {
        client.secretStorageFails = false;
      }
    });
  });

  it('the editor refusing the edit is reported (the key stays stored)', async () => {
    client.applyAnswer = { applied: false, failureReason: 'document is read-only' };
    const { actions } = await open();
    const r = await run(envAction(actions));
    assert.equal(r.outcome, 'failed');
    assert.match(r.messages[0].message, /The key is stored \(MISP_KEY in .*\.env\), but the editor did not apply the edit to keys\d+\.py \(document is read-only\)/);
  });

  it('a document changed since the action was offered: nothing stored, nothing edited; stale diagnostics get no actions', async () => {
    const { uri, diagnostic, actions } = await open();
    const changed = KEYS_PY.replace('# MISP', '# The MISP');
    await client.lsp.change(uri, changed, 2);
    const r = await run(envAction(actions));
    assert.equal(r.outcome, 'failed');
    assert.equal(r.edits.length, 0);
    assert.match(r.messages[0].message, /changed since the fix was offered/);
    assert.ok(!fs.existsSync(path.join(ws, '.env')));
    assert.deepEqual(await client.codeActions(uri, [diagnostic]), []);
  });
});
