/**
 * The workspace scan over real LSP: multi-root folders, .gitignore (nested, with negation),
 * files.exclude and mispGuard.exclude, skips (symlink loop, binary, oversized, node_modules, .git),
 * progress and cancellation, and diagnostics that follow opens, closes, renames and deletes.
 * Every wait is on an event; timeouts only turn a missing event into a failure.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-languageserver-protocol/node';
import { fakeKey, makeTree, pymispScript, removeTree, runCli } from '../cli/cliHarness';
import { ScanClient, uri } from './workspaceScanHarness';

const KEY_RULES = new Set(['hardcoded-key', 'plaintext-config-key']);
const posixOnly = process.platform === 'win32' ? it.skip : it;

describe('workspace scan', function () {
  this.timeout(60_000);

  describe('multi-root, ignores and skips', () => {
    let a: string;
    let b: string;
    let client: ScanClient;
    before(async () => {
      a = makeTree({
        'app/fetch.py': pymispScript(fakeKey(101)),
        '.gitignore': '*.env\nbuild/\n',
        'top.env': `MISP_KEY=${fakeKey(102)}\n`,
        'config/.gitignore': '!allowed.env\n',
        'config/allowed.env': `MISP_URL=https://misp.example.org\nMISP_KEY=${fakeKey(103)}\n`,
        'config/other.env.txt': 'nothing here\n',
        'config/denied.env': `MISP_KEY=${fakeKey(104)}\n`,
        'build/out.py': pymispScript(fakeKey(105)),
        'vendor/lib.py': pymispScript(fakeKey(106)),
        'generated/client.py': pymispScript(fakeKey(107)),
        'node_modules/pkg/index.py': pymispScript(fakeKey(108)),
        '.git/config': `misp_key = ${fakeKey(109)}\n`,
        'assets/blob.bin': Buffer.concat([Buffer.from([0, 0, 0, 0, 1, 2]), Buffer.from(pymispScript(fakeKey(110)))]),
        'data/huge.py': Buffer.alloc(5 * 1024 * 1024 + 10, 0x61),
      });
      b = makeTree({ 'deploy/docker-compose.yml': `services:\n  misp:\n    environment:\n      MISP_KEY: "${fakeKey(111)}"\n` });
      if (process.platform !== 'win32') fs.symlinkSync('..', path.join(a, 'app', 'loop'));
      client = await ScanClient.start({
        folders: [a, b],
        configuration: (item) => (item.section === 'mispGuard' ? { exclude: ['vendor/**'] }
          : item.section === 'files.exclude' ? { '**/generated': true, '**/.DS_Store': true, '**/off': false } : null),
      });
    });
    after(async () => {
      await client.stop();
      removeTree(a);
      removeTree(b);
    });

    it('publishes diagnostics for unopened files of every folder and resolves with a summary', async () => {
      const fetch = client.lsp.nextDiagnostics(uri(path.join(a, 'app', 'fetch.py')), (p) => p.diagnostics.length > 0);
      const compose = client.lsp.nextDiagnostics(uri(path.join(b, 'deploy', 'docker-compose.yml')), (p) => p.diagnostics.length > 0);
      const allowed = client.lsp.nextDiagnostics(uri(path.join(a, 'config', 'allowed.env')), (p) => p.diagnostics.length > 0);
      const summary = await client.scan();
      const [f, c, e] = await Promise.all([fetch, compose, allowed]);
      assert.deepEqual(f.diagnostics.map((d) => d.code), ['hardcoded-key', 'tls-verify-disabled']);
      assert.equal(f.diagnostics[0].range.start.line, 3);
      assert.deepEqual((f.diagnostics[0].data as { version: number | null }).version, null);
      assert.ok(KEY_RULES.has(String(c.diagnostics[0].code)));
      assert.ok(KEY_RULES.has(String(e.diagnostics[0].code)));
      assert.equal(summary.cancelled, false);
      assert.deepEqual(summary.folders, [a, b]);
      assert.equal(summary.filesWithFindings, 3, JSON.stringify(summary));
      assert.equal(summary.byRule['hardcoded-key'], 1);
      assert.equal(summary.byRule['tls-verify-disabled'], 1);
      assert.match(summary.message, /^Scanned \d+ files: 4 findings in 3 files \(hardcoded-key 1, plaintext-config-key 2, tls-verify-disabled 1\); skipped \d+: /);
      assert.equal(client.lsp.leaks().length, 0);
    });

    it('honours nested .gitignore negation, files.exclude and mispGuard.exclude, and counts every skip', async () => {
      const summary = await client.scan();
      const published = new Set(client.lsp.published.filter((p) => p.diagnostics.length > 0).map((p) => p.uri));
      for (const hidden of ['top.env', 'config/denied.env', 'build/out.py', 'vendor/lib.py', 'generated/client.py',
        'node_modules/pkg/index.py', '.git/config', 'assets/blob.bin']) {
        assert.ok(!published.has(uri(path.join(a, hidden))), `${hidden} must not be reported`);
      }
      assert.ok(published.has(uri(path.join(a, 'config', 'allowed.env'))), 'the negated pattern re-includes allowed.env');
      // top.env, config/denied.env, build/ are ignored by .gitignore; vendor/lib.py, generated/ by globs
      assert.equal(summary.skipped.gitignored, 3, JSON.stringify(summary.skipped));
      assert.equal(summary.skipped.excluded, 2, JSON.stringify(summary.skipped));
      assert.equal(summary.skipped['dependency-dir'], 1);
      assert.equal(summary.skipped['git-dir'], 1);
      assert.equal(summary.skipped.binary, 1);
      assert.equal(summary.skipped['too-large'], 1);
      assert.match(summary.message, /3 ignored by \.gitignore/);
    });

    posixOnly('does not loop on a symlink to a parent directory, nor follow it out of the scanned folder', async () => {
      const summary = await client.scan([uri(path.join(a, 'app'))]);
      assert.equal(summary.skipped['outside-root'], 1, JSON.stringify(summary.skipped));
      assert.deepEqual(summary.folders, [path.join(a, 'app')]);
    });
  });

  describe('progress and cancellation', () => {
    let tree: string;
    let client: ScanClient;
    const FILES = 6000;
    before(async () => {
      const files: Record<string, string> = {};
      const filler = `def handler(event, context):\n    return {"status": 200, "body": event.get("body", "")}\n`.repeat(60);
      for (let i = 0; i < FILES; i++) files[`pkg${i % 60}/mod${i}.py`] = i % 500 === 0 ? pymispScript(fakeKey(200 + i)) : filler;
      tree = makeTree(files);
      client = await ScanClient.start({ folder: tree });
    });
    after(async () => {
      await client.stop();
      removeTree(tree);
    });

    it('reports cancellable work-done progress with file counts and ends it', async () => {
      const summary = await client.scan();
      assert.equal(summary.filesScanned, FILES);
      const values = [...client.progress.values()].at(-1)!;
      const begin = values[0];
      assert.equal(begin.kind, 'begin');
      assert.equal((begin as { cancellable?: boolean }).cancellable, true);
      assert.ok(values.some((v) => v.kind === 'report' && /^\d+ of \d+\+? files, \d+ findings?$/.test(v.message ?? '')), JSON.stringify(values.slice(0, 5)));
      assert.equal(values.at(-1)!.kind, 'end');
    });

    it('stops within 200 ms of window/workDoneProgress/cancel', async () => {
      const started = client.nextProgress((_t, v) => v.kind === 'report' && /^[1-9]\d* of/.test(v.message ?? ''));
      const result = client.scan();
      const token = await started;
      const t0 = performance.now();
      client.cancelProgress(token);
      const summary = await result;
      const elapsed = performance.now() - t0;
      if (process.env.MISP_GUARD_TEST_TIMINGS) console.log(`cancel → response: ${elapsed.toFixed(1)} ms`);
      assert.equal(summary.cancelled, true);
      assert.ok(summary.filesScanned < FILES, `scanned ${summary.filesScanned} of ${FILES}`);
      assert.ok(elapsed < 200, `stopped ${elapsed.toFixed(0)} ms after the cancel`);
      assert.match(summary.message, /^Scan cancelled after/);
    });

    it('stops within 200 ms of $/cancelRequest, with a client-created progress token', async () => {
      const cts = new CancellationTokenSource();
      const started = client.nextProgress((_t, v) => v.kind === 'report' && /^[1-9]\d* of/.test(v.message ?? ''));
      const { workDoneToken, result } = client.scanWithClientToken(cts);
      assert.equal(await started, workDoneToken);
      const t0 = performance.now();
      cts.cancel();
      const summary = await result;
      const elapsed = performance.now() - t0;
      if (process.env.MISP_GUARD_TEST_TIMINGS) console.log(`cancel → response: ${elapsed.toFixed(1)} ms`);
      assert.equal(summary.cancelled, true);
      assert.ok(elapsed < 200, `stopped ${elapsed.toFixed(0)} ms after the cancel`);
    });
  });

  describe('diagnostics after a scan', () => {
    let tree: string;
    let client: ScanClient;
    const key = fakeKey(301);
    before(async () => {
      tree = makeTree({ 'a.py': pymispScript(key), 'keep.py': pymispScript(fakeKey(302)), 'dir/inner.py': pymispScript(fakeKey(303)) });
      client = await ScanClient.start({ folder: tree });
      await client.scan();
    });
    after(async () => {
      await client.stop();
      removeTree(tree);
    });

    it('open-document diagnostics win, and closing the document shows the file on disk again', async () => {
      const file = path.join(tree, 'keep.py');
      const opened = await client.lsp.open(uri(file), 'python', 'import os\nkey = os.environ["MISP_KEY"]\n');
      assert.deepEqual(opened.diagnostics, []);
      const back = client.lsp.nextDiagnostics(uri(file), (p) => p.diagnostics.length === 2);
      void client.lsp.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uri(file) } });
      assert.equal((await back).diagnostics[0].code, 'hardcoded-key');
    });

    it('moves diagnostics with a rename seen by the file watcher, and clears them on delete', async () => {
      const from = path.join(tree, 'a.py');
      const to = path.join(tree, 'b.py');
      fs.renameSync(from, to);
      const cleared = client.lsp.nextDiagnostics(uri(from), (p) => p.diagnostics.length === 0);
      const moved = client.lsp.nextDiagnostics(uri(to), (p) => p.diagnostics.length === 2);
      client.watched([{ path: from, type: 'deleted' }, { path: to, type: 'created' }]);
      await Promise.all([cleared, moved]);
      fs.rmSync(to);
      const gone = client.lsp.nextDiagnostics(uri(to), (p) => p.diagnostics.length === 0);
      client.deleted(to);
      await gone;
    });

    it('follows a folder renamed in the editor (workspace/didRenameFiles)', async () => {
      const from = path.join(tree, 'dir');
      const to = path.join(tree, 'moved');
      fs.renameSync(from, to);
      const cleared = client.lsp.nextDiagnostics(uri(path.join(from, 'inner.py')), (p) => p.diagnostics.length === 0);
      const moved = client.lsp.nextDiagnostics(uri(path.join(to, 'inner.py')), (p) => p.diagnostics.length === 2);
      client.renamed(from, to);
      await Promise.all([cleared, moved]);
    });

    it('picks up a change made on disk, and Clear Scan Results removes every scan diagnostic', async () => {
      const file = path.join(tree, 'keep.py');
      fs.writeFileSync(file, 'print("clean now")\n');
      const clean = client.lsp.nextDiagnostics(uri(file), (p) => p.diagnostics.length === 0);
      client.watched([{ path: file, type: 'changed' }]);
      await clean;
      const inner = client.lsp.nextDiagnostics(uri(path.join(tree, 'moved', 'inner.py')), (p) => p.diagnostics.length === 0);
      assert.equal(await client.clear(), 1);
      await inner;
    });
  });

  describe('baseline in the editor', () => {
    let tree: string;
    let client: ScanClient;
    before(async () => {
      tree = makeTree({ 'old.py': pymispScript(fakeKey(321)), 'new.py': 'import os\n' });
      assert.equal(runCli(['baseline'], { cwd: tree }).status, 0);
      fs.writeFileSync(path.join(tree, 'new.py'), pymispScript(fakeKey(322)));
      client = await ScanClient.start({ folder: tree });
    });
    after(async () => {
      await client.stop();
      removeTree(tree);
    });

    it('hides baselined findings in scans and open documents, and reports new ones', async () => {
      const fresh = client.lsp.nextDiagnostics(uri(path.join(tree, 'new.py')), (p) => p.diagnostics.length === 2);
      const summary = await client.scan();
      await fresh;
      assert.equal(summary.baselined, 2);
      assert.equal(summary.filesWithFindings, 1);
      assert.ok(!client.lsp.published.some((p) => p.uri === uri(path.join(tree, 'old.py')) && p.diagnostics.length > 0));
      const old = path.join(tree, 'old.py');
      const text = `# moved down\n${fs.readFileSync(old, 'utf8')}misp_key_2 = "${fakeKey(323)}"\n`;
      const opened = await client.lsp.open(uri(old), 'python', text);
      assert.deepEqual(opened.diagnostics.map((d) => [d.code, d.range.start.line]), [['hardcoded-key', 6]]);
    });
  });
});
