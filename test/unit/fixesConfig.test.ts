/**
 * Fix plans for config formats beyond the corpus: each YAML consumer, Terraform, Dockerfile, HOCON, .env,
 * properties, TOML, systemd, nginx, prose; suppression forms; CRLF; settings. Exact outputs where the README shows them.
 */
import * as assert from 'node:assert/strict';
import { analyzeText } from '../../server/src/core';
import { applyEdits, planFixes } from '../../server/src/core/fixes';
import { assertCrlf, describeFile, fixed } from './fixesCheck';
import { fakeKey } from './helpers';

const K = fakeKey(201);
const K2 = fakeKey(202);
const B64 = Buffer.from(K).toString('base64');

const CASES: Array<[string, string]> = [
  ['compose/docker-compose.yml', `services:\n  misp-feeder:\n    image: example/misp-feeder:1\n    environment:\n      MISP_URL: https://misp.example.org\n      MISP_KEY: "${K}"\n`],
  ['.github/workflows/pull.yml', `name: pull\non: push\njobs:\n  pull:\n    runs-on: ubuntu-latest\n    env:\n      MISP_URL: https://misp.example.org\n      MISP_API_KEY: ${K}\n    steps:\n      - run: python pull.py\n`],
  ['ci/.gitlab-ci.yml', `variables:\n  MISP_URL: "https://misp.example.org"\n  MISP_TOKEN_KEY: "${K}"\npull:\n  script:\n    - "curl -H 'Authorization: ${K2}' https://misp.example.org/events/index"\n`],
  ['ci2/.gitlab-ci.yml', `variables:\n  MISP_KEY: "${K}"\npull:\n  script:\n    - python pull.py --misp-key "$MISP_KEY"\n`],
  ['k8s/deploy.yaml', `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: misp-feeder\nspec:\n  template:\n    spec:\n      containers:\n        - name: feeder\n          image: example/misp-feeder:1\n          env:\n            - name: MISP_URL\n              value: https://misp.example.org\n            - name: MISP_KEY\n              value: "${K}"\n            - {name: MISP_BACKUP_KEY, value: "${K2}"}\n`],
  ['k8s/secret.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: misp\ntype: Opaque\ndata:\n  misp-key: ${B64}\n`],
  ['ansible/group_vars/misp.yml', `misp_url: https://misp.example.org\nmisp_api_key: "${K}"\n`],
  ['spring/application.yml', `misp:\n  url: https://misp.example.org\n  api-key: ${K}\n`],
  ['conf/misp.yaml', `misp:\n  url: https://misp.example.org\n  key: ${K}\n  startup: |\n    curl -H "Authorization: ${K2}" https://misp.example.org/servers/getVersion\n`],
  ['tf/main.tf', `variable "misp_api_key" {\n  type    = string\n  default = "${K}"\n}\n\nresource "aws_lambda_function" "misp" {\n  function_name = "misp-feed"\n  environment {\n    variables = {\n      MISP_FEED = "https://misp.example.org/events/csv/download/${K2}"\n    }\n  }\n}\n`],
  ['tf/prod.tfvars', `misp_url     = "https://misp.example.org"\nmisp_api_key = "${K}"\n`],
  ['docker/Dockerfile', `FROM python:3.12-slim\nENV MISP_URL=https://misp.example.org MISP_KEY=${K} MISP_VERIFY=1\nARG MISP_API_KEY=${K2}\nCMD ["misp-feeder"]\n`],
  ['docker2/Dockerfile', `FROM alpine:3\nENV MISP_KEY=${K}\nRUN curl -s -H "Authorization: ${K2}" https://misp.example.org/servers/getVersion\n`],
  ['hocon/application.conf', `misp {\n  url = "https://misp.example.org"\n  feed = "https://misp.example.org/events/csv/download/${K}"\n}\n`],
  ['logstash/misp.conf', `input {\n  http_poller {\n    urls => { misp => { url => "https://misp.example.org/events/index" headers => { "Authorization" => "${K}" } } }\n  }\n}\n`],
  ['spring/application.properties', `misp.url=https://misp.example.org\nmisp.api-key=${K}\n`],
  ['toml/misp.toml', `[misp]\nurl = "https://misp.example.org"\napi_key = '${K}'\n`],
  ['systemd/misp-feeder.service', `[Unit]\nDescription=MISP feeder\n\n[Service]\nExecStart=/usr/bin/misp-feeder --misp-key ${K}\n`],
  ['env/.env', `MISP_URL=https://misp.example.org\nMISP_KEY="${K}"\n# MISP_OLD_KEY=${K2}\n`],
  ['compose2/docker-compose.yml', `services:\n  misp:\n    image: coolacid/misp-docker:core-latest\n    environment:\n      - "ADMIN_KEY=\${ADMIN_KEY:-${K}}"\n`],
  ['nginx/misp.conf', `server {\n  listen 443;\n  location /misp/ {\n    proxy_pass https://misp.example.org/;\n    proxy_set_header Authorization "${K}";\n  }\n}\n`],
  ['docs/README.md', `# MISP sync\n\nSet \`misp_key = "${K}"\` in keys.py.\n`],
  ['.github/workflows/run.yml', `name: pull\non: push\njobs:\n  pull:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11\n      - name: fetch\n        run: |\n          curl -sf -H "Authorization: ${K}" https://misp.example.org/events/index\n      - name: push\n        env:\n          MISP_URL: https://misp.example.org\n        run: "curl -H 'Authorization: ${K2}' $MISP_URL/events/add"\n`],
  ['compose3/docker-compose.yml', `services:\n  a:\n    image: x\n    environment:\n      - MISP_KEY=${K}\n  b:\n    image: y\n    environment:\n      - MISP_KEY=${K2}\n`],
  ['k8s2/feeder.yaml', `apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: misp\nspec:\n  target:\n    name: misp-credentials\n  data:\n    - secretKey: misp-api-key\n      remoteRef: {key: misp, property: api_key}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: feeder\nspec:\n  template:\n    spec:\n      containers:\n        - name: feeder\n          image: x\n          env:\n            - name: MISP_KEY\n              value: "${K}"\n`],
];

describe('fix plans: config formats', () => {
  for (const [path, text] of CASES) describe(path, () => describeFile(path, text, { keys: [K, K2] }));
});

describe('fix plans: config, exact forms', () => {
  const t = (path: string) => CASES.find((c) => c[0] === path)![1];
  it('Compose: ${MISP_KEY}, keeping the scalar quoted', () => {
    assert.match(fixed('compose/docker-compose.yml', t('compose/docker-compose.yml'), 'env'), /\n {6}MISP_KEY: "\$\{MISP_KEY\}"\n$/);
  });
  it('GitHub Actions: ${{ secrets.NAME }}, keeping the name the workflow uses', () => {
    assert.match(fixed('.github/workflows/pull.yml', t('.github/workflows/pull.yml'), 'env'), /\n {6}MISP_API_KEY: \$\{\{ secrets\.MISP_API_KEY \}\}\n/);
  });
  it('GitLab CI: a variable named like the CI/CD variable is removed; others read $NAME; scripts get shell quoting', () => {
    assert.equal(fixed('ci2/.gitlab-ci.yml', t('ci2/.gitlab-ci.yml'), 'env'), `variables: {}\npull:\n  script:\n    - python pull.py --misp-key "$MISP_KEY"\n`);
    assert.equal(fixed('ci/.gitlab-ci.yml', t('ci/.gitlab-ci.yml'), 'env', 0), `variables:\n  MISP_URL: "https://misp.example.org"\npull:\n  script:\n    - "curl -H 'Authorization: ${K2}' https://misp.example.org/events/index"\n`);
    assert.match(fixed('ci/.gitlab-ci.yml', t('ci/.gitlab-ci.yml'), 'env', 1), /- "curl -H 'Authorization: '\\"\$\{MISP_KEY\}\\" https:\/\/misp\.example\.org\/events\/index"\n/);
  });
  it('Kubernetes: value → valueFrom.secretKeyRef (block and flow); Vault adds an ExternalSecret once', () => {
    const out = fixed('k8s/deploy.yaml', t('k8s/deploy.yaml'), 'env', 0);
    assert.match(out, /\n {12}- name: MISP_KEY\n {14}valueFrom:\n {16}secretKeyRef:\n {18}name: misp-credentials\n {18}key: misp-key\n/);
    assert.match(fixed('k8s/deploy.yaml', t('k8s/deploy.yaml'), 'env', 1), /- \{name: MISP_BACKUP_KEY, valueFrom: \{secretKeyRef: \{name: misp-credentials, key: misp-backup-key\}\}\}/, 'each variable gets its own key in the Secret');
    const v1 = fixed('k8s/deploy.yaml', t('k8s/deploy.yaml'), 'vault', 0);
    assert.match(v1, /\n---\n# misp-guard: [^\n]*\napiVersion: external-secrets\.io\/v1beta1\nkind: ExternalSecret\n/);
    const v2 = fixed('k8s/deploy.yaml', v1, 'vault', 0);
    assert.equal((v2.match(/kind: ExternalSecret/g) ?? []).length, 1, 'one ExternalSecret per target Secret');
    assert.match(v2, /\n  data:\n    - secretKey: misp-backup-key\n      remoteRef:\n        key: misp\n        property: api_key\n    - secretKey: misp-key\n/);
  });
  it('Kubernetes Secret: no env plan; Vault removes the entry and merges it back with External Secrets', () => {
    const f = analyzeText(t('k8s/secret.yaml'), { path: 'k8s/secret.yaml' }).findings[0];
    assert.deepEqual(planFixes(t('k8s/secret.yaml'), f).map((p) => p.id), ['vault', 'suppress']);
    const out = fixed('k8s/secret.yaml', t('k8s/secret.yaml'), 'vault');
    assert.match(out, /\ndata: \{\}\n\n---\n/);
    assert.match(out, /target:\n {4}name: misp\n {4}creationPolicy: Merge\n {2}data:\n {4}- secretKey: misp-key\n/);
  });
  it('Ansible: env and hashi_vault lookups', () => {
    assert.match(fixed('ansible/group_vars/misp.yml', t('ansible/group_vars/misp.yml'), 'env'), /misp_api_key: "\{\{ lookup\('ansible\.builtin\.env', 'MISP_KEY'\) \}\}"/);
    assert.match(fixed('ansible/group_vars/misp.yml', t('ansible/group_vars/misp.yml'), 'vault'), /misp_api_key: "\{\{ lookup\('community\.hashi_vault\.hashi_vault', 'secret=secret\/data\/misp:api_key'\) \}\}"/);
  });
  it('Spring YAML and properties: ${MISP_KEY}; Spring Cloud Vault field placeholder', () => {
    assert.match(fixed('spring/application.yml', t('spring/application.yml'), 'env'), /api-key: \$\{MISP_KEY\}\n/);
    assert.match(fixed('spring/application.properties', t('spring/application.properties'), 'vault'), /misp\.api-key=\$\{api_key\}\n/);
  });
  it('plain YAML: a Vault Agent template, quoted; a block scalar is suppressed from its header line', () => {
    assert.match(fixed('conf/misp.yaml', t('conf/misp.yaml'), 'vault', 0), /\n {2}key: '\{\{ with secret "secret\/data\/misp" \}\}\{\{ \.Data\.data\.api_key \}\}\{\{ end \}\}'\n/);
    assert.match(fixed('conf/misp.yaml', t('conf/misp.yaml'), 'suppress', 1), /\n {2}startup: \| {2}# misp-guard-ignore-next-line: key-in-command-line\n/);
  });
  it('Terraform: a variable default goes (sensitive, TF_VAR_*); a literal becomes var.misp_key with the variable added', () => {
    const d = fixed('tf/main.tf', t('tf/main.tf'), 'env', 0);
    assert.match(d, /^variable "misp_api_key" \{\n {2}type {4}= string\n {2}sensitive = true\n\}/);
    const plan = planFixes(t('tf/main.tf'), analyzeText(t('tf/main.tf'), { path: 'tf/main.tf' }).findings[0]).find((p) => p.id === 'env')!;
    assert.equal(plan.envVar, 'TF_VAR_misp_api_key');
    const l = fixed('tf/main.tf', t('tf/main.tf'), 'env', 1);
    assert.match(l, /MISP_FEED = "https:\/\/misp\.example\.org\/events\/csv\/download\/\$\{var\.misp_key\}"/);
    assert.match(l, /\n\nvariable "misp_key" \{\n {2}type {6}= string\n {2}sensitive = true\n\}\n$/);
    assert.match(fixed('tf/main.tf', t('tf/main.tf'), 'vault', 1), /download\/\$\{data\.vault_kv_secret_v2\.misp\.data\["api_key"\]\}"[\s\S]*data "vault_kv_secret_v2" "misp" \{\n {2}mount = "secret"\n {2}name {2}= "misp"\n\}\n$/);
    assert.equal(fixed('tf/prod.tfvars', t('tf/prod.tfvars'), 'env'), 'misp_url     = "https://misp.example.org"\n');
  });
  it('Dockerfile: ENV assignment removed, the rest kept; ARG loses its default; RUN uses a build secret', () => {
    assert.match(fixed('docker/Dockerfile', t('docker/Dockerfile'), 'env', 0), /\nENV MISP_URL=https:\/\/misp\.example\.org MISP_VERIFY=1\n/);
    assert.match(fixed('docker/Dockerfile', t('docker/Dockerfile'), 'env', 1), /\nARG MISP_API_KEY\n/);
    assert.equal(fixed('docker2/Dockerfile', t('docker2/Dockerfile'), 'env', 0), `FROM alpine:3\nRUN curl -s -H "Authorization: ${K2}" https://misp.example.org/servers/getVersion\n`);
    assert.match(fixed('docker2/Dockerfile', t('docker2/Dockerfile'), 'env', 1), /\nRUN --mount=type=secret,id=misp_key curl -s -H "Authorization: \$\(cat \/run\/secrets\/misp_key\)" https/);
  });
  it('Dockerfile: the last line of a continued ENV takes the backslash away from the line before', () => {
    const d = `FROM alpine:3\nENV MISP_URL=https://misp.example.org \\\n    MISP_KEY=${K}\nUSER 1000\n`;
    assert.equal(fixed('Dockerfile', d, 'env'), 'FROM alpine:3\nENV MISP_URL=https://misp.example.org\nUSER 1000\n');
    const m = `FROM alpine:3\nENV MISP_KEY=${K} \\\n    MISP_URL=https://misp.example.org\n`;
    assert.equal(fixed('Dockerfile', m, 'env'), 'FROM alpine:3\nENV \\\n    MISP_URL=https://misp.example.org\n');
  });
  it('HOCON: ${?MISP_KEY} unquoted, concatenated inside a string', () => {
    assert.match(fixed('hocon/application.conf', t('hocon/application.conf'), 'env'), /\n {2}feed = "https:\/\/misp\.example\.org\/events\/csv\/download\/"\$\{\?MISP_KEY\}\n/);
    const plain = 'misp {\n  key = "' + K + '"\n}\n';
    assert.equal(fixed('application.conf', plain, 'env'), 'misp {\n  key = ${?MISP_KEY}\n}\n');
  });
  it('.env, TOML, ini: no env plan, a Vault Agent template with a note saying why', () => {
    const f = analyzeText(t('env/.env'), { path: 'env/.env' }).findings[0];
    const plans = planFixes(t('env/.env'), f);
    assert.deepEqual(plans.map((p) => p.id), ['vault', 'suppress']);
    assert.match(plans[0].note!, /\.env file is where environment variables come from/);
    assert.match(fixed('env/.env', t('env/.env'), 'vault'), /\nMISP_KEY="\{\{ with secret `secret\/data\/misp` \}\}\{\{ \.Data\.data\.api_key \}\}\{\{ end \}\}"\n/);
    assert.match(fixed('toml/misp.toml', t('toml/misp.toml'), 'vault'), /\napi_key = '\{\{ with secret "secret\/data\/misp" \}\}\{\{ \.Data\.data\.api_key \}\}\{\{ end \}\}'\n/);
    assert.match(fixed('env/.env', t('env/.env'), 'suppress'), /\n# misp-guard-ignore-next-line: plaintext-config-key\nMISP_KEY=/);
  });
  it('config comments are redacted; a Compose default after :- is dropped', () => {
    assert.match(fixed('env/.env', t('env/.env'), 'redact', 1), /\n# MISP_OLD_KEY=\[REDACTED\]\n$/);
    assert.match(fixed('compose2/docker-compose.yml', t('compose2/docker-compose.yml'), 'env'), /- "ADMIN_KEY=\$\{ADMIN_KEY\}"\n$/);
  });
  it('systemd ExecStart: ${MISP_KEY}', () => {
    assert.match(fixed('systemd/misp-feeder.service', t('systemd/misp-feeder.service'), 'env'), /ExecStart=\/usr\/bin\/misp-feeder --misp-key \$\{MISP_KEY\}\n/);
  });
  it('prose: redact only', () => {
    assert.match(fixed('docs/README.md', t('docs/README.md'), 'redact'), /misp_key = "\[REDACTED\]"/);
  });
  it('settings: variable name, Vault location and CA bundle are used; bad values fall back to defaults', () => {
    const s = { envVarName: 'MISP_SYNC_KEY', vault: { mount: 'kv', path: 'teams/cti', field: 'misp' } };
    assert.match(fixed('compose/docker-compose.yml', t('compose/docker-compose.yml'), 'env', undefined, s), /MISP_KEY: "\$\{MISP_SYNC_KEY\}"/);
    assert.match(fixed('ansible/group_vars/misp.yml', t('ansible/group_vars/misp.yml'), 'vault', undefined, s), /secret=kv\/data\/teams\/cti:misp/);
    assert.match(fixed('compose/docker-compose.yml', t('compose/docker-compose.yml'), 'env', undefined, { envVarName: 'not a name; rm -rf' }), /\$\{MISP_KEY\}/);
    assert.match(fixed('ansible/group_vars/misp.yml', t('ansible/group_vars/misp.yml'), 'vault', undefined, { vault: { mount: 'a"b', path: '', field: "x'" } }), /secret=secret\/data\/misp:api_key/);
  });
});

describe('fix plans: TLS', () => {
  const cases: Array<[string, string]> = [
    ['a.py', 'from pymisp import PyMISP\nmisp = PyMISP("https://misp.example.org", key, ssl=False)\n'],
    ['b.sh', '#!/bin/sh\ncurl -sk -H "Authorization: $MISP_KEY" https://misp.example.org/events/index\n'],
    ['c.py', 'import ssl, urllib.request\n# MISP export\nctx = ssl._create_unverified_context()\nurllib.request.urlopen("https://misp.example.org/events/index", context=ctx)\n'],
    ['D.cs', '// MISP sync\nvar handler = new HttpClientHandler();\nhandler.ServerCertificateCustomValidationCallback = (m, c, ch, e) => true;\n'],
  ];
  for (const [path, text] of cases) describe(path, () => describeFile(path, text, { settings: { caBundle: '/etc/pki/misp ca.pem' } }));
  it('enables verification or points at the CA bundle', () => {
    const s = { caBundle: '/etc/pki/misp ca.pem' };
    assert.match(fixed('a.py', cases[0][1], 'tls', 0), /ssl=True\)/);
    assert.match(fixed('a.py', cases[0][1], 'tls-ca', 0, s), /ssl="\/etc\/pki\/misp ca\.pem"\)/);
    assert.match(fixed('b.sh', cases[1][1], 'tls', 0), /curl -s -H/);
    assert.match(fixed('b.sh', cases[1][1], 'tls-ca', 0, s), /curl -s --cacert '\/etc\/pki\/misp ca\.pem' -H/);
    assert.match(fixed('c.py', cases[2][1], 'tls', 0), /ctx = ssl\.create_default_context\(\)/);
    assert.equal(fixed('D.cs', cases[3][1], 'tls', 0), '// MISP sync\nvar handler = new HttpClientHandler();\n');
  });
});

describe('fix plans: CRLF files', () => {
  for (const [path, text] of CASES.filter(([p]) => /\.(ya?ml|env|tf|conf|toml|properties)$|Dockerfile$/.test(p))) {
    describe(`${path} (CRLF)`, () => describeFile(path, text.replace(/\n/g, '\r\n'), { keys: [K, K2], crlf: true }));
  }
  it('Python: inserted import lines use CRLF', () => {
    const t = `"""Doc."""\r\nimport pymisp\r\nmisp_key = "${K}"\r\n`;
    const out = fixed('c.py', t, 'vault');
    assert.match(out, /^"""Doc\."""\r\nimport hvac\r\nimport os\r\nimport pymisp\r\n/);
    assertCrlf(out);
    const f = analyzeText(t, { path: 'c.py' }).findings[0];
    assertCrlf(applyEdits(t, planFixes(t, f).find((p) => p.id === 'suppress')!.edits));
  });
});

describe('fix plans: suppression forms and guards', () => {
  const sup = (path: string, text: string, index = 0) => fixed(path, text, 'suppress', index);
  it('JSX text: a file-level directive (no // inside JSX)', () => {
    const t = `// MISP panel\nexport const P = () => (\n  <p>\n    misp_key: ${K}\n  </p>\n);\n`;
    assert.equal(analyzeText(t, { path: 'p.jsx' }).findings.length, 1);
    assert.match(sup('p.jsx', t), /^\/\/ misp-guard-ignore-file: hardcoded-key\n\/\/ MISP panel/);
  });
  it('JSON with comments gets a // line; plain JSON a "//" member; where the object has one, a file-level member at the top', () => {
    const jsonc = `{\n  // MISP connection\n  "misp": {\n    "url": "https://misp.example.org",\n    "key": "${K}"\n  }\n}\n`;
    assert.match(sup('settings.json', jsonc), /\n {4}\/\/ misp-guard-ignore-next-line: plaintext-config-key\n {4}"key"/);
    const json = `{\n  "misp": {\n    "url": "https://misp.example.org",\n    "key": "${K}"\n  }\n}\n`;
    const once = sup('c.json', json);
    assert.match(once, /\n {4}"\/\/": "misp-guard-ignore-next-line: plaintext-config-key",\n {4}"key"/);
    assert.doesNotThrow(() => JSON.parse(once));
    const twice = `{\n  "misp": {\n    "//": "note",\n    "key": "${K}"\n  }\n}\n`;
    const f = analyzeText(twice, { path: 'c.json' }).findings[0];
    const file = planFixes(twice, f).find((p) => p.id === 'suppress')!;
    const out = applyEdits(twice, file.edits);
    assert.equal(out, `{\n  "//": "misp-guard-ignore-file: plaintext-config-key",\n  "misp": {\n    "//": "note",\n    "key": "${K}"\n  }\n}\n`);
    assert.deepEqual(analyzeText(out, { path: 'c.json' }).findings, []);
    const full = `{\n  "//": "top",\n  "misp": {\n    "//": "note",\n    "key": "${K}"\n  }\n}\n`;
    const g = analyzeText(full, { path: 'c.json' }).findings[0];
    assert.ok(!planFixes(full, g).some((p) => p.id === 'suppress'), 'no second "//" member in any object');
  });
  it('JSON: a key in an array shared with other values gets a file-level "//" member', () => {
    const t = `{\n  "servers": [\n    ["https://misp.example.org", "${K}", true]\n  ]\n}\n`;
    const f = analyzeText(t, { path: 'puller.json' }).findings[0];
    const p = planFixes(t, f).find((x) => x.id === 'suppress')!;
    const out = applyEdits(t, p.edits);
    assert.doesNotThrow(() => JSON.parse(out));
    assert.match(out, /^\{\n  "\/\/": "misp-guard-ignore-file: plaintext-config-key",\n  "servers"/);
    assert.deepEqual(analyzeText(out, { path: 'puller.json' }).findings, []);
  });
  it('Python: inside a multi-line string the directive covers the file', () => {
    assert.match(sup('t.py', `import pymisp\nCONFIG = """\n[misp]\nkey = ${K}\n"""\n`), /^# misp-guard-ignore-file: hardcoded-key\nimport pymisp\n/);
  });
  it('Markdown: an HTML comment, file-level inside a code fence', () => {
    assert.match(sup('a.md', `# MISP\n\nmisp_key = "${K}"\n`), /misp_key = "[A-Za-z0-9]{40}" <!-- misp-guard-ignore: hardcoded-key -->\n$/);
    assert.match(sup('b.md', `# MISP\n\n\`\`\`python\nmisp_key = "${K}"\n\`\`\`\n`), /^<!-- misp-guard-ignore-file: hardcoded-key -->\n# MISP/);
  });
  it('stale finding data (an older text) gives no plan', () => {
    const t = `import pymisp\nmisp_key = "${K}"\n`;
    const f = analyzeText(t, { path: 'a.py' }).findings[0];
    assert.deepEqual(planFixes(`# changed\n${t}`, f), []);
    assert.deepEqual(planFixes('', f), []);
  });
  it('titles and notes never hold the key, even when a setting does', () => {
    const t = `import pymisp\nmisp_key = "${K}"\n`;
    const f = analyzeText(t, { path: 'a.py' }).findings[0];
    for (const p of planFixes(t, f, { caBundle: `/etc/${K2}.pem`, vault: { mount: K2, path: 'misp', field: 'api_key' } })) {
      assert.ok(!p.title.includes(K2) && !(p.note ?? '').includes(K2), p.title);
    }
  });
});

describe('fix plans: TOML multi-line strings and CR-only files', () => {
  const toml = `[misp]\nurl = "https://misp.example.org"\nkey = \"\"\"\n${K}\"\"\"\n`;
  describe('config.toml (multi-line string)', () => describeFile('config.toml', toml, { keys: [K] }));
  const cr = `misp:\r  url: https://misp.example.org\r  key: ${K}\r  verify_ssl: false\r`;
  describe('values.yaml (CR line ends)', () => describeFile('values.yaml', cr, { keys: [K] }));
});

