/**
 * The editor's baseline store: a baseline setting that points at a file that is not a baseline (a
 * .env with a key) is reported once in the log, with no part of the file quoted; a missing one is silent.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { BaselineStore } from '../../server/src/baselineStore';
import { fakeKey, makeTree, removeTree } from './cliHarness';

describe('editor baseline store: broken baselines', () => {
  const key = fakeKey(871);
  let tree: string;
  before(() => {
    tree = makeTree({ 'settings.env': `MISP_KEY=${key}\n`, [`${key}.json`]: '{"tool":"other"}', 'app.py': 'x = 1\n' });
  });
  after(() => removeTree(tree));

  it('logs a non-JSON baseline once, masked, and ignores it', () => {
    const logged: string[] = [];
    const store = new BaselineStore((m) => logged.push(m));
    const file = path.join(tree, 'app.py');
    assert.equal(store.forFile(file, [tree], 'settings.env'), undefined);
    assert.equal(store.forFile(file, [tree], 'settings.env'), undefined);
    assert.deepEqual(logged, [`${path.join(tree, 'settings.env')} is not a misp-guard baseline: not valid JSON (line 1, column 1: invalid symbol)`]);
  });

  it('masks a key-shaped name in the path, and says nothing about a missing baseline', () => {
    const logged: string[] = [];
    const store = new BaselineStore((m) => logged.push(m));
    const file = path.join(tree, 'app.py');
    assert.equal(store.forFile(file, [tree], `${key}.json`), undefined);
    assert.equal(store.forFile(file, [tree], '.misp-guard-baseline.json'), undefined);
    assert.deepEqual(logged, [`${path.join(tree, `${key.slice(0, 4)}…`)}.json is not a misp-guard baseline: no "tool": "misp-guard"`]);
  });
});
