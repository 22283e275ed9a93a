/**
 * Helpers for the e2e tests that run inside the extension host. Everything waits on editor events
 * (onDidChangeDiagnostics, promises from the API) with a deadline; nothing sleeps.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** The repository root (out/test/e2e/suite → ../../../..). */
export const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string };
/** `publisher.name` of the extension under test. */
export const EXTENSION_ID = `${pkg.publisher}.${pkg.name}`;

/** What the extension's activate() returns, as far as the tests rely on it. */
interface MispGuardApi { ready: Promise<void> }

/**
 * Activates the extension and waits until its language server is initialised. Fails fast (instead of every
 * test timing out on diagnostics) when the server cannot start, e.g. a .vsix without dist/server.js.
 */
export async function serverReady(timeoutMs = 30_000): Promise<void> {
  const ext = vscode.extensions.getExtension<MispGuardApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  const api = await ext.activate();
  if (!api || typeof api.ready?.then !== 'function') throw new Error(`${EXTENSION_ID}'s activate() returned no ready promise`);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([api.ready, new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the language server was not ready after ${timeoutMs / 1000} s`)), timeoutMs);
    })]);
  } catch (e) {
    const server = path.join(ext.extensionPath, 'dist', 'server.js');
    const missing = fs.existsSync(server) ? '' : ` (${server} does not exist)`;
    throw new Error(`the language server did not start${missing}: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** A run of 40 key characters: a MISP auth key that was not masked. */
export const KEY_LIKE = /[A-Za-z0-9]{40}/;

/** URI of a file in the test workspace (a fresh copy of test/fixtures/corpus). */
export function wsUri(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the e2e suite needs a workspace folder (a copy of test/fixtures/corpus)');
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

/** Opens a workspace file in an editor (which also sends didOpen to the language server). */
export async function openFile(relative: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(wsUri(relative));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** The rule id of a diagnostic (`code` may carry a link to the rule's documentation). */
export function ruleOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

/** One line per diagnostic, for assertion messages (messages are masked, so safe to print). */
export function describe(diags: readonly vscode.Diagnostic[]): string {
  if (diags.length === 0) return '  (none)';
  return diags.map((d) => `  ${ruleOf(d)} line ${d.range.start.line + 1}: ${d.message}`).join('\n');
}

/**
 * Resolves with the diagnostics of `uri` as soon as `accept` holds for them: checked now and on every
 * onDidChangeDiagnostics for that uri. Rejects after `timeoutMs` with what was there instead.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diags: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<vscode.Diagnostic[]> {
  const key = uri.toString();
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const diags = vscode.languages.getDiagnostics(uri);
      if (!accept(diags)) return false;
      cleanup();
      resolve(diags);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === key)) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} in ${uri.path}; diagnostics there:\n`
        + describe(vscode.languages.getDiagnostics(uri))));
    }, timeoutMs);
    const cleanup = (): void => { sub.dispose(); clearTimeout(timer); };
    check();
  });
}

/** True when `diags` has a `rule` diagnostic starting on 1-based `line`. */
export function has(diags: readonly vscode.Diagnostic[], rule: string, line: number): boolean {
  return diags.some((d) => ruleOf(d) === rule && d.range.start.line + 1 === line);
}

/**
 * Asks the driver (code-server runner) for a screenshot once `waitFor` (a CSS selector) is visible.
 * Returns the file written, or undefined under a runner without screenshots (test-electron).
 */
export async function screenshot(name: string, waitFor?: string): Promise<string | undefined> {
  return (await hook<{ path: string }>('screenshot', { name, waitFor }, `screenshot ${name}`))?.path;
}

/**
 * Asks the driver for the inner texts of the page elements matching `selector` (CSS, or Playwright's
 * `:has-text()`), once one is visible: what the user sees, e.g. a notification. Undefined under a runner
 * without a page hook (test-electron).
 */
export async function pageText(selector: string): Promise<string[] | undefined> {
  return (await hook<{ texts: string[] }>('text', { selector }, `text of ${selector}`))?.texts;
}

/** POSTs a request to the driver's hook server; undefined when there is none. */
function hook<T>(route: string, request: object, what: string): Promise<T | undefined> {
  const base = process.env.MISP_GUARD_E2E_HOOK;
  if (!base) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/${route}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => {
        const answer = JSON.parse(body) as T & { error?: string };
        if (res.statusCode === 200) resolve(answer);
        else reject(new Error(`${what} failed: ${answer.error}`));
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(request));
  });
}

/** `text` with every 40-character key run masked: safe to put in an assertion message. */
export function masked(text: string): string {
  return text.replace(new RegExp(KEY_LIKE.source, 'g'), (k) => `${k.slice(0, 4)}…`);
}

/**
 * Resolves with `check()`'s value as soon as it is not undefined: checked now and whenever `event` fires.
 * Rejects after `timeoutMs`, naming `what`.
 */
export function waitForEvent<E, T>(
  event: vscode.Event<E>,
  check: () => T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const value = check();
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const sub = event(attempt);
    const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)); }, timeoutMs);
    const cleanup = (): void => { sub.dispose(); clearTimeout(timer); };
    attempt();
  });
}

/**
 * Resolves once the text of `doc` satisfies `accept` (checked now and on each onDidChangeTextDocument of it).
 * Start waiting before the action that edits: a command may resolve after the edit was applied.
 * The timeout message shows the text with keys masked.
 */
export function waitForText(doc: vscode.TextDocument, accept: (text: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
  const key = doc.uri.toString();
  return waitForEvent(
    vscode.workspace.onDidChangeTextDocument,
    () => { const t = doc.getText(); return accept(t) ? t : undefined; },
    `${what} in ${doc.uri.path}`,
    timeoutMs,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; text now (keys masked):\n${masked(vscode.workspace.textDocuments.find((d) => d.uri.toString() === key)?.getText() ?? '(closed)')}`);
  });
}

/** Sets a `mispGuard.*` workspace setting and waits until the extension host reads the new value. */
export async function setSetting(name: string, value: unknown): Promise<void> {
  const read = (): unknown => vscode.workspace.getConfiguration('mispGuard').get(name);
  await vscode.workspace.getConfiguration('mispGuard').update(name, value, vscode.ConfigurationTarget.Workspace);
  const expected = JSON.stringify(value === undefined ? vscode.workspace.getConfiguration('mispGuard').inspect(name)?.defaultValue : value);
  await waitForEvent(vscode.workspace.onDidChangeConfiguration, () => (JSON.stringify(read()) === expected ? true : undefined),
    `mispGuard.${name} to read ${expected}`);
}

/** Copies a workspace file to another workspace path (the workspace is a temp copy of the corpus). */
export function copyInWorkspace(from: string, to: string): vscode.Uri {
  const target = wsUri(to);
  fs.copyFileSync(wsUri(from).fsPath, target.fsPath);
  return target;
}

/** The quick fixes the editor gets for `range` of `uri` (what the light bulb would list). */
export async function quickFixesAt(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value);
  // A bare Command has a string `command`; a CodeAction's `command` is a Command object (or absent).
  return (actions ?? []).filter((a): a is vscode.CodeAction => typeof a.command !== 'string');
}
