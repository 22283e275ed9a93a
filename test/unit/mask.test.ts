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
});
