/**
 * `misp-guard scan … | head -1`: when the reader goes away, the CLI stops writing without a word
 * (no EPIPE stack trace) and exits with the scan's own code: 1 when a failing finding was found,
 * 0 when none was (the scan then runs to its end), never a crash.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, fakeKey, makeTree, pymispScript, removeTree } from './cliHarness';

/** Runs `node cli ARGS | head ...` in bash; returns misp-guard's own exit status and what it wrote to stderr. */
function piped(cwd: string, args: string[], head: string, stderrToPipe = false): { status: number; stderr: string } {
  const script = `"$0" "$@" ${stderrToPipe ? '2>&1 ' : ''}| head ${head} >/dev/null; echo "\${PIPESTATUS[0]}"`;
  const r = spawnSync('bash', ['-c', script, process.execPath, CLI, ...args], {
    cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
  });
  assert.equal(r.error, undefined);
  return { status: Number(r.stdout.trim()), stderr: r.stderr };
}

const posixOnly = process.platform === 'win32' || spawnSync('bash', ['-c', 'true']).status !== 0 ? describe.skip : describe;

posixOnly('cli: output closed by its reader (EPIPE)', function () {
  this.timeout(120_000);
  let tree: string;
  before(() => {
    tree = makeTree({});
    // Far more output than a pipe holds (64 KB), so writes go on after `head` has exited.
    for (let i = 0; i < 600; i++) {
      fs.mkdirSync(path.join(tree, 'keys'), { recursive: true });
      fs.writeFileSync(path.join(tree, 'keys', `f${i}.py`), pymispScript(fakeKey(3000 + i)));
      fs.mkdirSync(path.join(tree, 'tls'), { recursive: true });
      fs.writeFileSync(path.join(tree, 'tls', `t${i}.py`), `from pymisp import PyMISP\nimport os\n${'misp = PyMISP("https://misp.example.org", os.environ["MISP_KEY"], ssl=False)\n'.repeat(3)}`);
    }
  });
  after(() => removeTree(tree));

  it('streamed text: quiet, exit 1 for the findings', () => {
    assert.deepEqual(piped(tree, ['scan', 'keys'], '-1'), { status: 1, stderr: '' });
  });

  it('json and sarif: quiet, exit 1 for the findings', () => {
    assert.deepEqual(piped(tree, ['scan', '--format', 'json', 'keys'], '-c 100'), { status: 1, stderr: '' });
    assert.deepEqual(piped(tree, ['scan', '--format', 'sarif', 'keys'], '-c 100'), { status: 1, stderr: '' });
  });

  it('findings that do not fail the run (--fail-on error, warnings only): quiet, exit 0', () => {
    assert.deepEqual(piped(tree, ['scan', '--fail-on', 'error', 'tls'], '-1'), { status: 0, stderr: '' });
  });

  it('stderr into the same closed pipe: quiet too', () => {
    assert.deepEqual(piped(tree, ['scan', 'tls', 'keys'], '-1', true), { status: 1, stderr: '' });
  });
});
