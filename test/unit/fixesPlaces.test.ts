/**
 * Several different keys at once: each gets a variable and a Vault field of its own (in one file by the
 * builders themselves, across files and stores through KeyPlaces); Kubernetes reuses a Secret's data key;
 * GitHub Actions scripts read the secret through the step's env:. Exact outputs.
 */
import * as assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { analyzeText } from '../../server/src/core';
import { applyEdits, k8sSecretsIn, KeyPlaces, placePlan, planFixes } from '../../server/src/core/fixes';
import { keyRank } from '../../server/src/core/fixes/envName';
import { fixed } from './fixesCheck';
import { fakeKey } from './helpers';

const K = fakeKey(201);
const K2 = fakeKey(202);
const K3 = fakeKey(203);

const envPlan = (path: string, text: string, index: number, settings = {}) => {
  const f = analyzeText(text, { path }).findings[index];
  return { f, plan: planFixes(text, f, settings).find((p) => p.id === 'env')! };
};
const yamlOk = (text: string) => assert.deepEqual(parseAllDocuments(text).flatMap((d) => d.errors.map((e) => e.message)), []);

describe('fix plans: several different keys', () => {
  it('keyRank: order of first appearance among the different keys a name is given', () => {
    const t = `MISP_KEY=${K}\nMISP_KEY=${K2}\nMISP_KEY=${K}\nMISP_KEY: "${K3}"\nOTHER=${K2}\n`;
    assert.equal(keyRank(t, 'MISP_KEY', K, t.indexOf(K)), 1);
    assert.equal(keyRank(t, 'MISP_KEY', K2, t.indexOf(K2)), 2);
    assert.equal(keyRank(t, 'MISP_KEY', K, t.lastIndexOf(K)), 1, 'the same key again keeps its rank');
    assert.equal(keyRank(t, 'MISP_KEY', K3, t.indexOf(K3)), 3);
    assert.equal(keyRank(t, 'OTHER', K2, t.lastIndexOf(K2)), 1);
    assert.equal(keyRank(t, undefined, K2, 0), 1);
  });

  it('a compose file with two services: the second key is MISP_KEY_2 (Vault field api_key_2), and the note says why', () => {
    const t = `services:\n  a:\n    environment:\n      - MISP_KEY=${K}\n  b:\n    environment:\n      - MISP_KEY=${K2}\n`;
    const first = envPlan('docker-compose.yml', t, 0).plan;
    const second = envPlan('docker-compose.yml', t, 1).plan;
    assert.equal(first.title, 'Move MISP key to environment variable MISP_KEY');
    assert.equal(second.title, 'Move MISP key to environment variable MISP_KEY_2');
    assert.equal(second.envVar, 'MISP_KEY_2');
    assert.match(second.note!, / Another key in this file already goes to MISP_KEY, so this one goes to MISP_KEY_2\.$/);
    assert.equal(applyEdits(t, second.edits), t.replace(K2, '${MISP_KEY_2}'));
    const f = analyzeText(t, { path: 'docker-compose.yml' }).findings[1];
    const vault = planFixes(t, f).find((p) => p.id === 'vault')!;
    assert.equal(vault.title, 'Move MISP key to HashiCorp Vault (secret/misp, field api_key_2)');
    assert.deepEqual(vault.vaultRef, { mount: 'secret', path: 'misp', field: 'api_key_2' });
    // An explicit name is numbered the same way.
    assert.equal(envPlan('docker-compose.yml', t, 1, { envVarName: 'MISP_AUTHKEY' }).plan.envVar, 'MISP_AUTHKEY_2');
  });

  it('Python: a live key and an older one commented out under the same name', () => {
    const t = `from pymisp import PyMISP\nmisp_key = "${K}"\n# misp_key = "${K2}"\nmisp = PyMISP("https://misp.example.org", misp_key)\n`;
    assert.equal(envPlan('a.py', t, 0).plan.envVar, 'MISP_KEY');
    const { plan } = envPlan('a.py', t, 1);
    assert.equal(plan.envVar, 'MISP_KEY_2');
    assert.equal(applyEdits(t, plan.edits), t.replace(`"${K2}"`, 'os.environ["MISP_KEY_2"]'));
  });

  it('KeyPlaces: the wanted place when free or holding this key, else the first free numbered one; placePlan plans again', () => {
    const places = new KeyPlaces();
    places.holdsName('MISP_KEY', K3);
    places.holdsName('MISP_KEY_2', K2);
    places.holdsName('EMPTY', '');
    const wanted = { name: 'MISP_KEY', vault: { mount: 'secret', path: 'misp', field: 'api_key' } };
    assert.deepEqual(places.peek(K, wanted), { name: 'MISP_KEY_3', vault: wanted.vault });
    assert.deepEqual(places.peek(K2, wanted).name, 'MISP_KEY_2', 'a name that holds this very key is reused');
    assert.deepEqual(places.peek(K, { ...wanted, name: 'EMPTY' }).name, 'EMPTY', 'an empty entry holds nothing');
    places.holdsVault(wanted.vault, K3);
    assert.deepEqual(places.peek(K, wanted).vault, { ...wanted.vault, field: 'api_key_2' });

    const t = `import requests\nmisp_key = "${K}"\n`;
    const f = analyzeText(t, { path: 'a.py' }).findings[0];
    const env = planFixes(t, f).find((p) => p.id === 'env')!;
    const placed = placePlan(t, f, env, undefined, places);
    assert.ok('id' in placed);
    assert.equal(placed.envVar, 'MISP_KEY_3');
    assert.equal(placed.title, 'Move MISP key to environment variable MISP_KEY_3');
    assert.match(placed.note!, /^MISP_KEY already holds a different key, so this one goes to MISP_KEY_3\.$/);
    assert.equal(applyEdits(t, placed.edits), 'import os\nimport requests\nmisp_key = os.environ["MISP_KEY_3"]\n');
    // Claimed: the same key again gets the same place, another key the next one.
    assert.equal(places.peek(K, wanted).name, 'MISP_KEY_3');
    assert.equal(places.peek(fakeKey(204), wanted).name, 'MISP_KEY_4');
    const vault = placePlan(t, f, planFixes(t, f).find((p) => p.id === 'vault')!, undefined, places);
    assert.ok('id' in vault);
    assert.deepEqual(vault.vaultRef, { mount: 'secret', path: 'misp', field: 'api_key_2' });
    assert.match(applyEdits(t, vault.edits), /\["api_key_2"\]/);
  });

  it('placePlan: where the file fixes the name (a Dockerfile ENV), the file keeps it and the key is stored under the free name', () => {
    const places = new KeyPlaces();
    places.holdsName('MISP_KEY', K3);
    const t = `FROM alpine:3\nENV MISP_KEY=${K}\n`;
    const f = analyzeText(t, { path: 'Dockerfile' }).findings[0];
    const env = planFixes(t, f).find((p) => p.id === 'env')!;
    const placed = placePlan(t, f, env, undefined, places);
    assert.ok('id' in placed);
    assert.equal(placed.envVar, 'MISP_KEY_2');
    assert.deepEqual(placed.edits, env.edits);
    assert.match(placed.note!, /MISP_KEY already holds a different key, so this key is stored as MISP_KEY_2; the file still reads MISP_KEY: set it from MISP_KEY_2 where it runs \(for example MISP_KEY="\$MISP_KEY_2"\)\.$/);
  });
});

describe('fix plans: Kubernetes Secrets that already exist', () => {
  const deployment = (value: string, extra = '') => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: feeder\nspec:\n  template:\n    spec:\n      containers:\n        - name: feeder\n          image: x\n          env:\n            - name: MISP_KEY\n              value: "${value}"\n${extra}`;
  const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: misp-credentials\ntype: Opaque\nstringData:\n  misp-url: https://misp.example.org\n  misp-api-key: ""\n---\n';

  it('k8sSecretsIn: Secret manifests and ExternalSecret targets, with their data keys', () => {
    const es = 'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: misp\nspec:\n  target:\n    name: misp-credentials\n  data:\n    - secretKey: misp-api-key\n      remoteRef: {key: misp, property: api_key}\n';
    assert.deepEqual(k8sSecretsIn(secret + es), [
      { name: 'misp-credentials', keys: ['misp-url', 'misp-api-key'], manifest: true, values: { 'misp-url': 'https://misp.example.org', 'misp-api-key': '' } },
      { name: 'misp-credentials', keys: ['misp-api-key'], manifest: false },
    ]);
    assert.deepEqual(k8sSecretsIn('kind: ConfigMap\n'), []);
  });

  it('a Secret whose key of the same role holds another key: the Deployment gets its own data key, never the other key', () => {
    const other = fakeKey(7001);
    const t = secret.replace('misp-api-key: ""', `misp-api-key: ${other}`) + deployment(K);
    const { f, plan } = envPlan('k8s/feeder.yaml', t, 1);
    assert.equal(t.slice(f.start, f.end), K);
    const out = applyEdits(t, plan.edits);
    assert.match(out, /secretKeyRef:\n {18}name: misp-credentials\n {18}key: misp-key\n/);
    assert.match(plan.note!, /the Secret's misp-api-key holds a different key, so this one needs its own entry/);
    assert.ok(!plan.note!.includes(other) && !plan.note!.includes(K));
    yamlOk(out);
    // The same key there: the reference says it already holds it.
    const same = secret.replace('misp-api-key: ""', `misp-api-key: ${Buffer.from(K).toString('base64')}`).replace('stringData:', 'data:').replace('misp-url: https://misp.example.org', `misp-url: ${Buffer.from('https://misp.example.org').toString('base64')}`) + deployment(K);
    const s2 = envPlan('k8s/feeder.yaml', same, 1).plan;
    assert.match(applyEdits(same, s2.edits), /key: misp-api-key\n/);
    assert.match(s2.note!, /which already holds this key\.$/);
  });

  it('an ExternalSecret in the same file filling the Secret with a key for MISP: the secretKeyRef uses that key, and Vault adds no second entry', () => {
    const es = 'apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: misp\nspec:\n  secretStoreRef: {kind: ClusterSecretStore, name: vault-backend}\n  target:\n    name: misp-credentials\n  data:\n    - secretKey: misp-api-key\n      remoteRef: {key: misp, property: api_key}\n---\n';
    const t = es + deployment(K);
    const { plan } = envPlan('k8s/feeder.yaml', t, 0);
    const out = applyEdits(t, plan.edits);
    assert.equal(out, es + deployment(K).replace(`value: "${K}"`, 'valueFrom:\n                secretKeyRef:\n                  name: misp-credentials\n                  key: misp-api-key'));
    assert.match(plan.note!, /^The container now reads MISP_KEY from the existing Secret misp-credentials, key misp-api-key \(defined in this file\); make sure it holds the key that was here\.$/);
    yamlOk(out);
    const f = analyzeText(t, { path: 'k8s/feeder.yaml' }).findings[0];
    const v = applyEdits(t, planFixes(t, f).find((p) => p.id === 'vault')!.edits);
    assert.equal(v, out, 'the ExternalSecret already has the entry');
  });

  it('a Secret manifest in the same file, before the Deployment: the Deployment\'s entry is still a container env entry, reading the Secret\'s key', () => {
    const t = secret + deployment(K);
    const { plan } = envPlan('k8s/feeder.yaml', t, 0);
    const out = applyEdits(t, plan.edits);
    assert.equal(out, secret + deployment(K).replace(`value: "${K}"`, 'valueFrom:\n                secretKeyRef:\n                  name: misp-credentials\n                  key: misp-api-key'));
    assert.match(plan.note!, /^The container now reads MISP_KEY from the existing Secret misp-credentials, key misp-api-key \(defined in this file\); make sure it holds the key that was here\.$/);
    yamlOk(out);
    const f = analyzeText(t, { path: 'k8s/feeder.yaml' }).findings[0];
    const v = applyEdits(t, planFixes(t, f).find((p) => p.id === 'vault')!.edits);
    assert.match(v, /\n {4}name: misp-credentials\n {4}creationPolicy: Merge\n {2}data:\n {4}- secretKey: misp-api-key\n/);
    yamlOk(v);
  });

  it('a Secret manifest elsewhere: an ExternalSecret added for Vault merges into it', () => {
    const k8sSecrets = k8sSecretsIn(secret);
    const t = deployment(K);
    const f = analyzeText(t, { path: 'k8s/deploy.yaml' }).findings[0];
    const v = applyEdits(t, planFixes(t, f, { k8sSecrets }).find((p) => p.id === 'vault')!.edits);
    assert.match(v, /key: misp-api-key\n[\s\S]*\n {4}creationPolicy: Merge\n {2}data:\n {4}- secretKey: misp-api-key\n/);
    yamlOk(v);
  });

  it('a Secret elsewhere in the tree (from the settings); a second, different key keeps a data key of its own', () => {
    const k8sSecrets = [{ name: 'misp-credentials', keys: ['url', 'authkey'], manifest: true }];
    const t = deployment(K, `            - name: MISP_BACKUP_KEY\n              value: "${K2}"\n`);
    const first = envPlan('k8s/deploy.yaml', t, 0, { k8sSecrets }).plan;
    assert.match(applyEdits(t, first.edits), /name: misp-credentials\n {18}key: authkey\n/);
    assert.match(first.note!, /\(defined elsewhere in the tree\)/);
    const second = envPlan('k8s/deploy.yaml', t, 1, { k8sSecrets }).plan;
    assert.match(applyEdits(t, second.edits), /name: misp-credentials\n {18}key: misp-backup-key\n/);
    assert.match(second.note!, /create it without committing it/);
    // Without a Secret anywhere: the name derived from the variable, as before.
    assert.match(applyEdits(t, envPlan('k8s/deploy.yaml', t, 0).plan.edits), /key: misp-key\n/);
  });
});

describe('fix plans: GitHub Actions run: scripts', () => {
  const wf = (steps: string, runsOn = 'ubuntu-latest') => `name: pull\non: push\njobs:\n  pull:\n    runs-on: ${runsOn}\n    steps:\n${steps}`;

  it('the script reads "$MISP_KEY" and the step gets env: MISP_KEY: ${{ secrets.MISP_KEY }}', () => {
    const t = wf(`      - name: fetch\n        run: |\n          echo start\n          curl -sf -H "Authorization: ${K}" https://misp.example.org/events/index\n`);
    const out = fixed('.github/workflows/a.yml', t, 'env');
    assert.equal(out, wf('      - name: fetch\n        env:\n          MISP_KEY: ${{ secrets.MISP_KEY }}\n        run: |\n          echo start\n          curl -sf -H "Authorization: ${MISP_KEY}" https://misp.example.org/events/index\n'));
    yamlOk(out);
    assert.ok(!out.includes('Authorization: ${{'), 'no secret expression inside the script');
  });

  it('an existing env: mapping is extended; a run: first in its item gets env: after it; single quotes are closed around the variable', () => {
    const t = wf(`      - name: push\n        env:\n          MISP_URL: https://misp.example.org\n        run: |\n          curl -H 'Authorization: ${K}' "$MISP_URL/events/add"\n      - run: curl -H "Authorization:${K}" https://misp.example.org/x\n`);
    const findings = analyzeText(t, { path: '.github/workflows/b.yml' }).findings;
    assert.equal(findings.length, 2);
    const a = fixed('.github/workflows/b.yml', t, 'env', 0);
    assert.match(a, /\n {8}env:\n {10}MISP_URL: https:\/\/misp\.example\.org\n {10}MISP_KEY: \$\{\{ secrets\.MISP_KEY \}\}\n {8}run: \|\n {10}curl -H 'Authorization: '"\$\{MISP_KEY\}" "\$MISP_URL\/events\/add"\n/);
    yamlOk(a);
    const b = fixed('.github/workflows/b.yml', t, 'env', 1);
    assert.match(b, /\n {6}- run: curl -H "Authorization:\$\{MISP_KEY\}" https:\/\/misp\.example\.org\/x\n {8}env:\n {10}MISP_KEY: \$\{\{ secrets\.MISP_KEY \}\}\n$/);
    yamlOk(b);
  });

  it('outside a script, or in a shell other than bash/sh, the secret expression stays in place', () => {
    const win = wf(`      - run: curl -H "Authorization:${K}" https://misp.example.org/x\n`, 'windows-latest');
    assert.match(fixed('.github/workflows/c.yml', win, 'env'), /run: curl -H "Authorization:\$\{\{ secrets\.MISP_KEY \}\}" https/);
    const env = wf(`      - run: python pull.py\n        env:\n          MISP_KEY: ${K}\n`);
    assert.match(fixed('.github/workflows/d.yml', env, 'env'), /\n {10}MISP_KEY: \$\{\{ secrets\.MISP_KEY \}\}\n$/);
  });
});
