/**
 * The README's first command, `npm run scan -- samples`: every planted file shows findings,
 * the fixed example stays clean, and no key is printed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT, runCli } from './cliHarness';

const PLANTED: Record<string, string[]> = {
  'samples/.env': ['plaintext-config-key'],
  'samples/docker-compose.yml': ['plaintext-config-key', 'tls-verify-disabled'],
  'samples/notebooks/check_connection.ipynb': ['hardcoded-key', 'tls-verify-disabled', 'key-in-notebook-output'],
  'samples/scripts/export_suricata.sh': ['tls-verify-disabled', 'key-in-command-line'],
  'samples/scripts/fetch_events.py': ['hardcoded-key', 'tls-verify-disabled'],
  'samples/scripts/keys.py': ['hardcoded-key', 'tls-verify-disabled'],
  'samples/thehive/application.conf': ['plaintext-config-key', 'tls-verify-disabled'],
};

describe('cli: the bundled samples project', () => {
  it('prints masked findings for every planted file and none for the fixed one', () => {
    const r = runCli(['scan', 'samples'], { cwd: PROJECT_ROOT });
    assert.equal(r.status, 1, r.stderr);
    const byFile = new Map<string, Set<string>>();
    for (const m of r.stdout.matchAll(/^(\S+):\d+:\d+ {2,}\w+ +([a-z-]+) {2}/gm)) {
      byFile.set(m[1], (byFile.get(m[1]) ?? new Set()).add(m[2]));
    }
    for (const [file, rules] of Object.entries(PLANTED)) {
      assert.deepEqual([...(byFile.get(file) ?? [])].sort(), [...rules].sort(), `${file}\n${r.stdout}`);
    }
    assert.ok(!byFile.has('samples/app/settings.py'));
    assert.match(r.stdout, /^\d+ findings \(\d+ errors, \d+ warnings\) in 7 files; 9 files scanned\.$/m);
  });

  it('never prints a planted key', () => {
    const out = runCli(['scan', '--format', 'json', 'samples'], { cwd: PROJECT_ROOT }).stdout
      + runCli(['scan', 'samples'], { cwd: PROJECT_ROOT }).stdout;
    const files = Object.keys(PLANTED).map((f) => fs.readFileSync(path.join(PROJECT_ROOT, f), 'utf8'));
    for (const text of files) {
      for (const key of text.match(/(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/g) ?? []) {
        assert.ok(!out.includes(key), 'a planted key was printed in full');
        assert.ok(out.includes(`${key.slice(0, 4)}…`), 'its masked preview is shown');
      }
    }
  });
});
