import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitignoreRules } from '../../server/src/node/gitignore';

describe('GitignoreRules.ignored', () => {
  let top: string;
  before(() => {
    top = mkdtempSync(join(tmpdir(), 'gi-'));
    mkdirSync(join(top, '.git'));
    mkdirSync(join(top, 'sub', 'deep'), { recursive: true });
    writeFileSync(join(top, '.gitignore'), '*.log\n!keep.log\nbuild/\n');
    writeFileSync(join(top, 'sub', '.gitignore'), 'secret.txt\n!important.log\n');
  });
  after(() => rmSync(top, { recursive: true, force: true }));

  it('answers the same for normalised and unnormalised spellings of a path', () => {
    const rules = GitignoreRules.forDirectory(top);
    const cases: Array<[string, boolean, boolean]> = [
      ['a.log', false, true], ['keep.log', false, false], ['a.txt', false, false], ['build', true, true],
      ['sub/secret.txt', false, true], ['sub/important.log', false, false], ['sub/deep/x.log', false, true],
      ['sub/deep/secret.txt', false, true], ['sub/deep/ok.py', false, false],
    ];
    for (const [rel, dir, want] of cases) {
      const normal = join(top, rel);
      const odd = `${top}/./sub/..//${rel}`;
      assert.equal(rules.ignored(normal, dir), want, rel);
      assert.equal(rules.ignored(odd, dir), want, `${rel} spelled ${odd}`);
    }
  });

  it('never ignores the top itself or a path outside it', () => {
    const rules = GitignoreRules.forDirectory(top);
    assert.equal(rules.ignored(top, true), false);
    assert.equal(rules.ignored(`${top}/`, true), false);
    assert.equal(rules.ignored(join(top, '..', 'other.log'), false), false);
    assert.equal(rules.ignored(`${top}-sibling/a.log`, false), false);
  });
});
