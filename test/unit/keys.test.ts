import * as assert from 'node:assert/strict';
import { expectFindings, fakeKey } from './helpers';

const K = fakeKey(1);
const K2 = fakeKey(2);

describe('key rules: program source (hardcoded-key)', () => {
  it('Python assignment, PyMISP keys.py and positional PyMISP arguments', () => {
    expectFindings(`misp_url = 'https://misp.example.org'\nmisp_key = '${K}'\nmisp_verifycert = True\n`, 'keys.py', [{ rule: 'hardcoded-key', line: 2, text: K }]);
    expectFindings(`from pymisp import PyMISP\nmisp = PyMISP("https://misp.local", "${K}", False)\n`, 'a.py', [
      { rule: 'hardcoded-key', line: 2, text: K }, { rule: 'tls-verify-disabled', line: 2, text: 'False' }]);
  });
  it('a key assigned to a neutral variable and used later as the PyMISP key', () => {
    expectFindings(`from pymisp import ExpandedPyMISP\nk = "${K}"\nm = ExpandedPyMISP(url, k, ssl=False)\n`, 'b.py', [
      { rule: 'hardcoded-key', line: 2, text: K }, { rule: 'tls-verify-disabled', line: 3, text: 'False' }]);
  });
  it('a key split across concatenated literals is reported on the first fragment', () => {
    const t = `import pymisp\nMISP_KEY = ("${K.slice(0, 22)}"\n            "${K.slice(22)}")\n`;
    expectFindings(t, 'split.py', [{ rule: 'hardcoded-key', line: 2, text: K.slice(0, 22) }]);
    const js = `// misp client\nconst mispKey = '${K.slice(0, 10)}' +\n  '${K.slice(10)}';\n`;
    expectFindings(js, 'split.js', [{ rule: 'hardcoded-key', line: 2, text: K.slice(0, 10) }]);
    const php = `<?php\n$mispKey = '${K.slice(0, 30)}' . '${K.slice(30)}';\n`;
    expectFindings(php, 'split.php', [{ rule: 'hardcoded-key', line: 2, text: K.slice(0, 30) }]);
  });
  it('commented-out code counts', () => {
    expectFindings(`import pymisp\n# misp_key = '${K}'\nmisp_key = os.environ['MISP_KEY']\n`, 'c.py', [{ rule: 'hardcoded-key', line: 2, text: K }]);
  });
  it('a key inside a multi-line string', () => {
    const t = `CONFIG = """\n[misp]\nurl = https://misp.example.org\nkey = ${K}\n"""\n`;
    expectFindings(t, 'cfg.py', [{ rule: 'hardcoded-key', line: 4, text: K }]);
  });
  it('JavaScript/TypeScript objects, headers and template literals', () => {
    expectFindings(`const misp = { url: 'https://misp.example.org', apiKey: '${K}' };\n`, 'a.ts', [{ rule: 'hardcoded-key', line: 1, text: K }]);
    expectFindings(`await fetch(\`\${base}/events/restSearch\`, { headers: { 'Authorization': "${K}" } });\n`, 'b.js', [{ rule: 'hardcoded-key', line: 1, text: K }]);
    expectFindings(`const h = {\n  Authorization: \`${K}\`,\n};\nfetch('https://misp.example.org/attributes/restSearch', { headers: h });\n`, 'c.mjs', [{ rule: 'hardcoded-key', line: 2, text: K }]);
  });
  it('Go, Java, C#, Ruby, PHP, PowerShell, Kotlin, Rust', () => {
    expectFindings(`package misp\nfunc f(req *http.Request) {\n\treq.Header.Set("Authorization", "${K}")\n}\n`, 'misp.go', [{ rule: 'hardcoded-key', line: 3, text: K }]);
    expectFindings(`class MispClient {\n  private static final String AUTH = "${K}";\n  void c() { con.setRequestProperty("Authorization", AUTH); }\n}\n`, 'MispClient.java', [{ rule: 'hardcoded-key', line: 2, text: K }]);
    expectFindings(`// MISP sync\nclient.DefaultRequestHeaders.Add("Authorization", "${K}");\n`, 'Sync.cs', [{ rule: 'hardcoded-key', line: 2, text: K }]);
    expectFindings(`require "misp"\nMISP.configure do |config|\n  config.api_key = "${K}"\nend\n`, 'setup.rb', [{ rule: 'hardcoded-key', line: 3, text: K }]);
    expectFindings(`<?php\ndefine('MISP_KEY', '${K}');\n`, 'conf.php', [{ rule: 'hardcoded-key', line: 2, text: K }]);
    expectFindings(`$MispKey = "${K}"\nInvoke-RestMethod -Uri "https://misp.example.org/events/index" -Headers @{ Authorization = $MispKey }\n`, 'pull.ps1', [{ rule: 'hardcoded-key', line: 1, text: K }]);
    expectFindings(`val mispApiKey = "${K}"\n`, 'Misp.kt', [{ rule: 'hardcoded-key', line: 1, text: K }]);
    expectFindings(`// talks to MISP\nconst MISP_KEY: &str = "${K}";\n`, 'main.rs', [{ rule: 'hardcoded-key', line: 2, text: K }]);
  });
  it('a key in a shell variable is hard-coded; on a command line it is key-in-command-line', () => {
    expectFindings(`#!/bin/sh\nexport MISP_KEY=${K}\ncurl -H "Authorization: $MISP_KEY" https://misp.example.org/events/index\n`, 'run.sh', [{ rule: 'hardcoded-key', line: 2, text: K }]);
    expectFindings(`#!/bin/bash\ncurl -s \\\n  -H "Authorization: ${K}" \\\n  https://misp.example.org/events/restSearch\n`, 'pull.sh', [{ rule: 'key-in-command-line', line: 3, text: K }]);
    expectFindings(`misp-feeder --misp-url https://misp.example.org --misp-key ${K} --out x\n`, 'cron.sh', [{ rule: 'key-in-command-line', line: 1, text: K }]);
    // A `;` inside an earlier argument (a cookie, form data) separates no statements.
    expectFindings(`curl -s -b "session=abc; lang=en" -d 'a=1;b=2' -H "Authorization: ${K}" https://misp.example.org/events/index\n`, 'pull.sh', [{ rule: 'key-in-command-line', line: 1, text: K }]);
    expectFindings(`cd /opt/misp; MISP_KEY=${K} ./pull.sh\n`, 'run.sh', [{ rule: 'hardcoded-key', line: 1, text: K }]);
  });
  it('a command string inside program source is key-in-command-line', () => {
    expectFindings(`import os\nos.system("curl -H 'Authorization: ${K}' https://misp.example.org/events/index")\n`, 'x.py', [{ rule: 'key-in-command-line', line: 2, text: K }]);
  });
});

describe('key rules: config files (plaintext-config-key)', () => {
  it('.env, quoted and bare, with export', () => {
    expectFindings(`# misp-docker\nADMIN_KEY=${K}\nexport MISP_KEY="${K2}"\nBASE_URL=https://misp.example.org\n`, '.env', [
      { rule: 'plaintext-config-key', line: 2, text: K }, { rule: 'plaintext-config-key', line: 3, text: K2 }], 'dotenv');
  });
  it('ini sections', () => {
    expectFindings(`[misp]\nurl = https://misp.example.org\nkey = ${K}\n\n[s3]\nsecret_key = ${K2}\n`, 'karton.ini', [{ rule: 'plaintext-config-key', line: 3, text: K }]);
  });
  it('YAML: compose list, GitLab variables, Helm values, Kubernetes env name/value', () => {
    expectFindings(`services:\n  misp-connector:\n    image: opencti/connector-misp\n    environment:\n      - MISP_URL=https://misp.example.org\n      - "MISP_KEY=${K}"\n`, 'docker-compose.yml', [{ rule: 'plaintext-config-key', line: 6, text: K }]);
    expectFindings(`spec:\n  containers:\n    - name: misp-sync\n      env:\n        - name: MISP_API_KEY\n          value: ${K}\n`, 'deploy.yaml', [{ rule: 'plaintext-config-key', line: 6, text: K }]);
  });
  it('Kubernetes Secret base64 data is decoded', () => {
    const b64 = Buffer.from(K).toString('base64');
    expectFindings(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: misp-credentials\ndata:\n  api-key: ${b64}\n`, 'secret.yaml', [{ rule: 'plaintext-config-key', line: 6, text: b64 }]);
  });
  it('CI scripts are command lines', () => {
    expectFindings(`jobs:\n  pull:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          curl -H "Authorization: ${K}" https://misp.example.org/events/index\n`, '.github/workflows/pull.yml', [{ rule: 'key-in-command-line', line: 6, text: K }]);
  });
  it('JSON, TOML (incl. inline tables), HOCON, properties, Terraform, XML, Logstash', () => {
    expectFindings(`{\n  "misp": {\n    "url": "https://misp.example.org",\n    "authkey": "${K}"\n  }\n}\n`, 'config.json', [{ rule: 'plaintext-config-key', line: 4, text: K }]);
    expectFindings(`[feeds]\nmisp = { url = "https://misp.example.org", key = "${K}" }\n`, 'feeds.toml', [{ rule: 'plaintext-config-key', line: 2, text: K }]);
    expectFindings(`misp {\n  servers = [{\n    name = "x"\n    auth { type = key, key = "${K}" }\n  }]\n}\n`, 'application.conf', [{ rule: 'plaintext-config-key', line: 4, text: K }], 'plaintext');
    expectFindings(`misp.api.key=${K}\nmisp.api.url=https://misp.example.org\n`, 'application.properties', [{ rule: 'plaintext-config-key', line: 1, text: K }]);
    expectFindings(`variable "misp_api_key" {\n  type    = string\n  default = "${K}"\n}\n`, 'main.tf', [{ rule: 'plaintext-config-key', line: 3, text: K }]);
    expectFindings(`<ossec_config>\n  <integration>\n    <name>custom-misp</name>\n    <api_key>${K}</api_key>\n  </integration>\n</ossec_config>\n`, 'ossec.conf.xml', [{ rule: 'plaintext-config-key', line: 4, text: K }]);
    expectFindings(`input {\n  http_poller {\n    urls => {\n      misp => {\n        url => "https://misp.example.org/attributes/restSearch"\n        headers => { "Authorization" => "${K}" }\n      }\n    }\n  }\n}\n`, 'misp.conf', [{ rule: 'plaintext-config-key', line: 6, text: K }]);
  });
  it('systemd units: Environment is config, ExecStart is a command line', () => {
    expectFindings(`[Unit]\nDescription=MISP feed pusher\n[Service]\nEnvironment=MISP_KEY=${K}\nExecStart=/usr/local/bin/misp-push --misp-key ${K2}\n`, 'misp-push.service', [
      { rule: 'plaintext-config-key', line: 4, text: K }, { rule: 'key-in-command-line', line: 5, text: K2 }]);
  });
  it('Dockerfile ENV and ARG are config; RUN is a command line', () => {
    expectFindings(`FROM python:3.12\nARG MISP_KEY=${K}\nRUN curl -H "Authorization: ${K2}" https://misp.example.org/servers/getVersion\n`, 'Dockerfile', [
      { rule: 'plaintext-config-key', line: 2, text: K }, { rule: 'key-in-command-line', line: 3, text: K2 }]);
  });
});

describe('key rules: URLs and notebooks', () => {
  it('legacy export URLs and authkey query parameters', () => {
    expectFindings(`sources:\n  - https://misp.example.org/events/nids/suricata/download/${K}\n`, 'update.yaml', [{ rule: 'key-in-url', line: 2, text: K }]);
    expectFindings(`FEED = "https://misp.example.org/attributes/text/download/ip-dst?authkey=${K}"\n`, 'feed.py', [{ rule: 'key-in-url', line: 1, text: K }]);
    // A URL after a curl flag: the message names no flag as the key's name.
    const [tls, url] = expectFindings(`curl -sk "https://misp.example.org/attributes/text/download/ip-src/${K}"\n`, 'pull.sh', [{ rule: 'tls-verify-disabled', line: 1, text: '-sk' }, { rule: 'key-in-url', line: 1, text: K }]);
    assert.ok(tls.message.includes('-sk'));
    assert.equal(url.message, `MISP API key inside a URL: ${K.slice(0, 4)}…`);
  });
  it('notebook sources (escaped quotes) and outputs', () => {
    const nb = JSON.stringify({
      cells: [
        { cell_type: 'code', metadata: {}, outputs: [], source: ['from pymisp import PyMISP\n', `misp = PyMISP("https://misp.example.org", "${K}", False)\n`] },
        { cell_type: 'code', metadata: {}, outputs: [{ output_type: 'stream', name: 'stdout', text: ['headers sent:\n', `{'Authorization': '${K2}'}\n`] }], source: ['misp.search()'] },
      ],
      metadata: { kernelspec: { language: 'python' } }, nbformat: 4, nbformat_minor: 5,
    }, null, 1);
    expectFindings(nb, 'triage.ipynb', [
      { rule: 'hardcoded-key', line: nb.split('\n').findIndex((l) => l.includes(K)) + 1, text: K },
      { rule: 'tls-verify-disabled', line: nb.split('\n').findIndex((l) => l.includes(K)) + 1, text: 'False' },
      { rule: 'key-in-notebook-output', line: nb.split('\n').findIndex((l) => l.includes(K2)) + 1, text: K2 },
    ], 'json');
  });
  it('a key coloured by ANSI codes in a saved traceback (ESC[38;5;124mKEY) is found, raw and decoded', () => {
    const nb = JSON.stringify({ cells: [{ cell_type: 'code', metadata: {}, source: ['import pymisp\n'], outputs: [{ output_type: 'error', ename: 'E', evalue: 'x', traceback: [`PyMISP(\u001b[38;5;124m'\u001b[39m\u001b[38;5;124m${K}\u001b[39m)`] }] }], metadata: {} }, null, 1);
    expectFindings(nb, 'n.ipynb', [{ rule: 'key-in-notebook-output', line: nb.split('\n').findIndex((l) => l.includes(K)) + 1, text: K }]);
    expectFindings(`# PyMISP log\nmisp_key = \u001b[1m${K}\u001b[0m\n`, 'session.log', [{ rule: 'plaintext-config-key', line: 2, text: K }]);
    // Without the escape, "124mKEY" is one longer token.
    expectFindings(`# PyMISP\nmisp_key = 124m${K}\n`, 'x.txt', []);
  });
  it('an escape sequence right before the key does not hide it', () => {
    const nb = JSON.stringify({ cells: [{ cell_type: 'code', metadata: {}, source: ['import pymisp\n'], outputs: [{ output_type: 'stream', name: 'stdout', text: [`auth key:\n${K}\n`] }] }], metadata: {} }, null, 1);
    expectFindings(nb, 'n.ipynb', [{ rule: 'key-in-notebook-output', line: nb.split('\n').findIndex((l) => l.includes(K)) + 1, text: K }]);
  });
});
