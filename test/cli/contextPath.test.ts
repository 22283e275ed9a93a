import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contextPath } from '../../server/src/node/contextPath';
import { runCli } from './cliHarness';

describe('the path the core judges a file by', () => {
  it('is the path inside the deepest scanned folder that holds it', () => {
    assert.equal(contextPath('/home/a/misp-tools/src/app.py', ['/home/a/misp-tools']), 'src/app.py');
    assert.equal(contextPath('/w/x/.github/workflows/ci.yml', ['/w', '/w/x']), '.github/workflows/ci.yml');
    assert.equal(contextPath('/nonexistent-dir/a/misp_sync.py', ['/nonexistent-dir/a/misp_sync.py']), 'a/misp_sync.py', 'a file scanned by name outside a repository: its folder and name');
    assert.equal(contextPath('/tmp/misp-notes/keys.py', []), 'misp-notes/keys.py', 'outside every folder: its folder and name');
  });

  it('a file named on its own is judged by its path in its repository (pre-commit passes file names)', function () {
    this.timeout(60_000);
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-repo-'));
    try {
      fs.mkdirSync(path.join(repo, '.git'));
      fs.mkdirSync(path.join(repo, 'misp'));
      fs.writeFileSync(path.join(repo, 'misp', 'settings.py'), 'api_key = "Qm3kLp9XvB2nR7tY5wZ8aC1dE4fG6hJ0sU3iO9pK"\n');
      assert.equal(contextPath(path.join(repo, 'misp', 'settings.py'), [path.join(repo, 'misp', 'settings.py')]), 'misp/settings.py');
      const byName = runCli(['scan', '--format', 'json', 'misp/settings.py'], { cwd: repo });
      const byTree = runCli(['scan', '--format', 'json', '.'], { cwd: repo });
      const rules = (r: { stdout: string }) => (JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> }).findings.map((f) => f.ruleId);
      assert.deepEqual(rules(byName), ['hardcoded-key']);
      assert.deepEqual(rules(byName), rules(byTree));
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('a folder above the scanned tree whose name says MISP changes no finding', function () {
    this.timeout(60_000);
    const outer = fs.mkdtempSync(path.join(os.tmpdir(), 'misp-guard-context-'));
    try {
      const tree = path.join(outer, 'misp-integrations', 'project');
      fs.mkdirSync(tree, { recursive: true });
      // About another service: with "misp" in the absolute path every file used to count as MISP context.
      fs.writeFileSync(path.join(tree, 'vt.py'), 'import requests\nAPI_KEY = "Qm3kLp9XvB2nR7tY5wZ8aC1dE4fG6hJ0sU3iO9pK"\nrequests.get("https://api.example.com/v3/files", headers={"x-apikey": API_KEY}, verify=False)\n');
      fs.writeFileSync(path.join(tree, 'misp_client.py'), 'from pymisp import PyMISP\nmisp = PyMISP("https://misp.example.org", "Qm3kLp9XvB2nR7tY5wZ8aC1dE4fG6hJ0sU3iO9pK", ssl=False)\n');
      const r = runCli(['scan', '--format', 'json', '.'], { cwd: tree });
      assert.equal(r.status, 1, r.stderr);
      const report = JSON.parse(r.stdout) as { findings: Array<{ path: string; ruleId: string }> };
      assert.deepEqual(report.findings.map((f) => `${f.path}:${f.ruleId}`).sort(), ['misp_client.py:hardcoded-key', 'misp_client.py:tls-verify-disabled']);
    } finally {
      fs.rmSync(outer, { recursive: true, force: true });
    }
  });
});
