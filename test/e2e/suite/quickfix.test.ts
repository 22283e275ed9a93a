import * as assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  copyInWorkspace, describe as list, has, KEY_LIKE, masked, openFile, pageText, quickFixesAt, ruleOf, screenshot, setSetting,
  waitForDiagnostics, waitForText, wsUri,
} from './helpers';

// python/keys.py of the corpus: line 6 `misp_key = '<key>'  # automation key of the sync user` (hardcoded-key),
// line 7 `misp_verifycert = False` (tls-verify-disabled). No test prints a key: messages go through masked().
const KEY_LINE = 6;
const TLS_LINE = 7;
const ENV_TITLE = 'Move MISP key to environment variable MISP_KEY';
const VAULT_TITLE = 'Move MISP key to HashiCorp Vault (secret/misp, field api_key)';
const TLS_TITLE = 'Enable TLS certificate verification';
/** What the env fix turns line 6 into (the quotes follow the file's style, single here). */
const ENV_LINE = "misp_key = os.environ['MISP_KEY']  # automation key of the sync user";

/** The key literal on the key line of a keys.py copy. */
function keyOf(doc: vscode.TextDocument): string {
  const m = /misp_key = '([A-Za-z0-9]{40})'/.exec(doc.lineAt(KEY_LINE - 1).text);
  assert.ok(m, `no key literal on line ${KEY_LINE} of ${doc.uri.path}`);
  return m[1];
}

/** keys.py after "move to environment variable": `import os` once, after the header comments, then the lookup. */
function expectedAfterEnvFix(original: string): string {
  const lines = original.split('\n');
  return [...lines.slice(0, 4), 'import os', '', lines[4], ENV_LINE, ...lines.slice(6)].join('\n');
}

/** A fresh random 40-character key (a different value than the corpus one). */
function randomKey(): string {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 40 }, () => abc[randomInt(abc.length)]).join('');
}

/** Opens a workspace file and waits for its key and TLS findings; returns the document and the key diagnostic. */
async function openWithFindings(relative: string): Promise<{ doc: vscode.TextDocument; keyDiag: vscode.Diagnostic; diags: vscode.Diagnostic[] }> {
  const doc = await openFile(relative);
  const diags = await waitForDiagnostics(doc.uri, (d) => has(d, 'hardcoded-key', KEY_LINE) && has(d, 'tls-verify-disabled', TLS_LINE),
    `hardcoded-key on line ${KEY_LINE} and tls-verify-disabled on line ${TLS_LINE}`);
  const keyDiag = diags.find((d) => ruleOf(d) === 'hardcoded-key')!;
  return { doc, keyDiag, diags };
}

/** The env fix offered at the key diagnostic; its command is what the light bulb would run. */
async function envFix(doc: vscode.TextDocument, keyDiag: vscode.Diagnostic): Promise<vscode.Command> {
  const actions = await quickFixesAt(doc.uri, keyDiag.range);
  const env = actions.find((a) => a.title === ENV_TITLE);
  assert.ok(env?.command, `no "${ENV_TITLE}" action with a command; got: ${actions.map((a) => a.title).join(' | ')}`);
  return env.command;
}

/** Runs a quick fix's command like the editor does and returns the server's outcome (applied, cancelled, failed). */
function run(command: vscode.Command): Thenable<unknown> {
  return vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
}

/**
 * The notification the user got whose text contains `needle` (code-server runner only; undefined elsewhere).
 * It must not show a key.
 */
async function notification(needle: string): Promise<string | undefined> {
  const texts = await pageText(`.notifications-toasts .notification-list-item-message:has-text(${JSON.stringify(needle)})`);
  if (!texts) return undefined;
  const text = texts.join('\n');
  assert.ok(!KEY_LIKE.test(text), `a notification shows a key: ${masked(text)}`);
  return text;
}

/** Runs the env fix on a copy of keys.py and checks the edit, the import and that the finding went away. Returns the key. */
async function moveKeyToEnv(relative: string): Promise<string> {
  const { doc, keyDiag } = await openWithFindings(relative);
  const key = keyOf(doc);
  const original = doc.getText();
  const command = await envFix(doc, keyDiag);
  assert.ok(!JSON.stringify(command).includes(key), 'the quick fix command carries the key (it should read it from the document)');

  const expected = expectedAfterEnvFix(original);
  const edited = waitForText(doc, (t) => t === expected, 'the env-var edit');
  const outcome = await run(command);
  assert.equal(outcome, 'applied', `the fix did not apply (outcome ${String(outcome)})`);
  const text = await edited;
  assert.ok(!text.includes(key), 'the key is still in the document');
  assert.equal(text.split('\n').filter((l) => l === 'import os').length, 1, `import os not exactly once:\n${masked(text)}`);
  assert.equal(doc.lineAt(KEY_LINE + 1).text, ENV_LINE);
  assert.equal(doc.lineAt(4).text, 'import os', 'import os belongs after the header comments and their blank line');

  const after = await waitForDiagnostics(doc.uri, (d) => !d.some((x) => ruleOf(x) === 'hardcoded-key'), 'the hardcoded-key finding to go');
  // The TLS finding stays, moved down by the two inserted lines.
  assert.ok(has(after, 'tls-verify-disabled', TLS_LINE + 2), `tls-verify-disabled should now be on line ${TLS_LINE + 2}:\n${list(after)}`);
  assert.ok(await doc.save(), `could not save ${relative}`);

  const told = await notification(`moved the key out of ${relative.split('/').pop()}`);
  if (told !== undefined) {
    assert.ok(told.includes('It now reads the environment variable MISP_KEY'), `the user is not told where the program reads the key: ${told}`);
    assert.ok(!told.includes(key.slice(0, 8)), 'the notification shows the start of the key');
  }
  return key;
}

describe('quick fixes', () => {
  after(async () => {
    await setSetting('secretStore', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('offers env (preferred), Vault and suppress for the key, enable-TLS for TLS; no title shows the key', async () => {
    const { doc, keyDiag, diags } = await openWithFindings('python/keys.py');
    const key = keyOf(doc);

    const keyActions = await quickFixesAt(doc.uri, keyDiag.range);
    const titles = keyActions.map((a) => a.title);
    const env = keyActions.find((a) => a.title === ENV_TITLE);
    const vault = keyActions.find((a) => a.title === VAULT_TITLE);
    const suppress = keyActions.find((a) => /^Suppress hardcoded-key\b/.test(a.title));
    assert.ok(env && vault && suppress, `expected env, Vault and suppress fixes; got: ${titles.join(' | ')}`);
    assert.equal(env.isPreferred, true, 'the env fix should be the preferred one');
    assert.ok(!vault.isPreferred, 'only the env fix is preferred');
    for (const a of [env, vault]) {
      // Key moves are commands: the server stores the key and reads it back before it edits.
      assert.equal(a.command?.command, 'mispGuard.applyKeyFix', `${a.title} should run mispGuard.applyKeyFix`);
      assert.equal(a.edit, undefined, `${a.title} should carry no edit of its own`);
    }
    assert.ok(suppress.edit && suppress.edit.size > 0, 'the suppress fix should carry its edit');
    for (const a of keyActions) assert.equal(a.kind?.value, 'quickfix', `${a.title} has kind ${a.kind?.value}`);

    const tlsDiag = diags.find((d) => ruleOf(d) === 'tls-verify-disabled')!;
    const tlsActions = await quickFixesAt(doc.uri, tlsDiag.range);
    const tls = tlsActions.find((a) => a.title === TLS_TITLE);
    assert.ok(tls?.edit, `expected "${TLS_TITLE}" with an edit; got: ${tlsActions.map((a) => a.title).join(' | ')}`);
    const edits = tls.edit.get(doc.uri);
    assert.ok(edits.length > 0 && edits.every((e) => e.range.start.line === TLS_LINE - 1), 'the TLS fix should edit line 7 only');
    assert.ok(edits.some((e) => e.newText.includes('True')), 'the TLS fix should set misp_verifycert to True');

    for (const a of [...keyActions, ...tlsActions]) {
      assert.ok(!KEY_LIKE.test(a.title) && !a.title.includes(key.slice(0, 8)), `a title shows the key: ${masked(a.title)}`);
    }
  });

  it('shows the quick-fix menu on the key (screenshot)', async () => {
    const { doc, keyDiag } = await openWithFindings('python/keys.py');
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    editor.selection = new vscode.Selection(keyDiag.range.start, keyDiag.range.start);
    editor.revealRange(keyDiag.range);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('editor.action.quickFix');
    try {
      const shot = await screenshot('quickfix-menu', '.action-widget .monaco-list-row');
      if (shot) assert.ok(fs.statSync(shot).size > 10_000, `${shot} looks empty`);
    } finally {
      await vscode.commands.executeCommand('hideCodeActionWidget');
    }
  });

  it('moves the key to SecretStorage and the environment variable; the stored value persists', async () => {
    await setSetting('secretStore', 'secretStorage');
    copyInWorkspace('python/keys.py', 'python/keys_secret_storage.py');
    // 'applied' means the server stored the key through the extension's mispGuard/storeSecret handler
    // (context.secrets), read it back through mispGuard/readSecret and found the same value.
    await moveKeyToEnv('python/keys_secret_storage.py');
    const stored = await notification('moved the key out of keys_secret_storage.py');
    if (stored !== undefined) assert.ok(stored.includes('stored in VS Code SecretStorage (entry MISP_KEY)'), stored);

    // SecretStorage now holds MISP_KEY: a different key under the same name must not overwrite it, and the
    // file must stay as it was. This also shows the first value really is in the extension's SecretStorage.
    const other = wsUri('python/keys_other_key.py');
    fs.writeFileSync(other.fsPath, fs.readFileSync(wsUri('python/keys.py').fsPath, 'utf8').replace(KEY_LIKE, randomKey()));
    const { doc, keyDiag } = await openWithFindings('python/keys_other_key.py');
    const before = doc.getText();
    const outcome = await run(await envFix(doc, keyDiag));
    assert.equal(outcome, 'failed', 'a different key must not replace the stored one');
    assert.ok(doc.getText() === before && !doc.isDirty, 'a failed store must leave the file unchanged');
    assert.ok(has(vscode.languages.getDiagnostics(doc.uri), 'hardcoded-key', KEY_LINE), 'the finding should remain');
    // Failed for the right reason: the read-back of the extension's SecretStorage found the first key.
    const refused = await notification('already holds a different value');
    if (refused !== undefined) {
      assert.ok(refused.includes('VS Code SecretStorage (entry MISP_KEY) already holds a different value'), refused);
      assert.ok(refused.includes('keys_other_key.py was not changed'), refused);
    }
  });

  it('moves the key to a git-ignored .env (mode 0600) and the environment variable', async () => {
    await setSetting('secretStore', 'dotenv');
    const envFile = wsUri('.env').fsPath;
    const gitignore = wsUri('.gitignore').fsPath;
    assert.ok(!fs.existsSync(envFile), 'the workspace should start without a root .env');
    copyInWorkspace('python/keys.py', 'python/keys_dotenv.py');
    const key = await moveKeyToEnv('python/keys_dotenv.py');

    const stat = fs.statSync(envFile);
    assert.equal((stat.mode & 0o777).toString(8), '600', '.env should have mode 0600');
    const entries = fs.readFileSync(envFile, 'utf8').split(/\r?\n/);
    assert.ok(entries.includes(`MISP_KEY=${key}`), `.env has no MISP_KEY entry with the key (entries: ${entries.map((l) => masked(l.replace(/=.*/, '=…'))).join(', ')})`);
    const stored = await notification('moved the key out of keys_dotenv.py');
    if (stored !== undefined) assert.ok(stored.includes(`stored in MISP_KEY in ${envFile}`), stored);
    const ignored = fs.readFileSync(gitignore, 'utf8').split(/\r?\n/).map((l) => l.trim());
    assert.ok(ignored.some((l) => l === '.env' || l === '/.env'), `.gitignore does not ignore .env:\n${ignored.join('\n')}`);
  });
});
