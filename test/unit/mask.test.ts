import * as assert from 'node:assert/strict';
import { containsKeyLike, mask, redact } from '../../server/src/core';
import { fakeKey } from './helpers';

describe('mask and redact', () => {
  it('mask shows the first 4 characters only', () => {
    const k = fakeKey(1);
    assert.equal(mask(k), `${k.slice(0, 4)}…`);
    assert.equal(mask('short'), '…');
  });
  it('redact masks every whole 40-character token and leaves longer identifiers', () => {
    const k = fakeKey(2);
    assert.equal(redact(`key=${k}; other ${k}.`), `key=${k.slice(0, 4)}…; other ${k.slice(0, 4)}….`);
    assert.equal(redact('DangerousAcceptAnyServerCertificateValidator'), 'DangerousAcceptAnyServerCertificateValidator');
    assert.ok(containsKeyLike(`x ${k} y`));
    assert.ok(!containsKeyLike(redact(`x ${k} y`)));
  });
  it('redact also masks a key glued to other letters (a colour code, an escape letter, a prefix)', () => {
    const k = fakeKey(3);
    assert.equal(redact(`\x1b[1m${k}\x1b[0m`), `\x1b[1m${k.slice(0, 2)}…\x1b[0m`);
    assert.equal(redact(`"\\n${k}"`), `"\\${'n' + k.slice(0, 3)}…"`);
    for (const t of [`m${k}`, `${k}x`, `ab${k}cd`]) assert.ok(!redact(t).includes(k.slice(3, 40)), t);
    assert.equal(redact(`sha256 ${'a1'.repeat(32)}`), `sha256 a1a1…`);
  });
});
