/**
 * Pathological shapes found by breaking the engine (each once took seconds to minutes, or ran out of
 * memory): at a few hundred kilobytes each must finish well inside a generous bound and still find the
 * finding it holds. A quadratic or cubic regression takes orders of magnitude longer, so the bound
 * catches it without measuring speed (npm run bench does that).
 */
import * as assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/core';
import { fakeKey } from './helpers';

const K = fakeKey(501);
const rep = (s: string, n: number) => s.repeat(Math.max(1, Math.ceil(n / s.length)));
const N = 300_000;
const BOUND_MS = 3000;

const SHAPES: Array<[string, string, string, number]> = [
  // Cubic before: 4,000 spaces took about 30 s (a larger size would hang a regression instead of failing it).
  ['ini section "[" and a run of spaces (was cubic)', 'misp.ini', `[misp]\nkey = ${K}\n[${' '.repeat(4000)}x\n`, 1],
  ['.env value with a run of spaces', 'misp.env', `MISP_KEY=${K}\nA=x${' '.repeat(N)}y\n`, 1],
  ['ini value with a run of spaces', 'misp.ini', `[misp]\nkey = ${K}\nv = x${' '.repeat(N)}y\n`, 1],
  ['nginx statements without ";"', 'misp-nginx.conf', `server {\n proxy_pass https://misp.example.org;\n proxy_set_header Authorization "${K}";\n${rep('word ', N)}`, 1],
  ['nginx unterminated quotes', 'misp-nginx.conf', `server {\n proxy_pass https://misp.example.org;\n proxy_set_header Authorization "${K}";\n${rep('a "b ', N)}`, 1],
  ['XML nested 75,000 deep (ran out of memory)', 'misp.xml', `<?xml version="1.0"?>\n<misp_key>${K}</misp_key>\n${rep('<a>x', N)}`, 1],
  ['XML unterminated comments', 'misp.xml', `<?xml version="1.0"?>\n<misp_key>${K}</misp_key>\n${rep('<!-- ', N)}`, 1],
  ['HOCON never-closed blocks (ran out of memory)', 'application.conf', `misp { key = "${K}" }\n${rep('a { b = x\n', N)}`, 1],
  ['HCL never-closed maps', 'misp.tf', `misp_key = "${K}"\n${rep('a = { b = "x"\n', N)}`, 1],
  ['Markdown with many fenced blocks', 'MISP.md', `# MISP\nmisp_key = ${K}\n${rep('```python\nx = 1\n```\n', N)}`, 1],
  ['SQL dump: never-closed CREATE TABLE statements', 'misp.sql', `INSERT INTO users (authkey) VALUES ('${K}');\n${rep('CREATE TABLE t (a int,\n', N)}`, 1],
  ['SQL dump: one extended INSERT with many rows', 'misp.sql', `CREATE TABLE users (id int, authkey varchar(40));\nINSERT INTO users VALUES ${rep("(1,'x'),", N)}(2,'${K}');\n`, 1],
  ['Fluent Bit-style lines without operators', 'fluent-bit.conf', `[OUTPUT]\n    Name http\n    Host misp.example.org\n    Header Authorization ${K}\n${rep('    Key value value value\n', N)}`, 1],
  ['Caddy: deeply nested blocks with many directives (was cubic)', 'Caddyfile', `misp.example.org {\n header_up Authorization "${K}"\n${'{\n'.repeat(3000)}${'tls_insecure_skip_verify\n'.repeat(3000)}`, 1],
  ['HAProxy: thousands of server lines in a section (was quadratic)', 'haproxy.cfg', `backend misp\n  http-request set-header Authorization ${K}\n${'  server m1 10.0.0.1:443 ssl verify none\n'.repeat(8000)}`, 1],
  ['HAProxy: one server line with many ssl words', 'haproxy.cfg', `backend misp\n  http-request set-header Authorization ${K}\n  server m ${' ssl'.repeat(N / 4)}\n`, 1],
  ['flags without a lead character (a--a--…)', 'misp.txt', `misp_key = ${K}\nx${rep('a--', N)}\n`, 1],
  ['a long short flag after curl (-kkkk…)', 'misp.sh', `MISP_KEY=${K}\ncurl -${'k'.repeat(N)}.\n`, 1],
  ['PyMISP(url, key, flag) on every line', 'misp.py', `from pymisp import PyMISP\nmisp_key = "${K}"\n${rep('m = PyMISP(url, key, verifyflag)\n', N)}`, 1],
  ['a list of random ids on one line', 'misp_ids.py', `import pymisp\nmisp_key = "${K}"\nx = [${rep(`"${fakeKey(502)}", "${fakeKey(503)}", `, N)}]\n`, 1],
  ['one huge string holding many key-like tokens', 'misp.py', `import pymisp\nmisp_key = "${K}"\nX = """\n${rep(`x ${fakeKey(504)} `, N)}"""\n`, 1],
];

describe('pathological inputs stay linear', () => {
  for (const [name, path, text, least] of SHAPES) {
    it(name, function () {
      this.timeout(BOUND_MS * 4);
      const t0 = performance.now();
      const r = analyzeText(text, { path });
      const ms = performance.now() - t0;
      assert.ok(r.findings.filter((f) => f.ruleId !== 'tls-verify-disabled').length >= least, `${path}: ${r.findings.length} findings`);
      assert.ok(r.findings.some((f) => text.slice(f.start, f.start + 40) === K), 'the planted key is found');
      assert.ok(ms < BOUND_MS, `${(text.length / 1024).toFixed(0)} KB took ${ms.toFixed(0)} ms`);
    });
  }
});
