import * as assert from 'node:assert/strict';
import { analyzeText, type RuleId } from '../../server/src/core';
import { expectFindings, fakeKey } from './helpers';

const K = fakeKey(21);

/** Real-world shapes: [text with KEY, path, expected rule ids in order of position]. */
const SHAPES: Array<[string, string, RuleId[]]> = [
  ['x-misp: &misp-env\n  MISP_URL: https://misp.example.org\n  MISP_KEY: KEY\nservices:\n  a:\n    environment:\n      <<: *misp-env\n', 'docker-compose.yml', ['plaintext-config-key']],
  ['Run it:\n\n```sh\ndocker run -e MISP_URL=https://misp.example.org -e MISP_KEY=KEY misp/feeder\n```\n', 'README.md', ['key-in-command-line']],
  [JSON.stringify({ cells: [{ cell_type: 'code', metadata: {}, outputs: [], source: ['%env MISP_KEY=KEY\n', 'from pymisp import PyMISP\n'] }], metadata: {} }, null, 1), 'n.ipynb', ['hardcoded-key']],
  ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c\n# misp\n', 'jwt.txt', []],
  ['import requests\ns = requests.Session()\ns.headers.update({"Authorization": "KEY"})\ns.verify = False\ns.get("https://misp.example.org/events/index")\n', 'sess.py', ['hardcoded-key', 'tls-verify-disabled']],
  ['import aiohttp\nasync def f(s):\n    await s.get(f"{MISP_URL}/events/index", ssl=False, headers={"Authorization": MISP_KEY})\n', 'a.py', ['tls-verify-disabled']],
  ['SET MISP_KEY=KEY\ncurl -k -H "Authorization: %MISP_KEY%" https://misp.example.org/events/index\n', 'pull.bat', ['hardcoded-key', 'tls-verify-disabled']],
  ['pipeline {\n  environment {\n    MISP_KEY = "KEY"\n  }\n}\n', 'Jenkinsfile', ['hardcoded-key']],
  ['MISP_KEY := KEY\npull:\n\tcurl -H "Authorization: $(MISP_KEY)" https://misp.example.org/events/index\n', 'Makefile', ['hardcoded-key']],
  ['misp:\n  script: |\n    #!/bin/sh\n    curl -k -H "Authorization: KEY" https://misp.example.org/events/index\n', 'ci.yml', ['tls-verify-disabled', 'key-in-command-line']],
  ['\ufeffmisp_key = "KEY"\n', 'keys.py', ['hardcoded-key']],
  ['import httpx\nclient = httpx.Client(base_url="https://misp.example.org", verify=False, headers={"Authorization": "KEY"})\n', 'h.py', ['tls-verify-disabled', 'hardcoded-key']],
  ['import urllib3\nhttp = urllib3.PoolManager(cert_reqs="CERT_NONE")\nhttp.request("GET", "https://misp.example.org/events/index", headers={"Authorization": "KEY"})\n', 'u.py', ['tls-verify-disabled', 'hardcoded-key']],
  ['misp = PyMISP(ssl=False, key="KEY", url="https://misp.example.org")\n', 'kw.py', ['tls-verify-disabled', 'hardcoded-key']],
  ['misp.url=https://misp.example.org\nmisp.key : KEY\nmisp.ssl.verify : false\n', 'app.properties', ['plaintext-config-key', 'tls-verify-disabled']],
  ['[misp]\nurl: https://misp.example.org\n; comment\nkey: KEY\nverify: false\n', 'config.cfg', ['plaintext-config-key', 'tls-verify-disabled']],
  ['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: misp\ndata:\n  MISP_KEY: KEY\n', 'cm.yaml', ['plaintext-config-key']],
  ['resource "kubernetes_secret" "misp" {\n  data = {\n    api_key = "KEY"\n  }\n}\n', 'k.tf', ['plaintext-config-key']],
  ['val client = MispClient(url = "https://misp.example.org", apiKey = "KEY")\n', 'Main.kt', ['hardcoded-key']],
  ['misp_key = "KEY"\nmisp_key2 = "KEY2"\n', 'keys.py', ['hardcoded-key', 'hardcoded-key']],
  ['{"misp_servers":[{"url":"https://misp.example.org","key":"KEY"}]}', 'servers.json', ['plaintext-config-key']],
  ['headers = {"Authorization": "KEY"}\nrequests.post("https://misp.example.org/events/add", headers=headers)\n', 'add.py', ['hardcoded-key']],
  ['const client = axios.create({ baseURL: "https://misp.example.org", headers: { Authorization: "KEY" }, httpsAgent: new https.Agent({ rejectUnauthorized: false }) });\n', 'c.js', ['hardcoded-key', 'tls-verify-disabled']],
  ['const apiKey = process.env.MISP_KEY || "KEY";\n', 'sync.js', ['hardcoded-key']],
  ['key = os.environ.get("MISP_KEY") or "KEY"\n', 'sync.py', ['hardcoded-key']],
  ['services:\n  misp:\n    environment:\n      - "ADMIN_KEY=${ADMIN_KEY:-KEY}"\n', 'docker-compose.override.yml', ['plaintext-config-key']],
  ['server {\n  location /misp/ {\n    proxy_pass https://misp.internal;\n    proxy_set_header Authorization "KEY";\n    proxy_ssl_verify off;\n  }\n}\n', 'misp-proxy.conf', ['plaintext-config-key', 'tls-verify-disabled']],
  ['play.ws.ssl.loose.disableHostnameVerification = false\nmisp.url = "https://misp.example.org"\n', 'application.conf', []],
  ['FROM python:3.12\nENV MISP_URL https://misp.example.org\nENV MISP_KEY KEY\n', 'Dockerfile', ['plaintext-config-key']],
  ['// MISP client\nconst mispKey: OptionalVersionedTextDocumentIdentifier2 = x;\nlet other: ImportedFromAVeryLongNamespaceAliasTypeName1;\n', 'types.ts', []],
  ['// bundled: misp client + semver\nvar looseOption = Object.freeze({ loose: true });\n', 'bundle.js', []],
  ['export const P = () => (\n  <p>\n    misp_key: KEY\n  </p>\n);\n', 'panel.jsx', ['hardcoded-key']],
  ['import javax.net.ssl.*;\nimport org.apache.http.conn.ssl.NoopHostnameVerifier;\n// MISP client\nclass M {}\n', 'M.java', []],
];

describe('real-world shapes', () => {
  for (const [raw, path, rules] of SHAPES) {
    it(`${path}: ${rules.join(', ') || 'nothing'}`, () => {
      const text = raw.replace(/KEY2/g, fakeKey(22)).replace(/(?<![A-Z_])KEY(?![A-Z_0-9])/g, K);
      const r = analyzeText(text, { path });
      assert.deepEqual(r.findings.map((f) => f.ruleId), rules, JSON.stringify(r.findings.map((f) => [f.ruleId, text.slice(f.start, f.end)])));
      for (const f of r.findings) if (f.ruleId !== 'tls-verify-disabled') assert.ok([K, fakeKey(22)].includes(text.slice(f.start, f.end)));
    });
  }
});

describe('real-world shapes, round 7', () => {
  const KEY = fakeKey(71);
  it('.NET appSettings: <add key="MispAuthKey" value="…"/> and a certificate switch', () => {
    const t = `<configuration>\n  <appSettings>\n    <add key="MispBaseUrl" value="https://misp.example.org/" />\n    <add key="MispAuthKey" value="${KEY}" />\n    <add key="MispIgnoreCertificateErrors" value="true" />\n    <add key="PollMinutes" value="10" />\n  </appSettings>\n</configuration>\n`;
    expectFindings(t, 'App.config', [{ rule: 'plaintext-config-key', line: 4, text: KEY }, { rule: 'tls-verify-disabled', line: 5, text: 'true' }]);
  });
  it('Go struct tags: a default holds the key, the field names it; an insecure default', () => {
    const t = 'package config\n\ntype Config struct {\n\tMispKey      string `envconfig:"MISP_KEY" default:"' + KEY + '"`\n\tMispInsecure bool   `envconfig:"MISP_INSECURE" default:"true"`\n\tRedisAddr    string `default:"localhost:6379"`\n}\n';
    expectFindings(t, 'config.go', [{ rule: 'hardcoded-key', line: 4, text: KEY }, { rule: 'tls-verify-disabled', line: 5, text: 'true' }]);
  });
  it('Clojure: (def misp-key "…") and the clj-http :insecure? option', () => {
    const t = `(ns soc.misp)\n(def misp-key "${KEY}")\n(http/post url {:headers {"Authorization" misp-key} :insecure? true})\n`;
    expectFindings(t, 'misp.clj', [{ rule: 'hardcoded-key', line: 2, text: KEY }, { rule: 'tls-verify-disabled', line: 3, text: 'true' }]);
  });
  it("Perl: $ENV{PERL_LWP_SSL_VERIFY_HOSTNAME} = 0 next to a MISP client", () => {
    expectFindings(`use LWP::UserAgent;\n$ENV{PERL_LWP_SSL_VERIFY_HOSTNAME} = 0;\nmy $url = 'https://misp.example.org';\n`, 'misp.pl', [{ rule: 'tls-verify-disabled', line: 2, text: '0' }]);
  });
  it("MISP's own ssl switch (misp_enable_ssl = False); another component's BROKER_USE_SSL is not MISP's", () => {
    expectFindings(`[MISP]\nmisp_url = https://misp.example.org\nmisp_enable_ssl = False\n`, 'import.ini', [{ rule: 'tls-verify-disabled', line: 3, text: 'False' }]);
    expectFindings(`# MISP sync worker\nCELERY_BROKER_USE_SSL = False\nMISP_URL = "https://misp.example.org"\n`, 'settings.py', []);
  });
  it('Rust concat!(…) fragments over lines', () => {
    const t = `const MISP_KEY: &str = concat!(\n    "${KEY.slice(0, 20)}",\n    "${KEY.slice(20)}"\n);\nfn h() { headers.insert(AUTHORIZATION, HeaderValue::from_static(MISP_KEY)); }\n`;
    expectFindings(t, 'client.rs', [{ rule: 'hardcoded-key', line: 2, text: KEY.slice(0, 20) }]);
  });
  it('a MISP export path without scheme or host, as a debug log prints it', () => {
    const t = `DEBUG:urllib3.connectionpool:https://misp.example.org:443 "GET /events/csv/download/${KEY}/true HTTP/1.1" 403 77\n`;
    expectFindings(t, 'fetch.log', [{ rule: 'key-in-url', line: 1, text: KEY }]);
  });
  it('Grafana: httpHeaderValue1 holds the value of the header httpHeaderName1 names', () => {
    const t = `datasources:\n  - name: MISP\n    url: https://misp.example.org\n    jsonData:\n      httpHeaderName1: Authorization\n    secureJsonData:\n      httpHeaderValue1: ${KEY}\n`;
    expectFindings(t, 'datasources/misp.yaml', [{ rule: 'plaintext-config-key', line: 7, text: KEY }]);
  });
  it('a settings block with no URL of its own belongs to the entry around it (Grafana jsonData)', () => {
    const t = `datasources:\n  - name: MISP\n    url: https://misp.example.org\n    jsonData:\n      tlsSkipVerify: true\n  - name: SOC Elasticsearch\n    url: https://es01.example.org:9200\n    jsonData:\n      index: misp-attributes-*\n      tlsSkipVerify: true\n`;
    expectFindings(t, 'datasources/misp.yaml', [{ rule: 'tls-verify-disabled', line: 5, text: 'true' }]);
  });
  it('MISP cake console: the subcommand names the key; curl -k to Cortex with a MISP URL in the body is not MISP', () => {
    expectFindings(`#!/bin/sh\nCAKE=/var/www/MISP/app/Console/cake\n$CAKE User change_authkey admin@admin.test ${KEY}\n`, 'provision.sh', [{ rule: 'key-in-command-line', line: 3, text: KEY }]);
    const cortex = `#!/bin/sh\nCORTEX=https://cortex.example.org:9001\ncurl -sk -XPOST "$CORTEX/api/organization/analyzer/MISP_2_1" \\\n  -d '{"configuration":{"url":["https://misp.example.org"],"key":["${KEY}"]}}'\n`;
    expectFindings(cortex, 'cortex.sh', [{ rule: 'key-in-command-line', line: 4, text: KEY }]);
  });
  it('C arrays: char misp_key[] = "…"', () => {
    expectFindings(`#include <stdio.h>\n// MISP\nstatic const char misp_key[] = "${KEY}";\n`, 'm.c', [{ rule: 'hardcoded-key', line: 3, text: KEY }]);
  });
});

describe('real-world shapes: layouts', () => {
  const KEY = fakeKey(81);
  it('a PyMISP call formatted by black: the key on its own line', () => {
    expectFindings(`from pymisp import PyMISP\n\nmisp = PyMISP(\n    "https://misp.example.org",\n    "${KEY}",\n    ssl=False,\n)\n`, 'fetch.py', [
      { rule: 'hardcoded-key', line: 5, text: KEY }, { rule: 'tls-verify-disabled', line: 6, text: 'False' }]);
    expectFindings(`from pymisp import ExpandedPyMISP\nmisp = ExpandedPyMISP(\n    "https://misp.example.org",\n    "${KEY}",\n    False,\n)\n`, 'fetch.py', [
      { rule: 'hardcoded-key', line: 4, text: KEY }, { rule: 'tls-verify-disabled', line: 5, text: 'False' }]);
  });
  it('a TOML multi-line string', () => {
    expectFindings(`[misp]\nurl = "https://misp.example.org"\nkey = \"\"\"\n${KEY}\"\"\"\n[other]\nname = "x"\n`, 'config.toml', [{ rule: 'plaintext-config-key', line: 4, text: KEY }]);
  });
  it('classic Mac line ends (CR only): YAML block scalars and PHP heredocs', () => {
    expectFindings(`misp:\r  url: https://misp.example.org\r  key: |\r    ${KEY}\r`, 'values.yaml', [{ rule: 'plaintext-config-key', line: 4, text: KEY }]);
    expectFindings(`<?php\r$misp_key = <<<EOT\r${KEY}\rEOT;\r$url = "https://misp.example.org";\r`, 'a.php', [{ rule: 'hardcoded-key', line: 3, text: KEY }]);
  });
});

