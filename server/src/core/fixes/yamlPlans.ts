/**
 * Env and Vault plans for YAML, by the consumer of the file: Compose, GitHub Actions, GitLab CI, Kubernetes,
 * Helm values, Ansible, Filebeat, Spring; plain YAML read by a program gets a Vault Agent template.
 */
import { isMap, isScalar, isSeq, visit, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { base64Decode } from '../formats/yaml';
import { lineStartAt } from '../text';
import { plainSecretValue } from './literal';
import { envTitle, vaultTitle } from './codePlans';
import { consulTemplate, TEMPLATE_NOTE } from './configRefs';
import { appendBlock, insertLines, nextLineStart } from './edits';
import { yamlDocuments } from './memo';
import type { FixPlan, K8sSecretInfo, KeyCtx, OffsetEdit, VaultRef } from './model';
import { helmSetPath, keyColumn, locatePair, mapEnd, removePairEdits, yamlShellEdit, yamlValueEdit, type Located } from './yamlEdit';
import type { KeyFixData } from '../types';

const SECRET_NAME = 'misp-credentials';

/** The Secret key that holds one variable's value: its name in kebab case (MISP_BACKUP_KEY → misp-backup-key), so keys never share one. */
function secretKey(envVar: string): string {
  return envVar.toLowerCase().replace(/_+/g, '-').replace(/^-+|-+$/g, '') || 'misp-key';
}

/** What a data key is for, ignoring spelling: `misp-api-key`, `MISP_AUTHKEY`, `api_key`, `token` are all "key"; `misp-backup-key` is "backupkey". */
function roleOf(dataKey: string): string {
  const words = dataKey.toLowerCase().split(/[-_.]+/).filter((w) => w && w !== 'misp');
  const joined = words.join('');
  return /^(?:api|auth)?(?:key|token)$/.test(joined) ? 'key' : joined;
}

/** The Kubernetes Secrets a YAML text defines: `kind: Secret` manifests and the targets of ExternalSecrets, with their data keys. */
export function k8sSecretsIn(text: string): K8sSecretInfo[] {
  if (!/^kind:[ \t]*["']?(?:Secret|ExternalSecret)\b/m.test(text)) return [];
  const out: K8sSecretInfo[] = [];
  for (const doc of yamlDocuments(text)) {
    if (doc.errors.length) continue;
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: 100 });
    } catch {
      continue;
    }
    if (!isRecord(js)) continue;
    const meta = isRecord(js.metadata) ? js.metadata : {};
    const spec = isRecord(js.spec) ? js.spec : {};
    if (js.kind === 'Secret' && typeof meta.name === 'string') {
      const values: Record<string, string> = {};
      for (const [k, v] of Object.entries(isRecord(js.data) ? js.data : {})) if (typeof v === 'string') values[k] = base64Decode(v.replace(/\s+/g, '')).replace(/\r?\n$/, '');
      for (const [k, v] of Object.entries(isRecord(js.stringData) ? js.stringData : {})) if (typeof v === 'string') values[k] = v;
      out.push({ name: meta.name, keys: [...Object.keys(isRecord(js.data) ? js.data : {}), ...Object.keys(isRecord(js.stringData) ? js.stringData : {})], manifest: true, values });
    } else if (js.kind === 'ExternalSecret') {
      const target = isRecord(spec.target) && typeof spec.target.name === 'string' ? spec.target.name : meta.name;
      const data = Array.isArray(spec.data) ? spec.data : [];
      if (typeof target === 'string') out.push({ name: target, keys: data.map((d) => (isRecord(d) ? d.secretKey : undefined)).filter((k): k is string => typeof k === 'string'), manifest: false });
    }
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The data key of Secret `secret` a variable's value is read from. */
interface SecretKeyChoice {
  key: string;
  /** A Secret or ExternalSecret already defines it: `here` in this file, or elsewhere in the tree. */
  existing?: 'here' | 'tree';
  /** That Secret's manifest holds this very key there (not only a key of the same name). */
  same?: boolean;
  /** A key of the same role exists but holds another value: this one gets its own data key. */
  taken?: string;
  /** A `kind: Secret` manifest of that name exists (an ExternalSecret filling it must merge). */
  manifest: boolean;
  /** An ExternalSecret elsewhere in the tree already fills the Secret (do not add another). */
  externalElsewhere: boolean;
}

/**
 * The data key for `c.envVar` in Secret `secret`: the one derived from the variable, unless a Secret of
 * that name (in this file, or in the tree per the settings) already has a key for the same role
 * (`misp-api-key` for MISP_KEY): then that one, so the pod finds it.
 */
function secretKeyFor(c: KeyCtx, secret: string): SecretKeyChoice {
  const derived = secretKey(c.envVar);
  const here = k8sSecretsIn(c.text).filter((s) => s.name === secret);
  const tree = (c.settings.k8sSecrets ?? []).filter((s) => s.name === secret);
  const manifest = [...here, ...tree].some((s) => s.manifest);
  const externalElsewhere = tree.some((s) => !s.manifest) && !here.some((s) => !s.manifest);
  const value = plainSecretValue(c.text, c.fix);
  // A manifest value known and different: that data key holds another key, which the pod must not get instead.
  // (An empty or templated value is a slot to fill, not another key.)
  const other = (k: string) => [...here, ...tree].some((s) => { const v = s.values?.[k]; return v !== undefined && /^[A-Za-z0-9]{40}$/.test(v) && v !== value; });
  const holds = (k: string) => [...here, ...tree].some((s) => s.values?.[k] === value);
  let taken: string | undefined;
  for (const [where, infos] of [['here', here], ['tree', tree]] as const) {
    const keys = infos.flatMap((s) => s.keys);
    for (const key of [keys.find((k) => k === derived), keys.find((k) => roleOf(k) === roleOf(derived))]) {
      if (key === undefined) continue;
      if (other(key)) { taken ??= key; continue; }
      return { key, existing: where, same: holds(key), manifest, externalElsewhere };
    }
  }
  if (taken === undefined) return { key: derived, manifest, externalElsewhere };
  const all = new Set([...here, ...tree].flatMap((s) => s.keys));
  let n = 2;
  while (all.has(`${derived}-${n}`)) n++;
  return { key: all.has(derived) ? `${derived}-${n}` : derived, manifest, externalElsewhere, taken };
}

/** The note for a reference to Secret `secret`, key `sk.key`, that a container or chart now reads. */
function secretRefNote(c: KeyCtx, secret: string, sk: SecretKeyChoice, reader: string): string {
  const where = sk.existing === 'here' ? 'in this file' : 'elsewhere in the tree';
  if (sk.existing && sk.same) return `${reader} from the existing Secret ${secret}, key ${sk.key} (defined ${where}), which already holds this key.`;
  if (sk.existing) return `${reader} from the existing Secret ${secret}, key ${sk.key} (defined ${where}); make sure it holds the key that was here.`;
  const create = `create it without committing it, e.g. kubectl create secret generic ${secret} --from-literal=${sk.key}="$${c.envVar}"`;
  if (sk.taken) return `${reader} from Secret ${secret}, key ${sk.key}: the Secret's ${sk.taken} holds a different key, so this one needs its own entry; add it to the existing Secret, e.g. kubectl patch secret ${secret} --type merge -p "{\\"stringData\\":{\\"${sk.key}\\":\\"$${c.envVar}\\"}}" (or to its manifest, kept out of the repository).`;
  return `${reader} from Secret ${secret}, key ${sk.key}; ${create}.`;
}

/**
 * The flavor of the manifest the key is in: a file's flavor describes its first document, so in a file
 * holding a Secret and a Deployment the Deployment's entry is still a container env entry, and the other way round.
 */
function k8sFlavor(text: string, fix: KeyFixData): KeyFixData['flavor'] {
  if (fix.flavor !== 'kubernetes' && fix.flavor !== 'kubernetes-secret') return fix.flavor;
  const loc = locatePair(text, fix.literalStart);
  const kind = loc && isMap(loc.doc.contents) ? loc.doc.contents.get('kind') : undefined;
  if (typeof kind !== 'string') return fix.flavor;
  return kind === 'Secret' ? 'kubernetes-secret' : 'kubernetes';
}

/** Env and Vault plans for a key in a YAML file. */
export function yamlKeyPlans(c: KeyCtx): FixPlan[] {
  const { text, fix } = c;
  const v = c.settings.vault;
  const env = (edits: OffsetEdit[] | undefined, note?: string, envVar = c.envVar): FixPlan[] =>
    edits ? [{ id: 'env', title: envTitle(envVar), edits, storesSecret: true, envVar, note, preferred: true }] : [];
  const vault = (edits: OffsetEdit[] | undefined, note: string): FixPlan[] =>
    edits ? [{ id: 'vault', title: vaultTitle(c), edits, storesSecret: true, vaultRef: { ...v }, note }] : [];
  const ref = (r: string) => [yamlValueEdit(text, fix, r)];
  const flavor = k8sFlavor(text, fix);
  // A base64 value outside a Kubernetes Secret is decoded by whatever reads it: a reference to the plain key
  // would hand that reader the wrong thing (suppress, or re-encode by hand).
  if (fix.encoding && flavor !== 'kubernetes-secret') return [];
  switch (flavor) {
    case 'compose':
      return [
        ...env(ref(`\${${c.envVar}}`), `Compose fills \${${c.envVar}} from the shell or from the .env file next to the compose file; keep that file out of git.`),
        ...vault(ref(`\${${c.envVar}}`), `Compose cannot read Vault itself: the file now reads \${${c.envVar}}; set it from Vault when deploying, e.g. ${c.envVar}="$(vault kv get -field=${v.field} ${v.mount}/${v.path})" docker compose up -d.`),
      ];
    case 'github-actions': {
      const secretNote = `Add a repository or environment secret named ${c.envVar} (Settings → Secrets and variables → Actions).`;
      // In a run: script the secret goes through the step's env: and the script reads the variable (GitHub's hardening advice).
      const run = actionsRunEdits(c);
      if (run) return env(run, `${secretNote} The step passes it to its script through env:, and the script reads $${c.envVar}.`);
      return env(ref(`\${{ secrets.${c.envVar} }}`), secretNote);
    }
    case 'gitlab-ci':
      return env(gitlabEdits(c), `Add ${c.envVar} as a masked (and protected) CI/CD variable in the project or group settings; .gitlab-ci.yml must not hold it.`);
    case 'kubernetes': {
      const sk = secretKeyFor(c, SECRET_NAME);
      const edits = k8sEnvEdits(c, sk.key);
      const what = fix.name ?? 'the variable';
      const envNote = secretRefNote(c, SECRET_NAME, sk, `The container now reads ${what}`);
      const vaultNote = sk.externalElsewhere
        ? `Secret ${SECRET_NAME} is filled from Vault by an ExternalSecret elsewhere in the tree; make sure its entry ${sk.key} reads ${v.mount}/${v.path}, field ${v.field}.`
        : `Secret ${SECRET_NAME} is now filled from Vault by External Secrets Operator (an ExternalSecret is added to this file${sk.manifest ? ', merging into the existing Secret' : ''}); it needs a ClusterSecretStore named vault-backend for the KV v2 mount ${v.mount}.`;
      return [
        ...env(edits, envNote),
        ...vault(edits && [...edits, ...(sk.externalElsewhere ? [] : externalSecret(c, SECRET_NAME, sk.key, sk.manifest))], vaultNote),
      ];
    }
    case 'kubernetes-secret': {
      const loc = locatePair(text, fix.literalStart);
      const removal = loc && removePairEdits(text, loc);
      const name = loc && metadata(loc, 'name');
      if (!removal || !name || !loc.pair.key || !isScalar(loc.pair.key)) return [];
      return vault([...removal, ...externalSecret(c, name, String(loc.pair.key.value), true, metadata(loc, 'namespace'))],
        `A Secret manifest cannot read environment variables. The entry is removed and an ExternalSecret (External Secrets Operator, creationPolicy Merge) puts it back into Secret ${name} from Vault; it needs a ClusterSecretStore named vault-backend for the KV v2 mount ${v.mount}.`);
    }
    case 'helm-values': {
      const sk = secretKeyFor(c, SECRET_NAME);
      const edits = helmEdits(c, sk.key);
      if (edits) {
        return [
          ...env(edits, secretRefNote(c, SECRET_NAME, sk, `The chart now takes ${fix.name ?? 'the variable'} (envFromSecrets)`)),
          ...vault(edits, `The chart now reads the existing Secret ${SECRET_NAME}; fill it from Vault (${v.mount}/${v.path}, field ${v.field}) with External Secrets Operator or the Vault Secrets Operator.`),
        ];
      }
      // No existing-secret hook in these values: leave the value empty and pass it when deploying.
      const path = !fix.embedded && !fix.encoding ? helmSetPath(text, fix.literalStart) : undefined;
      if (!path) return [];
      const empty = [{ start: fix.literalStart, end: fix.literalEnd, newText: '""' }];
      const cmd = (src: string) => `helm upgrade --install RELEASE CHART -f values.yaml --set-string '${path}'="${src}"`;
      return [
        ...env(empty, `Values files cannot read the environment: the value is now empty and is passed at deploy time, e.g. ${cmd(`$${c.envVar}`)}`),
        ...vault(empty, `Values files cannot read Vault: the value is now empty and is passed at deploy time, e.g. ${cmd(`$(vault kv get -field=${v.field} ${v.mount}/${v.path})`)}`),
      ];
    }
    case 'ansible':
      return [
        ...env(ref(`{{ lookup('ansible.builtin.env', '${c.envVar}') }}`), `Ansible reads ${c.envVar} from the environment of the controller; Ansible Vault (ansible-vault encrypt_string) is the other common choice.`),
        ...vault(ref(`{{ lookup('community.hashi_vault.hashi_vault', 'secret=${v.mount}/data/${v.path}:${v.field}') }}`), 'Needs the community.hashi_vault collection; VAULT_ADDR and VAULT_TOKEN (or another auth method) must be set on the controller.'),
      ];
    case 'filebeat':
      return env(ref(`\${${c.envVar}}`), `Filebeat expands \${${c.envVar}} from its environment or from the Filebeat keystore (filebeat keystore add ${c.envVar}).`);
    case 'spring':
      return [
        ...env(ref(`\${${c.envVar}}`), `Spring resolves \${${c.envVar}} from the environment.`),
        ...vault(ref(`\${${v.field}}`), `Spring Cloud Vault exposes the fields of ${v.mount}/${v.path} as properties: add spring-cloud-starter-vault-config and set spring.cloud.vault.kv.backend=${v.mount}, spring.cloud.vault.kv.application-name=${v.path}.`),
      ];
    default:
      if (fix.encoding) return [];
      return vault(ref(consulTemplate(v, fix.quote === '"' ? '"' : '')), `This YAML is read as is by a program, which cannot expand environment variables: ${TEMPLATE_NOTE}`);
  }
}

function metadata(loc: Located, field: string): string | undefined {
  const md = isMap(loc.doc.contents) ? loc.doc.contents.get('metadata', true) : undefined;
  const n = isMap(md) ? md.get(field, true) : undefined;
  return isScalar(n) && typeof n.value === 'string' ? n.value : undefined;
}

/** The `run:` entry of a workflow step whose script holds `offset`, with the step's map and the job's. */
interface RunStep {
  run: Pair;
  scalar: Scalar;
  step: YAMLMap;
  job?: YAMLMap;
  doc: YAMLMap;
}

function findRunStep(text: string, offset: number): RunStep | undefined {
  let found: RunStep | undefined;
  for (const doc of yamlDocuments(text)) {
    if (doc.errors.length || !isMap(doc.contents)) continue;
    const top = doc.contents;
    visit(doc, {
      Pair(_k, pair, path) {
        const v = pair.value;
        if (!isScalar(pair.key) || pair.key.value !== 'run' || !isScalar(v) || !v.range || offset < v.range[0] || offset >= v.range[1]) return undefined;
        const step = path[path.length - 1];
        const seq = path[path.length - 2];
        const job = path[path.length - 4];
        if (!isMap(step) || !isSeq(seq)) return undefined;
        found = { run: pair, scalar: v, step, job: isMap(job) ? job : undefined, doc: top };
        return visit.BREAK;
      },
    });
    if (found) break;
  }
  return found;
}

/** The shell a step's script runs in: the step's `shell:`, else the job's or the workflow's `defaults.run.shell`, else the runner's default. */
function stepShell(r: RunStep): string {
  const str = (m: YAMLMap | undefined, ...keys: string[]): string | undefined => {
    let n: unknown = m;
    for (const k of keys) n = isMap(n) ? n.get(k, true) : undefined;
    return isScalar(n) && typeof n.value === 'string' ? n.value : undefined;
  };
  const shell = str(r.step, 'shell') ?? str(r.job, 'defaults', 'run', 'shell') ?? str(r.doc, 'defaults', 'run', 'shell');
  if (shell) return shell.trim().split(/\s+/)[0];
  const runsOn = r.job?.get('runs-on', true);
  return isScalar(runsOn) && /windows/i.test(String(runsOn.value)) ? 'pwsh' : 'bash';
}

/**
 * A key inside a step's `run:` script: the script reads `$NAME` (quoted for the shell) and the step's
 * `env:` gets `NAME: ${{ secrets.NAME }}`, added to an existing block mapping or as a new one. Undefined
 * where that does not fit (a non-POSIX shell, a flow `env:`, an `env:` entry of that name holding
 * something else): the caller then puts the secret expression in place.
 */
function actionsRunEdits(c: KeyCtx): OffsetEdit[] | undefined {
  const { text, fix, envVar } = c;
  if (fix.encoding) return undefined;
  const r = findRunStep(text, fix.valueStart);
  if (!r || !r.scalar.range || !/^(?:bash|sh)$/.test(stepShell(r))) return undefined;
  const type = r.scalar.type;
  const quote = type === 'BLOCK_LITERAL' ? '|' : type === 'BLOCK_FOLDED' ? '>' : type === 'QUOTE_DOUBLE' ? '"' : type === 'QUOTE_SINGLE' ? "'" : '';
  // The script's own scalar, so that the shell quoting is read from the start of the command.
  const scriptFix: KeyFixData = { ...fix, literalStart: r.scalar.range[0], literalEnd: r.scalar.range[1], quote };
  const script = yamlShellEdit(text, scriptFix, envVar);
  const value = `\${{ secrets.${envVar} }}`;
  const envPair = r.step.items.find((p) => isScalar(p.key) && p.key.value === 'env');
  if (envPair) {
    const m = envPair.value;
    if (!isMap(m) || m.flow || m.items.length === 0) return undefined;
    const same = m.items.find((p) => isScalar(p.key) && p.key.value === envVar);
    if (same) return isScalar(same.value) && String(same.value.value).replace(/\s+/g, ' ') === value ? [script] : undefined;
    return [script, insertLines(text, mapEnd(text, m), [`${' '.repeat(keyColumn(text, m.items[0]))}${envVar}: ${value}`], c.eol)];
  }
  const col = keyColumn(text, r.run);
  const runKey = (r.run.key as { range: number[] }).range[0];
  const lines = [`${' '.repeat(col)}env:`, `${' '.repeat(col + 2)}${envVar}: ${value}`];
  // Before `run:` when it starts its line; after the step when it follows the item's `- `.
  const at = text.slice(lineStartAt(text, runKey), runKey).trim() === '' ? lineStartAt(text, runKey) : mapEnd(text, r.step);
  return [script, insertLines(text, at, lines, c.eol)];
}

/** GitLab: a `variables:` entry named like the CI/CD variable goes away; other places read `$NAME`. */
function gitlabEdits(c: KeyCtx): OffsetEdit[] | undefined {
  const { text, fix } = c;
  const loc = !fix.embedded ? locatePair(text, fix.literalStart) : undefined;
  const key = loc && isScalar(loc.pair.key) ? String(loc.pair.key.value) : undefined;
  const inVariables = loc?.parentPair && isScalar(loc.parentPair.key) && loc.parentPair.key.value === 'variables';
  if (loc && inVariables && key === c.envVar) return removePairEdits(text, loc);
  if (inVariables || !fix.embedded) return [yamlValueEdit(text, fix, `$${c.envVar}`)];
  return [yamlShellEdit(text, fix, c.envVar)];
}

/** Kubernetes container env entry `value: KEY` → `valueFrom.secretKeyRef` to `dataKey` of the Secret. */
function k8sEnvEdits(c: KeyCtx, dataKey: string): OffsetEdit[] | undefined {
  const { text, fix } = c;
  const loc = locatePair(text, fix.literalStart);
  if (!loc || fix.embedded || !isScalar(loc.pair.key) || loc.pair.key.value !== 'value' || !loc.map.has('name')) return undefined;
  const keyStart = (loc.pair.key as { range: number[] }).range[0];
  const end = (loc.pair.value as { range: number[] }).range[1];
  if (loc.map.flow) return [{ start: keyStart, end, newText: `valueFrom: {secretKeyRef: {name: ${SECRET_NAME}, key: ${dataKey}}}` }];
  const col = keyColumn(text, loc.pair);
  const pad = (n: number) => ' '.repeat(col + n);
  return [{ start: keyStart, end, newText: ['valueFrom:', `${pad(2)}secretKeyRef:`, `${pad(4)}name: ${SECRET_NAME}`, `${pad(4)}key: ${dataKey}`].join(c.eol) }];
}

/** Helm values: move `env.NAME: KEY` to a sibling `envFromSecrets` map as an existing-secret reference. */
function helmEdits(c: KeyCtx, dataKey: string): OffsetEdit[] | undefined {
  const { text, fix } = c;
  const loc = locatePair(text, fix.literalStart);
  if (!loc || fix.embedded || !loc.grandMap || !isScalar(loc.pair.key)) return undefined;
  const name = String(loc.pair.key.value);
  const sibling = loc.grandMap.items.find((p) => isScalar(p.key) && /^(envFromSecrets?|secretEnv|envSecrets?)$/.test(String(p.key.value)));
  const target = sibling && isMap(sibling.value) && !sibling.value.flow && sibling.value.items.length ? sibling.value : undefined;
  const removal = removePairEdits(text, loc);
  if (!target || !removal) return undefined;
  const col = keyColumn(text, target.items[0]);
  const pad = (n: number) => ' '.repeat(col + n);
  return [...removal, insertLines(text, mapEnd(text, target), [`${pad(0)}${name}:`, `${pad(2)}name: ${SECRET_NAME}`, `${pad(2)}key: ${dataKey}`], c.eol)];
}

/** An ExternalSecret document appended to the file (once per target secret and key). */
function externalSecret(c: KeyCtx, target: string, secretKey: string, merge: boolean, namespace?: string): OffsetEdit[] {
  const name = target.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  const v: VaultRef = c.settings.vault;
  const entry = [`    - secretKey: ${secretKey}`, '      remoteRef:', `        key: ${v.path}`, `        property: ${v.field}`];
  // One ExternalSecret per target Secret: a second variable becomes another entry of its data.
  const existing = [...c.text.matchAll(/^kind:[ \t]*ExternalSecret[ \t]*\r?$/gm)].map((m) => {
    const end = c.text.slice(m.index!).search(/^---/m);
    return { start: m.index!, body: c.text.slice(m.index!, end < 0 ? c.text.length : m.index! + end) };
  }).find((d) => new RegExp(`^  target:\\s*\\r?\\n    name:[ \\t]*${target}[ \\t]*\\r?$`, 'm').test(d.body));
  if (existing) {
    if (new RegExp(`^    - secretKey:[ \\t]*${secretKey}[ \\t]*\\r?$`, 'm').test(existing.body)) return [];
    const data = /^  data:[ \t]*\r?$/m.exec(existing.body);
    return data ? [insertLines(c.text, nextLineStart(c.text, existing.start + data.index), entry, c.eol)] : [];
  }
  const lines = [
    '---',
    `# misp-guard: Secret ${target} is filled from Vault (KV v2 mount ${v.mount}).`,
    'apiVersion: external-secrets.io/v1beta1',
    'kind: ExternalSecret',
    'metadata:',
    `  name: ${name}`,
    ...(namespace ? [`  namespace: ${namespace}`] : []),
    'spec:',
    '  refreshInterval: 1h',
    '  secretStoreRef:',
    '    kind: ClusterSecretStore',
    '    name: vault-backend',
    '  target:',
    `    name: ${target}`,
    `    creationPolicy: ${merge ? 'Merge' : 'Owner'}`,
    '  data:',
    ...entry,
  ];
  return [appendBlock(c.text, lines, c.eol)];
}
