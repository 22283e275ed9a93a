/**
 * A workspace scan with files open in the editor, over the real protocol: an open file counts with
 * the editor's text (what the Problems panel shows for it, saved or not), not with the file on disk,
 * so that the summary and the Problems panel agree.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { fakeKey, makeTree, pymispScript, removeTree } from '../cli/cliHarness';
import { ScanClient, uri } from './workspaceScanHarness';

describe('workspace scan with open documents', function () {
  this.timeout(60_000);
  let tree: string;
  let client: ScanClient;
  before(async () => {
    tree = makeTree({
      'a.py': pymispScript(fakeKey(401)),
      'b.py': pymispScript(fakeKey(402)),
      'c.py': 'print("nothing here yet")\n',
    });
    client = await ScanClient.start({ folder: tree });
  });
  after(async () => {
    const leaks = client.lsp.leaks();
    await client.stop();
    removeTree(tree);
    assert.deepEqual(leaks, []);
  });

  /** Every diagnostic the client shows now: the last publication for each URI. */
  function problems(): Map<string, string[]> {
    const last = new Map<string, string[]>();
    for (const p of client.lsp.published) last.set(p.uri, p.diagnostics.map((d) => String(d.code)));
    for (const [u, codes] of last) if (codes.length === 0) last.delete(u);
    return last;
  }

  it('counts the editor text of open files: a key fixed but not saved is not counted, one typed but not saved is', async () => {
    // b.py: the key already moved to the environment in the editor, not saved; TLS still off.
    const b = path.join(tree, 'b.py');
    const fixed = pymispScript(fakeKey(402)).replace(`"${fakeKey(402)}"`, 'os.environ["MISP_KEY"]').replace('from pymisp', 'import os\nfrom pymisp');
    assert.deepEqual((await client.lsp.open(uri(b), 'python', fixed)).diagnostics.map((d) => d.code), ['tls-verify-disabled']);
    // c.py: clean on disk, a key typed in the editor.
    const c = path.join(tree, 'c.py');
    assert.equal((await client.lsp.open(uri(c), 'python', pymispScript(fakeKey(403)))).diagnostics.length, 2);

    const a = client.lsp.nextDiagnostics(uri(path.join(tree, 'a.py')), (p) => p.diagnostics.length > 0);
    const summary = await client.scan();
    await a;
    assert.equal(summary.filesScanned, 3);
    assert.equal(summary.findings, 5, summary.message);
    assert.equal(summary.filesWithFindings, 3);
    assert.deepEqual(summary.byRule, { 'hardcoded-key': 2, 'tls-verify-disabled': 3 });
    assert.match(summary.message, /^Scanned 3 files: 5 findings in 3 files \(hardcoded-key 2, tls-verify-disabled 3\)/);

    const shown = problems();
    assert.deepEqual(Object.fromEntries(shown), {
      [uri(path.join(tree, 'a.py'))]: ['hardcoded-key', 'tls-verify-disabled'],
      [uri(b)]: ['tls-verify-disabled'],
      [uri(c)]: ['hardcoded-key', 'tls-verify-disabled'],
    });
    assert.equal([...shown.values()].reduce((n, codes) => n + codes.length, 0), summary.findings, 'the summary matches the Problems panel');
  });

  it('counts an edit made since the last analysis (the pending version, not the published one)', async () => {
    const b = path.join(tree, 'b.py');
    const clean = 'import os\nprint(os.environ["MISP_KEY"])\n';
    client.lsp.sendChange(uri(b), clean, 2);
    const summary = await client.scan();
    assert.equal(summary.findings, 4, summary.message);
    assert.deepEqual(summary.byRule, { 'hardcoded-key': 2, 'tls-verify-disabled': 2 });
  });
});
