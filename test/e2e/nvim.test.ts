/**
 * misp-guard-language-server from Debian's Neovim (0.7+), headless: diagnostics and code actions on a corpus
 * file. Recipe: ../shared/docs/real-editor-testing.md §4. XDG dirs and HOME are isolated in a temp dir.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const NVIM = process.env.MISP_GUARD_NVIM ?? '/usr/bin/nvim';
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

interface NvimDiagnostic { lnum: number; col: number; message: string; source?: string; severity: number; code?: string; has_data: boolean }
/** The answer to one textDocument/codeAction request, per diagnostic (each list in the order of the actions). */
interface NvimCodeActions {
  lnum: number;
  code?: string;
  titles: string[];
  preferred: string[];
  kinds: string[];
  /** The command id an action runs, `edit` for an action that carries its edit. */
  commands: string[];
  error?: string;
}
interface NvimResult {
  nvim: string;
  waited_ok: boolean;
  elapsed_ms: number;
  diagnostics: NvimDiagnostic[];
  code_action_provider: boolean;
  code_actions: NvimCodeActions[];
  /** Titles offered when the context diagnostic is rebuilt by hand without its `data`. */
  code_actions_without_data?: string[];
  error?: string;
}

type Processes = { stopProcesses(pgid: number | undefined, marker: string): Promise<string[]> };

/** Runs lspProbe.lua on `file` (relative to the corpus) and returns what it wrote. */
async function probe(file: string, dir: string): Promise<NvimResult> {
  const out = path.join(dir, 'result.json');
  const x = (sub: string): string => path.join(dir, sub);
  const env = {
    ...process.env, HOME: x('home'), TMPDIR: x('tmp'), XDG_CONFIG_HOME: x('config'), XDG_DATA_HOME: x('data'),
    XDG_CACHE_HOME: x('cache'), XDG_STATE_HOME: x('state'), XDG_RUNTIME_DIR: x('tmp'),
    MISP_GUARD_NVIM_OUT: out,
    LSP_CMD: JSON.stringify([process.execPath, path.join(ROOT, pkg.bin['misp-guard-language-server']), '--stdio']),
  };
  for (const d of ['home', 'tmp']) fs.mkdirSync(x(d), { recursive: true });
  const corpus = path.join(ROOT, 'test', 'fixtures', 'corpus');
  const child = spawn(NVIM, ['--headless', '-n', '-i', 'NONE', '--noplugin', '-u', 'NONE',
    '-c', `luafile ${path.join(ROOT, 'test', 'e2e', 'nvim', 'lspProbe.lua')}`, file],
  { cwd: corpus, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => { output += c; });
  child.stderr.on('data', (c) => { output += c; });
  const processes = (await import(pathToFileURL(path.join(ROOT, 'test', 'e2e', 'processes.mjs')).href)) as Processes;
  let timer: NodeJS.Timeout | undefined;
  try {
    const code = await Promise.race([
      new Promise<number | null>((resolve, reject) => { child.once('exit', resolve); child.once('error', reject); }),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`nvim did not finish within 30 s:\n${output}`)), 30_000); }),
    ]);
    assert.equal(code, 0, `nvim exited with ${code}:\n${output}`);
  } finally {
    clearTimeout(timer);
    const leaked = await processes.stopProcesses(child.pid, dir);
    assert.deepEqual(leaked, [], 'processes outlived nvim (the language server should exit with its client)');
  }
  assert.ok(fs.existsSync(out), `nvim wrote no result:\n${output}`);
  return JSON.parse(fs.readFileSync(out, 'utf8')) as NvimResult;
}

describe('Neovim as an LSP client', function () {
  this.timeout(60_000);
  let dir: string;
  before(function () {
    if (!fs.existsSync(NVIM)) {
      throw new Error(`no Neovim at ${NVIM}. Install it with:\n    apt-get update && apt-get install -y neovim`);
    }
    const server = path.join(ROOT, pkg.bin['misp-guard-language-server']);
    assert.ok(fs.existsSync(server), `${server} is missing: run \`npm run build\``);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'misp-guard-nvim-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('gets the keys.py diagnostics with rule codes and masked messages, and the quick fixes of each', async () => {
    const r = await probe('python/keys.py', dir);
    assert.equal(r.error, undefined);
    assert.ok(r.waited_ok, 'no diagnostics arrived within 15 s');
    const got = r.diagnostics.map((d) => `${d.lnum + 1}:${d.code}`);
    assert.deepEqual(got, ['6:hardcoded-key', '7:tls-verify-disabled']);
    for (const d of r.diagnostics) assert.ok(!/[A-Za-z0-9]{40}/.test(d.message), `unmasked key: ${d.message}`);
    assert.ok(r.diagnostics.every((d) => d.has_data), 'Neovim should keep the diagnostics\' data (the quick fixes are built from it)');
    assert.equal(r.code_action_provider, true, 'the server should announce codeActionProvider');

    // Asked as Neovim's own vim.lsp.buf.code_action() asks on the key line and on the TLS line.
    const [key, tls] = r.code_actions;
    assert.equal(r.code_actions.length, 2, `one codeAction answer per diagnostic: ${JSON.stringify(r.code_actions)}`);
    for (const a of r.code_actions) assert.equal(a.error, undefined, `codeAction on line ${a.lnum + 1} failed: ${a.error}`);
    assert.deepEqual([key.lnum + 1, key.code], [6, 'hardcoded-key']);
    assert.deepEqual(key.titles, [
      'Move MISP key to environment variable MISP_KEY',
      'Move MISP key to HashiCorp Vault (secret/misp, field api_key)',
      'Suppress hardcoded-key here (misp-guard-ignore)',
    ]);
    assert.deepEqual(key.preferred, ['Move MISP key to environment variable MISP_KEY']);
    assert.deepEqual(key.commands, ['mispGuard.applyKeyFix', 'mispGuard.applyKeyFix', 'edit']);
    assert.ok(key.kinds.every((k) => k === 'quickfix'), `kinds: ${key.kinds.join(', ')}`);
    assert.deepEqual([tls.lnum + 1, tls.code], [7, 'tls-verify-disabled']);
    assert.ok(tls.titles.includes('Enable TLS certificate verification'), `TLS fixes: ${tls.titles.join(' | ')}`);
    assert.deepEqual(tls.preferred, ['Enable TLS certificate verification']);
    for (const t of r.code_actions.flatMap((a) => a.titles)) assert.ok(!/[A-Za-z0-9]{40}/.test(t), 'a code action title shows the key');
  });
});
