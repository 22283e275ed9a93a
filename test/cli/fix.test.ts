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
    fs.mkdirSync(path.join(root, '.git'));
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

  it('a store that cannot be used changes nothing at all (no TLS fix either): Vault down, wrong token, no Vault, a .env that cannot be written', async () => {
    const root = tree({ 'keys.py': pymispScript(K1) });
    fs.mkdirSync(path.join(root, 'sub', '.env'), { recursive: true });
    for (const [args, env, pattern] of [
      [['--store', 'vault'], { VAULT_ADDR: 'http://127.0.0.1:9', VAULT_TOKEN: 'hvs.some-token-value' }, /Vault at http:\/\/127\.0\.0\.1:9 is unreachable \(ECONNREFUSED\)/],
      [['--store', 'vault'], { VAULT_ADDR: vault.address, VAULT_TOKEN: 'hvs.wrong-token-value' }, /HTTP 403/],
      [['--store', 'vault'], { VAULT_ADDR: '', VAULT_TOKEN: '', HOME: root }, /no Vault address: set VAULT_ADDR in the environment of misp-guard/],
      [['--dotenv', 'sub/.env'], {}, /cannot read .*sub\/\.env \(EISDIR\)/],
    ] as const) {
      const r = await runCliAsync(['fix', '--to', 'env', '--write', ...args, 'keys.py'], { cwd: root, env });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^misp-guard: the keys cannot be stored: .*\. Nothing was changed \(no key stored, no file written, TLS fixes included\)\.$/m);
      assert.match(r.stderr, pattern);
      assert.match(r.stderr, /; 0 file\(s\) fixed; 2 finding\(s\) left\.\n$/);
      assert.doesNotMatch(r.stderr, /mispGuard\./, 'a CLI message names no editor setting');
      assert.equal(r.stdout, '');
      noLeak(r, [K1, 'hvs.some-token-value', 'hvs.wrong-token-value']);
      assert.equal(read(root, 'keys.py'), pymispScript(K1), 'not even the TLS fix is written');
      assert.deepEqual(fs.readdirSync(root).sort(), ['keys.py', 'sub']);
    }
    // The dry run says so up front.
    const dry = await runCliAsync(['fix', '--to', 'env', '--store', 'vault', 'keys.py'], { cwd: root, env: { VAULT_ADDR: '', VAULT_TOKEN: '', HOME: root } });
    assert.equal(dry.status, 1);
    assert.match(dry.stderr, /^misp-guard: note: --write would stop before changing anything: no Vault address: set VAULT_ADDR/m);
    // Without a key to store, the store is not needed: the TLS fix is written.
    const tlsOnly = tree({ 'tls.py': 'from pymisp import PyMISP\nmisp = PyMISP("https://misp.example.org", key, ssl=False)\n' });
    const t = await runCliAsync(['fix', '--to', 'env', '--write', '--store', 'vault', '.'], { cwd: tlsOnly, env: { VAULT_ADDR: '', VAULT_TOKEN: '', HOME: tlsOnly } });
    assert.equal(t.status, 0, t.stderr);
    assert.equal(read(tlsOnly, 'tls.py'), 'from pymisp import PyMISP\nmisp = PyMISP("https://misp.example.org", key, ssl=True)\n');
  });

  it('two different keys in two files: each gets its own variable (MISP_KEY, MISP_KEY_2), reported with masked previews', () => {
    const root = tree({ 'a.py': pymispScript(K1), 'b.py': pymispScript(K2), '.git/HEAD': '' });
    const r = runCli(['fix', '--to', 'env', '--write', '.'], { cwd: root });
    assert.equal(r.status, 0, r.stderr);
    noLeak(r, [K1, K2]);
    assert.match(r.stderr, new RegExp(`^misp-guard: 2 different keys, each to its own place: ${K1.slice(0, 4)}… goes to MISP_KEY \\(a\\.py\\); ${K2.slice(0, 4)}… goes to MISP_KEY_2 \\(b\\.py\\)$`, 'm'));
    assert.equal(read(root, '.env'), `MISP_KEY=${K1}\nMISP_KEY_2=${K2}\n`);
    assert.equal(read(root, 'b.py'), pymispScript(K2).replace(`"${K2}"`, 'os.environ["MISP_KEY_2"]').replace('ssl=False', 'ssl=True').replace(/^/, 'import os\n'));
    assert.match(r.stdout, /^fixed b\.py: Move MISP key to environment variable MISP_KEY_2; Enable TLS certificate verification$/m);
    assert.match(r.stdout, /^ {2}next: MISP_KEY already holds a different key, so this one goes to MISP_KEY_2$/m);
    // A later run with a third key: the .env already holds MISP_KEY and MISP_KEY_2, so it gets MISP_KEY_3.
    const K3 = fakeKey(303);
    fs.writeFileSync(path.join(root, 'c.py'), pymispScript(K3));
    const again = runCli(['fix', '--to', 'env', '--write', '.'], { cwd: root });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(read(root, '.env'), `MISP_KEY=${K1}\nMISP_KEY_2=${K2}\nMISP_KEY_3=${K3}\n`);
    assert.match(read(root, 'c.py'), /^misp_key = os\.environ\["MISP_KEY_3"\]$/m);
    noLeak(again, [K1, K2, K3]);
  });

  it('two different keys in one file: a compose file with two services, a .py with a live key and an old one commented out', () => {
    const compose = `services:\n  a:\n    image: x\n    environment:\n      - MISP_KEY=${K1}\n  b:\n    image: y\n    environment:\n      - MISP_KEY=${K2}\n`;
    const py = `from pymisp import PyMISP\nmisp_key = "${K1}"\n# misp_key = "${K2}"\nmisp = PyMISP("https://misp.example.org", misp_key)\n`;
    const root = tree({ 'docker-compose.yml': compose, 'app.py': py, '.git/HEAD': '' });
    const dry = runCli(['fix', '--to', 'env', '.'], { cwd: root });
    assert.equal(dry.status, 1, dry.stderr);
    assert.doesNotMatch(dry.stderr, /not fixed/);
    assert.match(dry.stdout, new RegExp(`^\\+ {6}- MISP_KEY=\\$\\{MISP_KEY\\}\\n {3}b:\\n {5}image: y\\n {5}environment:\\n- {6}- MISP_KEY=${K2.slice(0, 4)}…\\n\\+ {6}- MISP_KEY=\\$\\{MISP_KEY_2\\}\\n`, 'm'));
    assert.match(dry.stdout, /^\+misp_key = os\.environ\["MISP_KEY"\]\n\+# misp_key = os\.environ\["MISP_KEY_2"\]\n/m);
    const r = runCli(['fix', '--to', 'env', '--write', '.'], { cwd: root });
    assert.equal(r.status, 0, r.stderr);
    noLeak(r, [K1, K2]);
    assert.equal(read(root, 'docker-compose.yml'), compose.replace(K1, '${MISP_KEY}').replace(K2, '${MISP_KEY_2}'));
    assert.equal(read(root, 'app.py'), `import os\nfrom pymisp import PyMISP\nmisp_key = os.environ["MISP_KEY"]\n# misp_key = os.environ["MISP_KEY_2"]\nmisp = PyMISP("https://misp.example.org", misp_key)\n`);
    assert.equal(read(root, '.env'), `MISP_KEY=${K1}\nMISP_KEY_2=${K2}\n`);
    assert.match(r.stdout, /^ {2}next: Compose fills \$\{MISP_KEY_2\} from the shell [^\n]*\. Another key in this file already goes to MISP_KEY, so this one goes to MISP_KEY_2$/m);
    // --env-var names the first; the second gets that name numbered.
    const own = tree({ 'docker-compose.yml': compose, '.git/HEAD': '' });
    const e = runCli(['fix', '--to', 'env', '--write', '--env-var', 'MISP_AUTHKEY', 'docker-compose.yml'], { cwd: own });
    assert.equal(e.status, 0, e.stderr);
    assert.equal(read(own, 'docker-compose.yml'), compose.replace(K1, '${MISP_AUTHKEY}').replace(K2, '${MISP_AUTHKEY_2}'));
    assert.equal(read(own, '.env'), `MISP_AUTHKEY=${K1}\nMISP_AUTHKEY_2=${K2}\n`);
  });

  it('--to vault with two different keys: fields api_key and api_key_2 of the same secret', async () => {
    const p = vault.freshPath();
    const root = tree({ 'a.py': pymispScript(K1), 'b.py': pymispScript(K2) });
    const r = await runCliAsync(['fix', '--to', 'vault', '--write', '--vault-mount', vault.mount, '--vault-path', p, '.'], { cwd: root, env: { VAULT_ADDR: vault.address, VAULT_TOKEN: vault.token } });
    assert.equal(r.status, 0, r.stderr);
    noLeak(r, [K1, K2, vault.token]);
    assert.deepEqual(await vault.read(p), { api_key: K1, api_key_2: K2 });
    assert.match(read(root, 'b.py'), /\["api_key_2"\]/);
    assert.match(r.stderr, new RegExp(`${K2.slice(0, 4)}… goes to Vault ${vault.mount}/${p} field api_key_2 \\(b\\.py\\)`));
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
    assert.doesNotMatch(dry.stderr, /a different key .* already goes to/, 'different keys get different names');
    assert.match(dry.stderr, /^misp-guard: \d+ different keys, each to its own place: /m);
    // One run fixes every file with an env fix: no key competes with another for MISP_KEY.
    const w = runCli(['fix', '--to', 'env', '--write', '.'], { cwd: root });
    noLeak(w, keys);
    assert.equal(w.status, 1, 'findings with no env fix remain (.env, JSON, TOML, ini, ...)');
    const fixed = (w.stdout.match(/^fixed /gm) ?? []).length;
    assert.ok(fixed >= 15, `${fixed} files fixed`);
    const stored = [...read(root, '.env').matchAll(/^MISP_\w+=(.*)$/gm)].map((m) => m[1]);
    assert.ok(stored.length >= 12 && stored.every((k) => keys.includes(k)), `${stored.length} keys stored`);
    assert.equal(new Set(stored).size, stored.length, 'each key stored once');
    const again = runCli(['fix', '--to', 'env', '.'], { cwd: root });
    assert.equal(again.stdout, '', 'nothing more to fix');
    noLeak(again, keys);
  });

  it('a .env that already holds the key still gets its .gitignore rule before success is reported', () => {
    const root = tree({ 'keys.py': pymispScript(K1), '.env': `MISP_KEY=${K1}\n`, '.gitignore': 'node_modules/\n', '.git/HEAD': '' });
    fs.chmodSync(path.join(root, '.env'), 0o644);
    const r = runCli(['fix', '--to', 'env', '--write', '.'], { cwd: root });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`key from keys\\.py already stored in MISP_KEY in ${root}/\\.env \\(.*added /\\.env to ${root}/\\.gitignore`));
    assert.equal(read(root, '.gitignore'), 'node_modules/\n# secrets moved out of the code by misp-guard\n/.env\n');
    assert.equal(fs.statSync(path.join(root, '.env')).mode & 0o777, 0o600);
    assert.equal(read(root, '.env'), `MISP_KEY=${K1}\n`);
  });

  it('dry-run diff: a split key shows its first 4 characters once, later fragments none; hex digests in context stay readable', () => {
    const sha = 'b4ffde65f46336ab88eb53be808477a3936bae11';
    const root = tree({
      'split.py': `from pymisp import PyMISP\n# pinned: actions/checkout@${sha}\n# image: misp@sha256:${'0123456789abcdef'.repeat(4)}\nmisp_key = '${K1.slice(0, 20)}' + '${K1.slice(20)}'\nmisp = PyMISP("https://misp.example.org", misp_key)\n`,
    });
    const r = runCli(['fix', '--to', 'env', '.'], { cwd: root });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, new RegExp(`^-misp_key = '${K1.slice(0, 4)}…' \\+ '…'$`, 'm'));
    assert.match(r.stdout, new RegExp(`^ # pinned: actions/checkout@${sha}\\n # image: misp@sha256:${'0123456789abcdef'.repeat(4)}$`, 'm'));
    // No diff line holds more of the key than its first 4 characters, even in fragments.
    for (const line of r.stdout.split('\n')) {
      for (let i = 1; i + 4 <= K1.length; i++) assert.ok(!line.includes(K1.slice(i, i + 4)) || K1.slice(i, i + 4) === K1.slice(0, 4), `${line} shows key characters ${i}..${i + 4}`);
    }
  });

  it('--write prints what to do next for each file (the plan notes, where the key is, rotation), never a key', () => {
    const wf = `name: pull\non: push\njobs:\n  pull:\n    runs-on: ubuntu-latest\n    steps:\n      - name: fetch\n        run: |\n          curl -sf -H "Authorization: ${K1}" https://misp.example.org/events/index\n`;
    const root = tree({ '.github/workflows/pull.yml': wf, 'vault.py': pymispScript(K1), '.git/HEAD': '' });
    const r = runCli(['fix', '--to', 'env', '--write', '.'], { cwd: root });
    assert.equal(r.status, 0, r.stderr);
    noLeak(r, [K1]);
    assert.equal(r.stdout, [
      'fixed .github/workflows/pull.yml: Move MISP key to environment variable MISP_KEY',
      '  next: Add a repository or environment secret named MISP_KEY (Settings → Secrets and variables → Actions). The step passes it to its script through env:, and the script reads $MISP_KEY',
      '  next: MISP_KEY is in .env: load it where the program runs (for example: set -a; . .env; set +a), or set it there another way',
      '  next: rotate the key in MISP if .github/workflows/pull.yml was ever committed or shared: the old value stays in git history and in copies',
      'fixed vault.py: Move MISP key to environment variable MISP_KEY; Enable TLS certificate verification',
      '  next: MISP_KEY is in .env: load it where the program runs (for example: set -a; . .env; set +a), or set it there another way',
      '  next: rotate the key in MISP if vault.py was ever committed or shared: the old value stays in git history and in copies',
      '',
    ].join('\n'));
    assert.equal(read(root, '.github/workflows/pull.yml'), wf.replace(`        run: |\n          curl -sf -H "Authorization: ${K1}"`, '        env:\n          MISP_KEY: ${{ secrets.MISP_KEY }}\n        run: |\n          curl -sf -H "Authorization: ${MISP_KEY}"'));
  });

  it('the same step applied several times is named once, with a count', () => {
    const root = tree({ 'tls.py': 'from pymisp import PyMISP\na = PyMISP("https://misp.example.org", key, ssl=False)\nb = PyMISP("https://misp2.example.org", key, ssl=False)\n' });
    const r = runCli(['fix', '--to', 'env', '--write', '.'], { cwd: root });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'fixed tls.py: Enable TLS certificate verification (2)\n');
  });

  it('--exclude, --no-gitignore and --max-file-size leave files out as they do for scan', () => {
    const root = tree({
      'a.py': pymispScript(K1), 'vendor/b.py': pymispScript(K1), 'local/c.py': pymispScript(K1), 'big.py': pymispScript(K1) + `# ${'x'.repeat(3000)}\n`,
      '.gitignore': 'local/\n', '.git/HEAD': '',
    });
    const r = runCli(['fix', '--to', 'env', '--exclude', 'vendor', '--max-file-size', '2K', '.'], { cwd: root });
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual([...r.stdout.matchAll(/^--- a\/(.*)$/gm)].map((m) => m[1]), ['a.py']);
    assert.match(r.stderr, /2 file\(s\) scanned \(left out: (?=.*1 excluded by --exclude)(?=.*1 ignored by \.gitignore)(?=.*1 over the size limit).*\)/);
    const all = runCli(['fix', '--to', 'env', '-e', 'vendor/**', '--no-gitignore', '.'], { cwd: root });
    assert.deepEqual([...all.stdout.matchAll(/^--- a\/(.*)$/gm)].map((m) => m[1]), ['a.py', 'big.py', 'local/c.py']);
    for (const bad of [['--max-file-size', 'lots'], ['--exclude', '']]) assert.equal(runCli(['fix', '--to', 'env', ...bad, '.'], { cwd: root }).status, 2, bad.join(' '));
  });

  it('.env writing: keeps CRLF, refuses a dangling symlink, writes no .gitignore outside a git work tree', () => {
    const crlf = tree({ 'keys.py': pymispScript(K1), '.env': 'MISP_URL=https://misp.example.org\r\nOTHER=1\r\n', '.git/HEAD': '' });
    assert.equal(runCli(['fix', '--to', 'env', '--write', '.'], { cwd: crlf }).status, 0);
    assert.equal(read(crlf, '.env'), `MISP_URL=https://misp.example.org\r\nOTHER=1\r\nMISP_KEY=${K1}\r\n`);

    const link = tree({ 'keys.py': pymispScript(K1), '.git/HEAD': '' });
    fs.symlinkSync(path.join(link, 'secrets', 'misp.env'), path.join(link, '.env'));
    const l = runCli(['fix', '--to', 'env', '--write', '.'], { cwd: link });
    assert.equal(l.status, 1);
    assert.match(l.stderr, new RegExp(`the keys cannot be stored: ${link}/\\.env is a symbolic link to ${link}/secrets/misp\\.env, which does not exist; misp-guard does not replace a link with a file`));
    assert.ok(fs.lstatSync(path.join(link, '.env')).isSymbolicLink(), 'the link is still a link');
    assert.equal(read(link, 'keys.py'), pymispScript(K1));
    // A link to an existing file is written through, and stays a link.
    fs.mkdirSync(path.join(link, 'secrets'));
    fs.writeFileSync(path.join(link, 'secrets', 'misp.env'), 'A=1\n');
    assert.equal(runCli(['fix', '--to', 'env', '--write', '.'], { cwd: link }).status, 0);
    assert.ok(fs.lstatSync(path.join(link, '.env')).isSymbolicLink());
    assert.equal(read(link, 'secrets/misp.env'), `A=1\nMISP_KEY=${K1}\n`);

    const outside = tree({ 'proj/keys.py': pymispScript(K1), 'store/.keep': '' });
    const o = runCli(['fix', '--to', 'env', '--write', '--dotenv', 'store/misp.env', 'proj'], { cwd: outside });
    assert.equal(o.status, 0, o.stderr);
    assert.match(o.stderr, new RegExp(`${outside}/store/misp\\.env is not inside a git work tree, so no \\.gitignore was written; keep it out of any repository`));
    assert.deepEqual(fs.readdirSync(path.join(outside, 'store')).sort(), ['.keep', 'misp.env']);
    assert.equal(read(outside, 'store/misp.env'), `MISP_KEY=${K1}\n`);
  });

  it('Kubernetes: a Deployment reads the data key a Secret elsewhere in the tree already has for the key', () => {
    const deploy = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: feeder\nspec:\n  template:\n    spec:\n      containers:\n        - name: feeder\n          image: x\n          env:\n            - name: MISP_KEY\n              value: "${K1}"\n`;
    const es = 'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: misp\nspec:\n  target:\n    name: misp-credentials\n  data:\n    - secretKey: misp-url\n      remoteRef: {key: misp, property: url}\n    - secretKey: misp-api-key\n      remoteRef: {key: misp, property: api_key}\n';
    const root = tree({ 'k8s/deploy.yaml': deploy, 'k8s/external-secret.yaml': es, '.git/HEAD': '' });
    // The dry run already says what --write will ask for, on stderr (stdout stays a patch).
    const dry = runCli(['fix', '--to', 'env', 'k8s'], { cwd: root });
    assert.match(dry.stderr, /misp-guard: k8s\/deploy\.yaml: after --write, next: The container now reads MISP_KEY from the existing Secret misp-credentials, key misp-api-key/);
    assert.doesNotMatch(dry.stdout, /next:/);
    const r = runCli(['fix', '--to', 'env', '--write', 'k8s'], { cwd: root });
    assert.equal(r.status, 0, r.stderr);
    assert.match(read(root, 'k8s/deploy.yaml'), /- name: MISP_KEY\n {14}valueFrom:\n {16}secretKeyRef:\n {18}name: misp-credentials\n {18}key: misp-api-key\n$/);
    assert.match(r.stdout, /next: The container now reads MISP_KEY from the existing Secret misp-credentials, key misp-api-key \(defined elsewhere in the tree\); make sure it holds the key that was here/);
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
