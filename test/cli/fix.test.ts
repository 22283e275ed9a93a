/**
 * `misp-guard fix` as users run it (the built dist/cli.js on temporary trees): the masked dry-run diff,
 * --write storing keys in a .env or in Vault (the fake, or a real one from VAULT_ADDR/VAULT_TOKEN)
 * before any file changes, failures that change nothing, idempotence, exit codes.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import { vaultUnderTest } from '../support/fakeVault';
import type { VaultUnderTest } from '../support/fakeVault';
import { CLI, fakeKey, makeTree, PROJECT_ROOT, pymispScript, removeTree, runCli } from './cliHarness';
import type { CliRun } from './cliHarness';

const K1 = fakeKey(101);
const K2 = fakeKey(202);
const COMPOSE = `services:\n  feeder:\n    image: misp-feeder\n    environment:\n      - MISP_URL=https://misp.example.org\n      - MISP_KEY=${K1}\n`;

/** Every substring of 8 characters of each key that appears in the text (a key must never leak, even in part). */
function keyLeaks(text: string, keys: readonly string[]): string[] {
  const out: string[] = [];
  for (const k of keys) for (let i = 0; i + 8 <= k.length; i++) if (text.includes(k.slice(i, i + 8))) out.push(`${k.slice(0, 4)}…[${i}]`);
  return out;
}
const noLeak = (r: CliRun, keys: readonly string[]) => assert.deepEqual(keyLeaks(r.stdout + r.stderr, keys), [], r.stdout + r.stderr);
const read = (root: string, rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');

/** Runs the CLI without blocking this process (the fake Vault lives in it and must answer). */
function runCliAsync(args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', ...opts.env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, timedOut: status === null });
    });
  });
}

/** The whole-token 40-character keys of a text. */
const keysIn = (text: string): string[] => text.match(/(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/g) ?? [];

describe('cli: misp-guard fix', function () {
  this.timeout(60000);
  const trees: string[] = [];
  const tree = (files: Record<string, string>) => {
    const t = makeTree(files);
    trees.push(t);
    return t;
  };
  let vault: VaultUnderTest;
  before(async () => { vault = await vaultUnderTest(); });
  after(async () => {
    for (const t of trees) removeTree(t);
    await vault.close();
  });

  it('dry run: a unified diff with every key masked, nothing changed, exit 1', () => {
    const root = tree({ 'keys.py': pymispScript(K1), 'deploy/docker-compose.yml': COMPOSE });
    const r = runCli(['fix', '--to', 'env', '.'], { cwd: root });
    assert.equal(r.status, 1, r.stderr);
    noLeak(r, [K1]);
    assert.match(r.stdout, /^--- a\/deploy\/docker-compose\.yml\n\+\+\+ b\/deploy\/docker-compose\.yml\n@@ /m);
    assert.match(r.stdout, new RegExp(`^-      - MISP_KEY=${K1.slice(0, 4)}…$`, 'm'));
    assert.match(r.stdout, /^\+      - MISP_KEY=\$\{MISP_KEY\}$/m);
    assert.match(r.stdout, new RegExp(`^-misp_key = "${K1.slice(0, 4)}…"$`, 'm'));
    assert.match(r.stdout, /^\+misp_key = os\.environ\["MISP_KEY"\]$/m);
    assert.match(r.stdout, /^-misp = PyMISP\(misp_url, misp_key, ssl=False\)$/m);
    assert.match(r.stdout, /^\+misp = PyMISP\(misp_url, misp_key, ssl=True\)$/m);
    assert.match(r.stderr, /3 fix\(es\) pending in 2 file\(s\); 0 finding\(s\) without an automatic fix\. Dry run: nothing changed/);
    assert.equal(read(root, 'keys.py'), pymispScript(K1));
    assert.deepEqual(fs.readdirSync(root).sort(), ['deploy', 'keys.py']);
  });

  it('dry run masks split literals and base64 Secret data too', () => {
    const b64 = Buffer.from(K2).toString('base64');
    const root = tree({
      'split.py': `from pymisp import PyMISP\nmisp_key = ("${K1.slice(0, 20)}"\n            "${K1.slice(20)}")\nmisp = PyMISP("https://misp.example.org", misp_key)\n`,
      'secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: misp-credentials\ndata:\n  misp-key: ${b64}\n`,
    });
    const env = runCli(['fix', '--to', 'env', '.'], { cwd: root });
    assert.equal(env.status, 1, env.stderr);
    noLeak(env, [K1, K2, b64]);
    assert.match(env.stdout, new RegExp(`^-misp_key = \\("${K1.slice(0, 4)}…"$`, 'm'));
    assert.match(env.stdout, /^\+misp_key = \(os\.environ\["MISP_KEY"\]\)$/m);
    assert.match(env.stderr, /secret\.yaml: plaintext-config-key not fixed: no environment-variable fix for this format; --to vault can fix it/);
    const vaultRun = runCli(['fix', '--to', 'vault', 'secret.yaml'], { cwd: root });
    assert.equal(vaultRun.status, 1, vaultRun.stderr);
    noLeak(vaultRun, [K1, K2, b64]);
    assert.match(vaultRun.stdout, new RegExp(`^-  misp-key: ${b64.slice(0, 4)}…$`, 'm'));
    assert.match(vaultRun.stdout, /^\+kind: ExternalSecret$/m);
  });

  it('--write puts the .env in the fixed project (its git work tree), not in the working directory', () => {
    const root = tree({ 'proj/keys.py': pymispScript(K1), 'proj/.gitignore': 'node_modules/\n' });
    fs.mkdirSync(path.join(root, 'proj', '.git'));
    const r = runCli(['fix', '--to', 'env', '--write', '--store', 'dotenv', 'proj'], { cwd: root });
    assert.equal(r.status, 0, r.stderr);
    noLeak(r, [K1]);
    assert.equal(read(root, 'proj/.env'), `MISP_KEY=${K1}\n`);
    assert.ok(!fs.existsSync(path.join(root, '.env')));
    assert.ok(!fs.existsSync(path.join(root, '.gitignore')));
  });

  it('--write with the .env store: keys stored (0600, git-ignored) and verified, then the files written; a second run finds nothing', () => {
    const root = tree({ 'keys.py': pymispScript(K1), 'deploy/docker-compose.yml': COMPOSE, '.gitignore': 'node_modules/\n' });
    const r = runCli(['fix', '--to', 'env', '--write', '.'], { cwd: root });
    assert.equal(r.status, 0, r.stderr);
    noLeak(r, [K1]);
    assert.match(r.stderr, new RegExp(`key from (keys\\.py|deploy/docker-compose\\.yml) stored in MISP_KEY in ${root.replace(/[.]/g, '\\.')}/\\.env \\(added /\\.env to`));
    assert.match(r.stdout, /^fixed keys\.py: /m);
    assert.equal(read(root, '.env'), `MISP_KEY=${K1}\n`);
    assert.equal(fs.statSync(path.join(root, '.env')).mode & 0o777, 0o600);
    assert.ok(ignore().add(read(root, '.gitignore')).ignores('.env'));
    assert.match(read(root, 'keys.py'), /^import os\n/);
    assert.match(read(root, 'keys.py'), /misp_key = os\.environ\["MISP_KEY"\]\nmisp = PyMISP\(misp_url, misp_key, ssl=True\)/);
    assert.match(read(root, 'deploy/docker-compose.yml'), /- MISP_KEY=\$\{MISP_KEY\}/);
    assert.equal(runCli(['scan', 'keys.py', 'deploy'], { cwd: root }).status, 0, 'the fixed files scan clean');

    const snapshot = ['keys.py', 'deploy/docker-compose.yml', '.env', '.gitignore'].map((f) => read(root, f));
    const again = runCli(['fix', '--to', 'env', '--write', '.'], { cwd: root });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, '');
    assert.deepEqual(['keys.py', 'deploy/docker-compose.yml', '.env', '.gitignore'].map((f) => read(root, f)), snapshot, 'idempotent');
    const dry = runCli(['fix', '--to', 'env', '.'], { cwd: root });
    assert.equal(dry.status, 0, dry.stderr);
    assert.equal(dry.stdout, '');
  });

  it('--to vault --write: the key goes to Vault (fields kept) and the code reads Vault', async () => {
    const p = vault.freshPath();
    await vault.write(p, { url: 'https://misp.example.org' });
    const root = tree({ 'keys.py': pymispScript(K1) });
    const r = await runCliAsync(['fix', '--to', 'vault', '--write', '--vault-mount', vault.mount, '--vault-path', p, 'keys.py'], { cwd: root, env: { VAULT_ADDR: vault.address, VAULT_TOKEN: vault.token } });
    assert.equal(r.status, 0, r.stderr);
    noLeak(r, [K1, vault.token]);
    assert.deepEqual(await vault.read(p), { url: 'https://misp.example.org', api_key: K1 });
    assert.match(read(root, 'keys.py'), /hvac\.Client\(/);
    assert.ok(!fs.existsSync(path.join(root, '.env')));
  });

  it('a store that fails changes no file: Vault down, wrong token, a .env that cannot be written', async () => {
    const root = tree({ 'keys.py': pymispScript(K1) });
    for (const [args, env, pattern] of [
      [['--store', 'vault'], { VAULT_ADDR: 'http://127.0.0.1:9', VAULT_TOKEN: 'hvs.some-token-value' }, /unreachable/],
      [['--store', 'vault'], { VAULT_ADDR: vault.address, VAULT_TOKEN: 'hvs.wrong-token-value' }, /HTTP 403/],
      [['--store', 'vault'], { VAULT_ADDR: '', VAULT_TOKEN: '', HOME: root }, /no Vault address/],
      [['--dotenv', 'sub/.env'], {}, /cannot .*\.env \(EISDIR\)/],
    ] as const) {
      fs.mkdirSync(path.join(root, 'sub', '.env'), { recursive: true });
      const r = await runCliAsync(['fix', '--to', 'env', '--write', ...args, 'keys.py'], { cwd: root, env });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /keys\.py not changed: the key could not be stored: /);
      assert.match(r.stderr, pattern);
      noLeak(r, [K1, 'hvs.some-token-value', 'hvs.wrong-token-value']);
      assert.equal(read(root, 'keys.py'), pymispScript(K1));
    }
  });

  it('two different keys never go to the same name: the second file keeps its key (its TLS is still fixed)', () => {
    const root = tree({ 'a.py': pymispScript(K1), 'b.py': pymispScript(K2) });
    const r = runCli(['fix', '--to', 'env', '--write', '.'], { cwd: root });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /b\.py: hardcoded-key not fixed: a different key \(in a\.py\) already goes to MISP_KEY/);
    assert.equal(read(root, '.env'), `MISP_KEY=${K1}\n`);
    assert.equal(read(root, 'b.py'), pymispScript(K2).replace('ssl=False', 'ssl=True'));
    assert.notEqual(read(root, 'b.py'), pymispScript(K2));
    noLeak(r, [K1, K2]);
    const own = runCli(['fix', '--to', 'env', '--write', '--env-var', 'MISP_KEY_B', 'b.py'], { cwd: root });
    assert.equal(own.status, 0, own.stderr);
    assert.equal(read(root, '.env'), `MISP_KEY=${K1}\nMISP_KEY_B=${K2}\n`);
  });

  it('the public corpus: dry run and --write never print a key; a second run has nothing more to fix', () => {
    const corpus = path.join(PROJECT_ROOT, 'test', 'fixtures', 'corpus');
    const expected = JSON.parse(fs.readFileSync(path.join(corpus, 'expected.json'), 'utf8')) as { findings: { file: string; match: string }[] };
    const keys = [...new Set(expected.findings.flatMap((f) => keysIn(f.match)))];
    const root = makeTree({});
    trees.push(root);
    fs.cpSync(corpus, root, { recursive: true });
    const dry = runCli(['fix', '--to', 'env', '.'], { cwd: root });
    assert.equal(dry.status, 1);
    noLeak(dry, keys);
    assert.match(dry.stderr, /key not fixed: a different key \(in [^)]+\) already goes to MISP_KEY/);
    // One name per file, so that no two keys compete for MISP_KEY.
    const files = [...new Set(expected.findings.map((f) => f.file))].sort();
    let fixed = 0;
    files.forEach((f, i) => {
      const w = runCli(['fix', '--to', 'env', '--write', '--env-var', `MISP_KEY_${i}`, f], { cwd: root });
      noLeak(w, keys);
      assert.notEqual(w.status, 2, `${f}: ${w.stderr}`);
      if (/^fixed /m.test(w.stdout)) fixed++;
    });
    assert.ok(fixed >= 15, `${fixed} files fixed`);
    const stored = [...read(root, '.env').matchAll(/^MISP_KEY_\d+=(.*)$/gm)].map((m) => m[1]);
    assert.ok(stored.length >= 12 && stored.every((k) => keys.includes(k)), `${stored.length} keys stored`);
    const again = runCli(['fix', '--to', 'env', ...files], { cwd: root });
    assert.equal(again.stdout, '', 'nothing more to fix');
    noLeak(again, keys);
  });

  it('usage errors exit 2; --help documents the exit codes', () => {
    for (const args of [['fix', '.'], ['fix', '--to', 'cloud', '.'], ['fix', '--to', 'vault', '--store', 'dotenv', '.'], ['fix', '--to', 'env'], ['fix', '--to', 'env', '--env-var', '1X', '.'], ['fix', '--to', 'env', 'no/such/path']]) {
      const r = runCli(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    }
    const help = runCli(['fix', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Exit codes:\n {2}0 {2}nothing left to fix/);
    assert.match(runCli(['--help']).stdout, /misp-guard fix --to env\|vault/);
  });
});
