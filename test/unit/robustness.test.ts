import * as assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/core';
import { expectFindings, fakeKey, lineOfOffset } from './helpers';

const K = fakeKey(7);

describe('positions: offsets are UTF-16 string indices', () => {
  it('an emoji and non-ASCII text before the key on the same line', () => {
    const t = `# 🔑 clé MISP\nmisp_key = "${K}"  # 🔒\nnote = "日本語 🚀"; misp_token = "${fakeKey(8)}"\n`;
    const f = expectFindings(t, 'k.py', [{ rule: 'hardcoded-key', line: 2, text: K }, { rule: 'hardcoded-key', line: 3, text: fakeKey(8) }]);
    assert.equal(t.slice(f[1].start, f[1].end), fakeKey(8));
  });
  it('CRLF line breaks count once', () => {
    const t = ['[misp]', 'url = https://misp.example.org', `key = ${K}`, 'insecure = true', ''].join('\r\n');
    expectFindings(t, 'misp.ini', [{ rule: 'plaintext-config-key', line: 3, text: K }, { rule: 'tls-verify-disabled', line: 4, text: 'true' }]);
    const y = ['misp:', `  api_key: "${K}"`, '  verify_ssl: false', ''].join('\r\n');
    expectFindings(y, 'c.yaml', [{ rule: 'plaintext-config-key', line: 2, text: K }, { rule: 'tls-verify-disabled', line: 3, text: 'false' }]);
  });
  it('lone CR line breaks', () => {
    const t = `import pymisp\rmisp_key = "${K}"\r`;
    const [f] = analyzeText(t, { path: 'a.py' }).findings;
    assert.equal(lineOfOffset(t, f.start), 2);
  });
});

describe('bad input: fall back, never throw, never skip silently', () => {
  it('malformed YAML falls back to a line scan with a notice', () => {
    const t = `misp:\n  url: [unclosed\n  api_key: ${K}\n  verify_ssl: false\n`;
    const r = analyzeText(t, { path: 'broken.yaml' });
    assert.ok(r.notices.some((n) => /Malformed YAML at line \d+/.test(n.message)), JSON.stringify(r.notices));
    assert.deepEqual(r.findings.map((f) => [f.ruleId, lineOfOffset(t, f.start)]), [['plaintext-config-key', 3], ['tls-verify-disabled', 4]]);
  });
  it('malformed JSON, TOML, HOCON and notebook keep their findings', () => {
    const cases: Array<[string, string, string]> = [
      [`{"misp": {"key": "${K}", }, oops`, 'c.json', 'JSON'],
      [`[misp\napi_key = "${K}"\n`, 'c.toml', 'TOML'],
      [`misp {\n  key = "${K}"\n`, 'application.conf', 'HOCON'],
      [`{"cells": [{"cell_type": "code", "source": ["misp_key = '${K}'\\n"], "outputs": [`, 'n.ipynb', 'notebook'],
    ];
    for (const [text, path, name] of cases) {
      const r = analyzeText(text, { path });
      assert.ok(r.notices.some((n) => n.message.includes(`Malformed ${name}`)), `${path}: ${JSON.stringify(r.notices)}`);
      assert.equal(r.findings.length, 1, `${path}: ${JSON.stringify(r.findings.map((f) => f.ruleId))}`);
      assert.equal(text.slice(r.findings[0].start, r.findings[0].end), K);
      for (const n of r.notices) assert.ok(!n.message.includes(K));
    }
  });
  it('binary content gets a clear notice and no findings', () => {
    const r = analyzeText(`\u007fELF\u0002\u0001\u0001\u0000\u0000\u0000\u0000\u0000 misp_key = "${K}"`, { path: 'a.bin' });
    assert.deepEqual(r.findings, []);
    assert.match(r.notices[0].message, /Binary content/);
    // A single stray NUL does not make a config file binary: the key after it is still found.
    const env = `MISP_URL=https://misp.example.org\nFOO=\u0000bar\nMISP_KEY=${K}\n`;
    assert.deepEqual(analyzeText(env, { path: '.env' }).findings.map((f) => env.slice(f.start, f.end)), [K]);
  });
  it('a 5 MB file is analysed, and the key at its end is found', () => {
    const filler = '# misp sync log line with nothing secret in it, padded to be long enough\n'.repeat(70_000);
    const t = `${filler}misp_key = "${K}"\n`;
    assert.ok(t.length > 5_000_000);
    const f = analyzeText(t, { path: 'big.py' }).findings;
    assert.deepEqual(f.map((x) => t.slice(x.start, x.end)), [K]);
  });
  it('a 1 MB single line is analysed in linear time', () => {
    const chunk = `"misp":"x","a":"${'b'.repeat(30)}", `;
    const line = chunk.repeat(Math.ceil(1_000_000 / chunk.length)) + `"misp_key":"${K}"`;
    const t0 = process.hrtime.bigint();
    const f = analyzeText(line, { path: 'one-line.json' }).findings;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.deepEqual(f.map((x) => line.slice(x.start, x.end)), [K]);
    assert.ok(ms < 1000, `took ${ms} ms`);
    const alnum = 'aB3'.repeat(340_000);
    const t1 = process.hrtime.bigint();
    assert.deepEqual(analyzeText(alnum, { path: 'x.txt' }).findings, []);
    assert.ok(Number(process.hrtime.bigint() - t1) / 1e6 < 1000);
  });
  it('odd inputs do not throw: empty, only whitespace, unterminated strings and comments, deep nesting', () => {
    for (const [t, p] of [['', 'a.py'], ['   \n\n', 'a.yaml'], ['x = "unterminated\n/* open', 'a.js'], ['['.repeat(10_000), 'a.json'], ['{"cells":' + '['.repeat(10_000), 'deep.ipynb'], ['{'.repeat(5000), 'application.conf'], ['a:\n' + '  '.repeat(2000) + 'b: c', 'a.yml'], ['<'.repeat(1000), 'a.xml'], ['"""', 'a.py'], ['<<EOF\nmisp', 'a.sh']]) {
      assert.doesNotThrow(() => analyzeText(t, { path: p }), p);
    }
    for (const [t, p] of [['['.repeat(10_000) + `"misp_key": "${K}"`, 'deep.json'], ['{"cells":' + '['.repeat(10_000) + `"misp_key = '${K}'"`, 'deep.ipynb']]) {
      const r = analyzeText(t, { path: p });
      assert.ok(r.notices.length > 0, p);
      assert.deepEqual(r.findings.map((f) => t.slice(f.start, f.end)), [K], p);
    }
  });
});

describe('suppressions: misp-guard-ignore', () => {
  it('same line, next line, by rule id, whole file', () => {
    const base = `import pymisp\nmisp_key = "${K}"  # misp-guard-ignore\n# misp-guard-ignore-next-line\nother_key = "${fakeKey(9)}"\nthird_key = "${fakeKey(10)}"  # misp-guard-ignore: tls-verify-disabled\n`;
    expectFindings(base, 's.py', [{ rule: 'hardcoded-key', line: 5, text: fakeKey(10) }]);
    expectFindings(`# misp-guard-ignore-file\nimport pymisp\nmisp_key = "${K}"\n`, 's.py', []);
    expectFindings(`import pymisp\nmisp_key = "${K}"  # misp-guard-ignore\n`, 's.py', [{ rule: 'hardcoded-key', line: 2, text: K }], '', { honourSuppressions: false });
  });
  it('counts only as a whole word in a comment: not in a string, not as part of a longer word', () => {
    expectFindings(`import pymisp\nhelp = "see misp-guard-ignore-file in the docs"\nmisp_key = "${K}"\n`, 's.py', [{ rule: 'hardcoded-key', line: 3, text: K }]);
    expectFindings(`{"misp": {"note": "misp-guard-ignore-file-handling", "key": "${K}"}}\n`, 'c.json', [{ rule: 'plaintext-config-key', line: 1, text: K }]);
    expectFindings(`{\n  "//": "misp-guard-ignore-file: plaintext-config-key",\n  "misp": {"key": "${K}"}\n}\n`, 'c.json', []);
    expectFindings(`/*\n * misp-guard-ignore-file\n */\n// misp\nconst mispKey = '${K}';\n`, 'a.js', []);
    expectFindings(`[misp]\n; misp-guard-ignore-next-line\nkey = ${K}\n`, 'm.ini', []);
  });
});

describe('options', () => {
  it('severity per rule, off disables a rule', () => {
    const t = `misp_key = '${K}'\nmisp_verifycert = False\n`;
    const r = analyzeText(t, { path: 'keys.py' }, { severities: { 'hardcoded-key': 'warning', 'tls-verify-disabled': 'off' } });
    assert.deepEqual(r.findings.map((f) => [f.ruleId, f.severity]), [['hardcoded-key', 'warning']]);
    const d = analyzeText(t, { path: 'keys.py' });
    assert.deepEqual(d.findings.map((f) => [f.ruleId, f.severity]), [['hardcoded-key', 'error'], ['tls-verify-disabled', 'warning']]);
  });
  it('extra key-name patterns make unusual names count', () => {
    const t = `import pymisp\nthreat_intel_cred = "${K}"\n`;
    expectFindings(t, 'x.py', []);
    expectFindings(t, 'x.py', [{ rule: 'hardcoded-key', line: 2, text: K }], '', { extraKeyNames: ['threat_intel_cred'] });
  });
});
