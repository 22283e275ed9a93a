/** Unit tests of the fs-free helpers the CLI is built on: line index, language ids, decoding. */
import * as assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/node/positions';
import { decode, languageIdForPath } from '../../server/src/node/walker';

describe('node helpers: LineIndex', () => {
  it('maps offsets to 1-based lines and UTF-16 columns over \\n, \\r\\n and lone \\r', () => {
    const text = 'ab\ncd\r\nef\rgh';
    const idx = new LineIndex(text);
    assert.equal(idx.lineCount, 4);
    const at = (s: string) => idx.position(text.indexOf(s));
    assert.deepEqual(at('a'), { line: 1, column: 1 });
    assert.deepEqual(at('d'), { line: 2, column: 2 });
    assert.deepEqual(at('e'), { line: 3, column: 1 });
    assert.deepEqual(at('h'), { line: 4, column: 2 });
    assert.deepEqual(idx.position(text.length), { line: 4, column: 3 });
    assert.equal(idx.lineText(2), 'cd');
    assert.equal(idx.lineText(3), 'ef');
  });

  it('counts an astral character as two columns', () => {
    const text = 'x = "\u{1F511}" KEY';
    assert.deepEqual(new LineIndex(text).position(text.indexOf('KEY')), { line: 1, column: 10 });
  });

  it('clamps offsets outside the text and handles empty text', () => {
    assert.deepEqual(new LineIndex('').position(5), { line: 1, column: 1 });
    assert.deepEqual(new LineIndex('a\n').position(-3), { line: 1, column: 1 });
    assert.deepEqual(new LineIndex('a\n').position(2), { line: 2, column: 1 });
  });
});

describe('node helpers: languageIdForPath', () => {
  const cases: [string, string][] = [
    ['src/app.py', 'python'], ['nb/triage.ipynb', 'json'], ['a/b.js', 'javascript'], ['a/b.ts', 'typescript'],
    ['ci/.gitlab-ci.yml', 'yaml'], ['k8s/x.yaml', 'yaml'], ['c.json', 'json'], ['feeder.toml', 'toml'],
    ['karton.ini', 'ini'], ['setup.cfg', 'ini'], ['config.properties', 'properties'], ['main.tf', 'terraform'],
    ['.env', 'dotenv'], ['.env.production', 'dotenv'], ['prod.env', 'dotenv'], ['docker/Dockerfile', 'dockerfile'],
    ['Dockerfile.dev', 'dockerfile'], ['run.sh', 'shellscript'], ['misp.conf', 'plaintext'],
    ['thehive/application.conf', 'hocon'], ['C:\\repo\\keys.py', 'python'], ['LICENSE', 'plaintext'],
  ];
  for (const [p, id] of cases) it(`${p} → ${id}`, () => assert.equal(languageIdForPath(p), id));
});

describe('node helpers: decode', () => {
  it('reads UTF-8 without its BOM, UTF-16 by BOM, and calls NUL bytes binary', () => {
    assert.equal(decode(Buffer.from('\uFEFFkey = 1', 'utf8')), 'key = 1');
    assert.equal(decode(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a=1', 'utf16le')])), 'a=1');
    assert.equal(decode(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0])), undefined);
    // Known magic numbers are binary whatever follows.
    assert.equal(decode(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]), Buffer.alloc(200, 0x41)])), undefined);
    assert.equal(decode(Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(200, 0x41)])), undefined);
    // One stray NUL in a text file is not binary: it would hide a key in a .env from the scan.
    assert.equal(decode(Buffer.from([0x61, 0x00, 0x62])), 'a\u0000b');
    const lateNul = Buffer.concat([Buffer.alloc(9000, 0x61), Buffer.from([0])]);
    assert.equal(decode(lateNul)?.length, 9001);
  });
});
