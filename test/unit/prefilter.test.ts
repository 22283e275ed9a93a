import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeText, formatFamily, worthAnalysing } from '../../server/src/core';
import { mayHaveFindings } from '../../server/src/core/prefilter';
import { detectFormat } from '../../server/src/core/formats/detect';
import { fakeKey, lineOfOffset } from './helpers';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n === 'expected.json' ? [] : [p];
  });
}

function findings(text: string, path: string, prefilter: boolean): string[] {
  return analyzeText(text, { path }, { prefilter }).findings.map((f) => `${f.ruleId}@${lineOfOffset(text, f.start)}`);
}

const KEY = fakeKey(901);
const HEX = '3f786850e387550fdab836ed7e6dc881de23001b';

/** Files whose only finding is one the cheap tests could overlook if they were too eager. */
const SHAPES: Array<{ name: string; path: string; text: string; want: string[] }> = [
  { name: 'a base64-encoded key only (consul kv export, one "=" of padding)', path: 'kv.json',
    text: `[{"key": "soc/misp/api_key", "value": "${Buffer.from(`${KEY}\n`).toString('base64')}"}]\n`,
    want: ['plaintext-config-key@1'] },
  { name: 'a base64-encoded key only (two "=" of padding)', path: 'kv.yaml',
    text: `misp:\n  api_key_b64: ${Buffer.from(KEY).toString('base64')}\n`,
    want: ['plaintext-config-key@2'] },
  { name: 'a server entry [url, env, false] only', path: 'servers.json',
    text: '{"misp": [["https://misp.example.org", "${MISP_KEY}", false ]]}\n',
    want: ['tls-verify-disabled@1'] },
  { name: 'nginx setting without "=" (proxy_ssl_verify off)', path: 'misp-proxy.conf',
    text: 'upstream misp_backend { server misp.example.org:443; }\nserver {\n  location / {\n    proxy_pass https://misp_backend;\n    proxy_ssl_verify off;\n  }\n}\n',
    want: ['tls-verify-disabled@5'] },
  { name: 'XML element setting (<misp_verify_ssl>false</...>)', path: 'conf/misp.xml',
    text: '<?xml version="1.0"?>\n<config>\n  <misp_url>https://misp.example.org</misp_url>\n  <misp_verify_ssl>false</misp_verify_ssl>\n</config>\n',
    want: ['tls-verify-disabled@4'] },
  { name: 'Kubernetes env entry named by a later sibling', path: 'deploy.yaml',
    text: 'containers:\n  - name: misp-sync\n    env:\n      - value: "false"\n        name: MISP_SSL_VERIFY\n',
    want: ['tls-verify-disabled@4'] },
  { name: 'YAML value on the line after its key', path: 'misp.yml',
    text: 'misp:\n  url: https://misp.example.org\n  verify_ssl:\n    false\n',
    want: ['tls-verify-disabled@4'] },
  { name: 'properties with a space separator', path: 'misp.properties',
    text: 'misp.url https://misp.example.org\nmisp.ssl.verify false\n',
    want: ['tls-verify-disabled@2'] },
  { name: 'a negation before "check" (skip_cert_check = true)', path: 'misp.ini',
    text: '[misp]\nurl = https://misp.example.org\nskip_cert_check = true\n',
    want: ['tls-verify-disabled@3'] },
  { name: 'curl -k with a MISP URL', path: 'pull.sh',
    text: '#!/bin/sh\ncurl -sk -H "Authorization: $MISP_KEY" https://misp.example.org/events/index\n',
    want: ['tls-verify-disabled@2'] },
  { name: 'PyMISP with ssl off through a variable', path: 'sync.py',
    text: 'from pymisp import PyMISP\nimport os\nVERIFY = False\nmisp = PyMISP(os.environ["MISP_URL"], os.environ["MISP_KEY"], VERIFY)\n',
    want: ['tls-verify-disabled@3'] },
  { name: 'a hex key in a YAML list under its name', path: 'misp.yml',
    text: `misp:\n  url: https://misp.example.org\n  api_keys:\n    - ${HEX}\n`,
    want: ['plaintext-config-key@4'] },
  { name: 'a hex key in a Kubernetes env value named by its sibling', path: 'deploy.yaml',
    text: `containers:\n  - name: misp-sync\n    env:\n      - name: MISP_KEY\n        value: "${HEX}"\n`,
    want: ['plaintext-config-key@5'] },
  { name: 'a key named only by a user pattern, in a file that never says MISP', path: 'ti.env',
    text: `THREAT_INTEL_CRED=${KEY}\n`, want: [] },
  { name: 'a key under a name that says MISP', path: 'settings.py',
    text: `misp_key = "${KEY}"\n`, want: ['hardcoded-key@1'] },
];

describe('prefilter: cheap tests before parsing', () => {
  for (const s of SHAPES) {
    it(`keeps ${s.name}`, () => {
      assert.deepEqual(findings(s.text, s.path, true), s.want);
      assert.deepEqual(findings(s.text, s.path, false), s.want);
    });
  }

  it('a user key-name pattern opens a file that never says MISP', () => {
    const text = `THREAT_INTEL_CRED=${KEY}\n`;
    const got = analyzeText(text, { path: 'ti.env' }, { extraKeyNames: ['threat_intel_cred'] }).findings.map((f) => f.ruleId);
    assert.deepEqual(got, ['plaintext-config-key']);
  });

  it('rules out files that cannot hold a finding', () => {
    const cases: Array<[string, string]> = [
      ['app.py', `import requests\nrequests.get("https://api.example.com", verify=False)\nTOKEN = "${KEY}"\n`],
      ['workflow.yml', `on: push\njobs:\n  build:\n    steps:\n      - uses: actions/checkout@${HEX}\n        env:\n          MISP_KEY: \${{ secrets.MISP_KEY }}\n`],
      ['client.py', 'from pymisp import PyMISP\nmisp = PyMISP(url, key, ssl=True)\nctx = ssl.create_default_context()\n'],
      ['main.go', 'package main\n\nimport (\n\t"crypto/tls"\n\t"fmt"\n)\n\n// MISP client\nvar cfg = &tls.Config{MinVersion: tls.VersionTLS12}\n'],
      // "misp" and "curl" by chance inside integrity hashes: no curl command, no -k.
      ['package-lock.json', '{\n  "packages": {\n    "node_modules/a": {\n      "integrity": "sha512-Rn3eP4vTMgrnAe1DlCRDLyhBmISPzUcCDjmPpNTv2gNSSEqrs7F8b8IHBXen5Eu7RtLh0H/k6blVmUuScUrL/4bi=="\n    }\n  }\n}\n'],
    ];
    for (const [path, text] of cases) {
      assert.equal(mayHaveFindings(text, path, detectFormat(text, path, ''), 0), false, path);
      assert.deepEqual(findings(text, path, false), [], `${path} has no finding either way`);
    }
  });

  it('gives the same findings as the full analysis on every fixture file', function () {
    this.timeout(120_000);
    const differ: string[] = [];
    let checked = 0;
    for (const file of files(FIXTURES)) {
      const text = readFileSync(file, 'utf8');
      const path = relative(FIXTURES, file).split('/').slice(1).join('/');
      const a = findings(text, path, true);
      const b = findings(text, path, false);
      checked++;
      if (a.join() !== b.join()) differ.push(`${path}: with ${a.join()} / without ${b.join()}`);
    }
    assert.ok(checked > 300, `checked ${checked} files`);
    assert.deepEqual(differ, []);
  });

  it('worthAnalysing (the screen scan workers run) passes every fixture file with a finding, a binary text, and not an empty one', () => {
    let passed = 0;
    for (const file of files(FIXTURES)) {
      const text = readFileSync(file, 'utf8');
      const path = relative(FIXTURES, file).split('/').slice(1).join('/');
      if (!analyzeText(text, { path }).findings.length) continue;
      assert.ok(worthAnalysing(text, { path }), path);
      passed++;
    }
    assert.ok(passed > 200, `${passed} files with findings`);
    assert.equal(worthAnalysing('', { path: 'a.py' }), false);
    assert.equal(worthAnalysing('\u0000\u0000\u0000\u0000\u0000misp', { path: 'a.bin' }), true, 'binary content gets its notice');
    assert.equal(worthAnalysing('print("hello")\n', { path: 'a.py' }), false);
  });
  it('formatFamily: config parsers or source lexers', () => {
    assert.equal(formatFamily('a: 1\n', { path: 'x.yml' }), 'config');
    assert.equal(formatFamily('{}', { path: 'x.ipynb' }), 'config');
    assert.equal(formatFamily('x = 1\n', { path: 'x.py' }), 'code');
    assert.equal(formatFamily('# t\n', { path: 'README.md' }), 'code');
  });
});
