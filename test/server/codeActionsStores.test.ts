/**
 * The key stores on their own: Vault KV v2 (the in-process fake, or a real Vault from VAULT_ADDR and
 * VAULT_TOKEN), the `.env` file, and the store-then-read-back protocol that guards every key move; and,
 * over LSP, how the fixes of a file with several different keys use the store.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ignore from 'ignore';
import { pathToFileURL } from 'node:url';
import type { CodeAction } from 'vscode-languageserver-protocol/node';
import { DotenvStore, parseDotenv, setEntry } from '../../server/src/node/secretStores/dotenv';
import { storeVerified, StoreError } from '../../server/src/node/secretStores/store';
import type { SecretRef, SecretStore } from '../../server/src/node/secretStores/store';
import { vaultConnection, VaultStore } from '../../server/src/node/secretStores/vault';
import { vaultUnderTest } from '../support/fakeVault';
import type { VaultUnderTest } from '../support/fakeVault';
import { applyWorkspaceEdit, FixClient } from './fixHarness';
import { KEY, KEYS_PY } from './testData';

const OTHER = 'Zq81LmN0pQrStUvWxYz2AbCdEfGhIjKlMn3oPqRs';
const tmp = (): string => fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'misp-guard-store-')));
const ref = (over: Partial<SecretRef['vault']> = {}, name = 'MISP_KEY'): SecretRef => ({ name, vault: { mount: 'secret', path: 'misp', field: 'api_key', ...over } });
const mode = (p: string): number => fs.statSync(p).mode & 0o777;

async function rejects(p: Promise<unknown>, pattern: RegExp, secrets: string[]): Promise<string> {
  const error = await p.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof StoreError, `expected a StoreError, got ${String(error)}`);
  assert.match(error.message, pattern);
  for (const s of secrets) assert.ok(!error.message.includes(s), 'the message holds a secret');
  return error.message;
}

describe('key stores: Vault KV v2', function () {
  let vault: VaultUnderTest;
  before(async function () {
    vault = await vaultUnderTest();
    if (vault.real) this.test!.parent!.title += ` (real Vault at ${vault.address})`;
  });
  after(() => vault.close());

  const store = (token = vault.token) => new VaultStore({ address: vault.address, token });

  it('writes the field, keeps the other fields of the secret, reads it back', async () => {
    const p = vault.freshPath();
    await vault.write(p, { url: 'https://misp.example.org', other: 'x' });
    const r = ref({ mount: vault.mount, path: p });
    const s = store();
    const stored = await storeVerified(s, r, KEY, [vault.token]);
    assert.equal(stored.alreadyThere, false);
    assert.match(stored.where, new RegExp(`${vault.mount}/${p} \\(field api_key\\)`));
    assert.deepEqual(await vault.read(p), { url: 'https://misp.example.org', other: 'x', api_key: KEY });
    assert.equal(await s.read(r), KEY);
    // A second run finds the value there and writes nothing.
    assert.equal((await storeVerified(s, r, KEY)).alreadyThere, true);
  });

  it('creates a missing secret', async () => {
    const p = vault.freshPath();
    await storeVerified(store(), ref({ mount: vault.mount, path: p, field: 'misp_key' }), KEY);
    assert.deepEqual(await vault.read(p), { misp_key: KEY });
  });

  it('never overwrites a different value', async () => {
    const p = vault.freshPath();
    await vault.write(p, { api_key: OTHER });
    await rejects(storeVerified(store(), ref({ mount: vault.mount, path: p }), KEY), /already holds a different value/, [KEY, OTHER]);
    assert.deepEqual(await vault.read(p), { api_key: OTHER });
  });

  it('fails with the reason, without the token or the key: wrong token, Vault down, unknown mount', async () => {
    const p = vault.freshPath();
    const wrong = 'hvs.not-the-right-token-0000';
    const m = await rejects(storeVerified(store(wrong), ref({ mount: vault.mount, path: p }), KEY, [wrong]), /HTTP 403/, [KEY, wrong]);
    assert.match(m, /token/);
    const down = new VaultStore({ address: 'http://127.0.0.1:9', token: vault.token, timeoutMs: 3000 });
    await rejects(storeVerified(down, ref(), KEY, [vault.token]), /unreachable \((ECONNREFUSED|ETIMEDOUT)\)/, [KEY, vault.token]);
    await rejects(storeVerified(store(), ref({ mount: 'no-such-mount-misp-guard', path: p }), KEY, [vault.token]), /Vault refused to write no-such-mount-misp-guard/, [KEY, vault.token]);
    assert.equal(await vault.read(p), undefined);
  });

  it('takes address and token from settings, else VAULT_ADDR / VAULT_TOKEN / ~/.vault-token, and says what is missing', () => {
    const home = tmp();
    assert.deepEqual(vaultConnection({ address: 'https://v:8200/', token: 't1' }, { HOME: home }), { address: 'https://v:8200', token: 't1', namespace: undefined, caCert: undefined });
    assert.equal(vaultConnection({}, { HOME: home, VAULT_ADDR: 'http://a:1', VAULT_TOKEN: 't2' }).token, 't2');
    fs.writeFileSync(path.join(home, '.vault-token'), 't3\n');
    assert.equal(vaultConnection({}, { HOME: home, VAULT_ADDR: 'http://a:1' }).token, 't3');
    assert.throws(() => vaultConnection({}, { HOME: home }), /^StoreError: no Vault address: set mispGuard\.vault\.address or VAULT_ADDR$/);
    assert.throws(() => vaultConnection({}, { HOME: home }, 'cli'), /^StoreError: no Vault address: set VAULT_ADDR in the environment of misp-guard \(e\.g\. export VAULT_ADDR=https:\/\/vault\.example\.org:8200\)$/);
    assert.throws(() => vaultConnection({}, { HOME: home, VAULT_ADDR: 'not a url' }, 'cli'), /^StoreError: VAULT_ADDR is not a URL/);
    assert.throws(() => vaultConnection({ address: 'ftp://x' }, { HOME: home }), /http/);
    fs.rmSync(path.join(home, '.vault-token'));
    assert.throws(() => vaultConnection({ address: 'http://a:1' }, { HOME: home }), /no Vault token/);
  });
});

describe('key stores: .env file', () => {
  it('creates .env with mode 0600 and git-ignores it before writing the key', async () => {
    const ws = tmp();
    const s = new DotenvStore(ws);
    const stored = await storeVerified(s, ref(), KEY);
    assert.equal(fs.readFileSync(path.join(ws, '.env'), 'utf8'), `MISP_KEY=${KEY}\n`);
    assert.equal(mode(path.join(ws, '.env')), 0o600);
    assert.ok(ignore().add(fs.readFileSync(path.join(ws, '.gitignore'), 'utf8')).ignores('.env'));
    assert.match(stored.notes.join('\n'), /added \/\.env to/);
    assert.deepEqual(fs.readdirSync(ws).sort(), ['.env', '.gitignore'], 'no temporary file left behind');
  });

  it('replaces or appends the entry, keeps other lines and CRLF, tightens a readable file', async () => {
    const ws = tmp();
    fs.writeFileSync(path.join(ws, '.gitignore'), 'node_modules\n*.env');
    fs.writeFileSync(path.join(ws, '.env'), 'MISP_URL=https://misp.example.org\r\nexport MISP_KEY=\r\n# comment\r\n', { mode: 0o644 });
    fs.chmodSync(path.join(ws, '.env'), 0o644);
    const s = new DotenvStore(ws);
    const stored = await storeVerified(s, ref(), KEY);
    assert.equal(fs.readFileSync(path.join(ws, '.env'), 'utf8'), `MISP_URL=https://misp.example.org\r\nexport MISP_KEY=${KEY}\r\n# comment\r\n`);
    assert.equal(mode(path.join(ws, '.env')), 0o600);
    assert.equal(fs.readFileSync(path.join(ws, '.gitignore'), 'utf8'), 'node_modules\n*.env', '*.env already ignores it');
    assert.match(stored.notes.join('\n'), /readable by others \(mode 644\)/);
  });

  it('a key already stored still gets the .gitignore rule (and mode 0600) before success is reported', async () => {
    const ws = tmp();
    fs.writeFileSync(path.join(ws, '.env'), `MISP_KEY=${KEY}\n`, { mode: 0o644 });
    fs.chmodSync(path.join(ws, '.env'), 0o644);
    const stored = await storeVerified(new DotenvStore(ws), ref(), KEY);
    assert.equal(stored.alreadyThere, true);
    assert.equal(fs.readFileSync(path.join(ws, '.gitignore'), 'utf8'), '# secrets moved out of the code by misp-guard\n/.env\n');
    assert.equal(mode(path.join(ws, '.env')), 0o600);
    assert.deepEqual(stored.notes.map((n) => n.replace(ws, 'WS')), ['WS/.env was readable by others (mode 644); it is now 0600', 'added /.env to WS/.gitignore']);
  });

  it('keeps each line\'s own line break; an appended line (and a .gitignore rule) uses the file\'s', async () => {
    assert.equal(setEntry('A=1\r\nB=2\r\n', 'K', 'v'), 'A=1\r\nB=2\r\nK=v\r\n');
    assert.equal(setEntry('A=1\r\nB=2', 'K', 'v'), 'A=1\r\nB=2\r\nK=v\r\n');
    assert.equal(setEntry('A=1\nB=2\r\nC=3\n', 'K', 'v'), 'A=1\nB=2\r\nC=3\nK=v\n', 'other lines keep their breaks');
    assert.equal(setEntry('A=1\r\nK=old\nB=2\r\n', 'K', 'v'), 'A=1\r\nK=v\nB=2\r\n');
    assert.equal(setEntry('A=1\rB=2\r', 'K', 'v'), 'A=1\rB=2\rK=v\r');
    const ws = tmp();
    fs.writeFileSync(path.join(ws, '.gitignore'), 'node_modules\r\n');
    fs.writeFileSync(path.join(ws, '.env'), 'MISP_URL=https://misp.example.org\r\n');
    await storeVerified(new DotenvStore(ws), ref(), KEY);
    assert.equal(fs.readFileSync(path.join(ws, '.env'), 'utf8'), `MISP_URL=https://misp.example.org\r\nMISP_KEY=${KEY}\r\n`);
    assert.equal(fs.readFileSync(path.join(ws, '.gitignore'), 'utf8'), 'node_modules\r\n# secrets moved out of the code by misp-guard\r\n/.env\r\n');
  });

  it('refuses a dangling symbolic link (never replaces it with a file); writes through a link to a file', async () => {
    const ws = tmp();
    fs.symlinkSync(path.join(ws, 'missing.env'), path.join(ws, '.env'));
    await rejects(storeVerified(new DotenvStore(ws), ref(), KEY), /\.env is a symbolic link to .*missing\.env, which does not exist; misp-guard does not replace a link with a file/, [KEY]);
    assert.ok(fs.lstatSync(path.join(ws, '.env')).isSymbolicLink());
    assert.ok(!fs.existsSync(path.join(ws, 'missing.env')));
    assert.throws(() => new DotenvStore(ws).check(), /symbolic link/);
    fs.writeFileSync(path.join(ws, 'missing.env'), 'A=1\n');
    await storeVerified(new DotenvStore(ws), ref(), KEY);
    assert.ok(fs.lstatSync(path.join(ws, '.env')).isSymbolicLink());
    assert.equal(fs.readFileSync(path.join(ws, 'missing.env'), 'utf8'), `A=1\nMISP_KEY=${KEY}\n`);
  });

  it('gitignore: work-tree writes no .gitignore outside a git work tree, and says so; inside one it does', async () => {
    const ws = tmp();
    const s = new DotenvStore(ws, 'misp.env', { gitignore: 'work-tree' });
    const stored = await storeVerified(s, ref(), KEY);
    assert.deepEqual(fs.readdirSync(ws), ['misp.env']);
    assert.deepEqual(stored.notes, [`${ws}/misp.env is not inside a git work tree, so no .gitignore was written; keep it out of any repository`]);
    const repo = tmp();
    fs.mkdirSync(path.join(repo, '.git'));
    fs.mkdirSync(path.join(repo, 'conf'));
    await storeVerified(new DotenvStore(path.join(repo, 'conf'), 'misp.env', { gitignore: 'work-tree' }), ref(), KEY);
    assert.equal(fs.readFileSync(path.join(repo, 'conf', '.gitignore'), 'utf8'), '# secrets moved out of the code by misp-guard\n/misp.env\n');
  });

  it('never overwrites a different value', async () => {
    const ws = tmp();
    fs.writeFileSync(path.join(ws, '.env'), `MISP_KEY=${OTHER}\n`);
    await rejects(storeVerified(new DotenvStore(ws), ref(), KEY), /already holds a different value/, [KEY, OTHER]);
    assert.equal(fs.readFileSync(path.join(ws, '.env'), 'utf8'), `MISP_KEY=${OTHER}\n`);
  });

  it('refuses a .env that git tracks (ignoring would not untrack it)', async function () {
    const ws = tmp();
    try {
      execFileSync('git', ['init', '-q'], { cwd: ws });
    } catch {
      this.skip();
    }
    fs.writeFileSync(path.join(ws, '.env'), 'MISP_URL=x\n');
    execFileSync('git', ['add', '.env'], { cwd: ws });
    await rejects(storeVerified(new DotenvStore(ws), ref(), KEY), /tracked by git/, [KEY]);
    assert.equal(fs.readFileSync(path.join(ws, '.env'), 'utf8'), 'MISP_URL=x\n');
  });

  it('fails without writing when the file cannot be written', async () => {
    const ws = tmp();
    fs.mkdirSync(path.join(ws, '.env'));
    await rejects(storeVerified(new DotenvStore(ws), ref(), KEY), /cannot (read|write) .*\.env \(EISDIR\)/, [KEY]);
  });

  it('fails in a read-only folder', async () => {
    const ws = tmp();
    fs.chmodSync(ws, 0o555);
    try {
      if (process.getuid?.() !== 0) {
        await rejects(storeVerified(new DotenvStore(ws), ref(), KEY), /EACCES|EPERM/, [KEY]);
      } else {
        // root writes anyway: run the same store as an unprivileged user
        const dir = path.join(__dirname, '..', '..', 'server', 'src', 'node', 'secretStores');
        const script = `const { DotenvStore } = require(${JSON.stringify(path.join(dir, 'dotenv.js'))});
          const { storeVerified } = require(${JSON.stringify(path.join(dir, 'store.js'))});
          storeVerified(new DotenvStore(process.argv[1]), { name: 'MISP_KEY', vault: {} }, process.argv[2]).then(() => console.log('stored'), (e) => console.log(e.name + ': ' + e.message));`;
        const r = spawnSync(process.execPath, ['-e', script, ws, KEY], { uid: 65534, gid: 65534, encoding: 'utf8' });
        assert.match(r.stdout, /^StoreError: .*(EACCES|EPERM)/);
        assert.ok(!r.stdout.includes(KEY));
      }
      assert.deepEqual(fs.readdirSync(ws), []);
    } finally {
      fs.chmodSync(ws, 0o755);
    }
  });

  it('parses and sets entries like the usual loaders', () => {
    const env = parseDotenv('A=1\nexport B="two words" \nC=\'x\'\nD=bare # comment\nA=3\n');
    assert.deepEqual([...env], [['A', '3'], ['B', 'two words'], ['C', 'x'], ['D', 'bare']]);
    assert.equal(setEntry('', 'K', 'v'), 'K=v\n');
    assert.equal(setEntry('X=1', 'K', 'a b'), 'X=1\nK="a b"\n');
  });
});

describe('key stores: the read-back check', () => {
  it('fails when the store does not return what was written', async () => {
    const lying: SecretStore = { kind: 'dotenv', notes: [], describe: () => 'MISP_KEY in nowhere', read: async () => undefined, write: async () => undefined };
    await rejects(storeVerified(lying, ref(), KEY), /read-back check failed: MISP_KEY in nowhere/, [KEY]);
    const garbling: SecretStore = { ...lying, read: (() => { let n = 0; return async () => (n++ === 0 ? undefined : KEY.slice(0, 39)); })() };
    await rejects(storeVerified(garbling, ref(), KEY), /read-back check failed/, [KEY, KEY.slice(0, 39)]);
  });
});

describe('key fixes of files with several different keys (over LSP)', function () {
  this.timeout(60000);
  let client: FixClient;
  let ws: string;
  let n = 0;
  const K2 = 'Wm4TqR8sLp2NvX6bYc0DfGh3JkZ5aE7uIo9PyQ1r';
  const compose = `services:\n  a:\n    image: x\n    environment:\n      - MISP_KEY=${KEY}\n  b:\n    image: y\n    environment:\n      - MISP_KEY=${K2}\n`;

  before(async () => {
    ws = tmp();
    client = await FixClient.start({ folder: ws, env: { ...process.env, HOME: ws, VAULT_ADDR: '', VAULT_TOKEN: '' }, configuration: (item) => (item.section === 'mispGuard' ? { secretStore: 'dotenv' } : null) });
  });
  beforeEach(() => {
    for (const f of ['.env', '.gitignore']) fs.rmSync(path.join(ws, f), { force: true });
  });
  after(async () => {
    const leaks = client.leaks();
    await client.stop();
    assert.deepEqual(leaks, []);
  });

  async function open(name: string, languageId: string, text: string) {
    const dir = path.join(ws, `d${++n}`);
    fs.mkdirSync(dir);
    const uri = pathToFileURL(path.join(dir, name)).href;
    const published = await client.lsp.open(uri, languageId, text);
    return { uri, diagnostics: published.diagnostics };
  }
  const preferred = (actions: CodeAction[]) => actions.find((a) => a.isPreferred && a.command)!;

  it('a compose file with two services: the second key is offered (and moved to) MISP_KEY_2', async () => {
    const { uri, diagnostics } = await open('docker-compose.yml', 'yaml', compose);
    assert.equal(diagnostics.length, 2);
    const titles = await Promise.all(diagnostics.map(async (d) => preferred(await client.codeActions(uri, [d])).title));
    assert.deepEqual(titles, ['Move MISP key to environment variable MISP_KEY', 'Move MISP key to environment variable MISP_KEY_2']);
    const before = client.applied.length;
    // The second first, then the first: each goes to its own variable, whatever the order.
    assert.equal(await client.execute(preferred(await client.codeActions(uri, [diagnostics[1]])).command), 'applied');
    assert.equal(await client.execute(preferred(await client.codeActions(uri, [diagnostics[0]])).command), 'applied');
    assert.equal(fs.readFileSync(path.join(ws, '.env'), 'utf8'), `MISP_KEY_2=${K2}\nMISP_KEY=${KEY}\n`);
    const [second, first] = client.applied.slice(before).map((a) => applyWorkspaceEdit(compose, uri, a.edit));
    assert.equal(second, compose.replace(K2, '${MISP_KEY_2}'));
    assert.equal(first, compose.replace(KEY, '${MISP_KEY}'));
    assert.match(client.messages[client.messages.length - 2].message, /Another key in this file already goes to MISP_KEY, so this one goes to MISP_KEY_2\./);
  });

  it('fix-all when the .env already holds a different MISP_KEY: this key goes to MISP_KEY_2, and the message says so', async () => {
    fs.writeFileSync(path.join(ws, '.env'), `MISP_KEY=${OTHER}\n`);
    const { uri } = await open('keys.py', 'python', KEYS_PY);
    const [all] = await client.codeActions(uri, [], ['source.fixAll.mispGuard']);
    assert.ok(all?.command, 'fix-all is offered');
    const before = client.applied.length;
    assert.equal(await client.execute(all.command), 'applied');
    assert.equal(fs.readFileSync(path.join(ws, '.env'), 'utf8'), `MISP_KEY=${OTHER}\nMISP_KEY_2=${KEY}\n`);
    const fixed = applyWorkspaceEdit(KEYS_PY, uri, client.applied[before].edit);
    assert.match(fixed, /^misp_key = os\.environ\['MISP_KEY_2'\]$/m);
    assert.match(client.messages[client.messages.length - 1].message, /It now reads the environment variable MISP_KEY_2\. [^]*MISP_KEY already holds a different key, so this one goes to MISP_KEY_2\./);
  });

  it('a single fix whose variable holds another key is refused, and the message names a free variable and how to use it', async () => {
    fs.writeFileSync(path.join(ws, '.env'), `MISP_KEY=${OTHER}\nMISP_KEY_2=${K2}\n`);
    const { uri, diagnostics } = await open('keys.py', 'python', KEYS_PY);
    const d = diagnostics.find((x) => x.code === 'hardcoded-key')!;
    const before = client.applied.length;
    assert.equal(await client.execute(preferred(await client.codeActions(uri, [d])).command), 'failed');
    assert.equal(client.applied.length, before, 'nothing edited');
    assert.match(client.messages[client.messages.length - 1].message, /already holds a different value; it was not overwritten\. [^]*keys\.py was not changed\. To keep both keys, run "Fix all MISP Guard problems in this file", which moves this key to MISP_KEY_3 \(and fixes the file's other problems\), or set mispGuard\.envVarName to MISP_KEY_3\.$/);
    assert.equal(fs.readFileSync(path.join(ws, '.env'), 'utf8'), `MISP_KEY=${OTHER}\nMISP_KEY_2=${K2}\n`);
  });
});
