/**
 * Env and Vault plans for line and brace configs: .env, ini, properties, TOML, JSON, HOCON, Logstash, XML.
 * Where the consumer cannot expand variables the Vault plan turns the file into a Vault Agent template.
 */
import { lineEndAt, lineStartAt } from '../text';
import type { VaultRef } from './model';
import { envTitle, vaultTitle } from './codePlans';
import { deleteLine } from './edits';
import type { FixPlan, KeyCtx, OffsetEdit } from './model';

/** What a template plan asks of the user. */
export const TEMPLATE_NOTE = 'render it with Vault Agent or consul-template (keep this template in git and the rendered file, which holds the key, out of it).';

/**
 * A Vault Agent / consul-template reference to the key. Inside a double-quoted host string the secret path
 * uses a Go raw string (backquotes), so no quote needs escaping and the host file stays valid.
 */
export function consulTemplate(v: VaultRef, hostQuote: '"' | "'" | ''): string {
  const q = hostQuote === '"' ? '`' : '"';
  const field = /^[A-Za-z_]\w*$/.test(v.field) ? `.Data.data.${v.field}` : `index .Data.data ${q}${v.field}${q}`;
  return `{{ with secret ${q}${v.mount}/data/${v.path}${q} }}{{ ${field} }}{{ end }}`;
}

function plan(c: KeyCtx, id: 'env' | 'vault', edits: OffsetEdit[], note: string, preferred = id === 'env'): FixPlan {
  return id === 'env'
    ? { id, title: envTitle(c.envVar), edits, storesSecret: true, envVar: c.envVar, note, preferred }
    : { id, title: vaultTitle(c), edits, storesSecret: true, vaultRef: { ...c.settings.vault }, note };
}

const keyRange = (c: KeyCtx) => ({ start: c.fix.valueStart, end: c.fix.valueStart + 40 });

/** Replaces the key characters inside a quoted value; a bare value is quoted whole with `bareQuote`. */
function valueEdit(c: KeyCtx, ref: string, bareQuote: string): OffsetEdit {
  const { text, fix } = c;
  if (fix.quote) return { ...keyRange(c), newText: ref };
  const whole = text.slice(fix.literalStart, fix.valueStart) + ref + text.slice(fix.valueStart + 40, fix.literalEnd);
  return { start: fix.literalStart, end: fix.literalEnd, newText: bareQuote + whole + bareQuote };
}

/** Plans for line and brace configs (not YAML, Terraform or Dockerfile). */
export function configKeyPlans(c: KeyCtx): FixPlan[] {
  const { fix } = c;
  const v = c.settings.vault;
  const hostQ = (fix.quote.startsWith('"') ? '"' : fix.quote.startsWith("'") ? "'" : '') as '"' | "'" | '';
  switch (fix.format) {
    case 'dotenv': {
      const tpl = consulTemplate(v, hostQ || "'");
      const edit = hostQ ? { ...keyRange(c), newText: tpl } : { start: fix.literalStart, end: fix.literalEnd, newText: `'${c.text.slice(fix.literalStart, fix.valueStart)}${tpl}${c.text.slice(fix.valueStart + 40, fix.literalEnd)}'` };
      if (!hostQ && c.text.slice(fix.literalStart, fix.literalEnd).includes("'")) return [];
      return [plan(c, 'vault', [edit], `A .env file is where environment variables come from, so it cannot point at one: ${TEMPLATE_NOTE}`)];
    }
    case 'ini':
      if (fix.flavor === 'systemd') return systemdPlans(c);
      if (fix.flavor === 'fluent-bit') {
        return [
          plan(c, 'env', [{ ...keyRange(c), newText: `\${${c.envVar}}` }], `Fluent Bit expands \${${c.envVar}} from its environment when it reads the configuration.`),
          plan(c, 'vault', [{ ...keyRange(c), newText: consulTemplate(v, '') }], `Or ${TEMPLATE_NOTE}`),
        ];
      }
      return [plan(c, 'vault', [{ ...keyRange(c), newText: consulTemplate(v, '') }], `Plain .ini files have no interpolation, so the key cannot come from an environment variable: ${TEMPLATE_NOTE}`)];
    case 'properties':
      return [
        plan(c, 'env', [{ ...keyRange(c), newText: `\${${c.envVar}}` }], fix.flavor === 'spring'
          ? `Spring resolves \${${c.envVar}} from the environment.`
          : `\${${c.envVar}} is resolved by Spring, Quarkus, Micronaut and other frameworks with property placeholders, not by a bare java.util.Properties reader; use the Vault fix then.`, fix.flavor === 'spring'),
        fix.flavor === 'spring'
          ? plan(c, 'vault', [{ ...keyRange(c), newText: `\${${v.field}}` }], `Spring Cloud Vault exposes the fields of ${v.mount}/${v.path} as properties: add spring-cloud-starter-vault-config and set spring.cloud.vault.kv.backend=${v.mount}, spring.cloud.vault.kv.application-name=${v.path}.`)
          : plan(c, 'vault', [{ ...keyRange(c), newText: consulTemplate(v, '') }], `Or, for a program that reads the file as is: ${TEMPLATE_NOTE}`),
      ];
    case 'toml':
      return [plan(c, 'vault', [valueEdit(c, consulTemplate(v, hostQ), '"')], `TOML has no interpolation, so the key cannot come from an environment variable: ${TEMPLATE_NOTE}`)];
    case 'json':
      return [plan(c, 'vault', [valueEdit(c, consulTemplate(v, '"'), '"')], `JSON has no interpolation, so the key cannot come from an environment variable: ${TEMPLATE_NOTE}`)];
    case 'xml':
      return [plan(c, 'vault', [{ ...keyRange(c), newText: consulTemplate(v, '"') }], `XML config has no standard interpolation: ${TEMPLATE_NOTE}`)];
    case 'hocon':
      return [
        plan(c, 'env', [hoconEnvEdit(c)], `\${?${c.envVar}} is HOCON's optional environment substitution (unquoted); the setting is left out when ${c.envVar} is unset.`),
        plan(c, 'vault', [valueEdit(c, consulTemplate(v, '"'), '"')], `Or ${TEMPLATE_NOTE}`),
      ];
    case 'nginx':
      return [
        plan(c, 'env', [valueEdit(c, `\${${c.envVar}}`, '"')], `nginx itself cannot read environment variables: this works when the file is an envsubst template (the official nginx image renders /etc/nginx/templates/*.template at start-up).`, false),
        plan(c, 'vault', [valueEdit(c, consulTemplate(v, '"'), '"')], `Or ${TEMPLATE_NOTE}`),
      ];
    case 'logstash':
      return [plan(c, 'env', [valueEdit(c, `\${${c.envVar}}`, '"')], `Logstash expands \${${c.envVar}} from the environment or from the Logstash keystore (logstash-keystore add ${c.envVar}).`)];
    default:
      return [];
  }
}

/** HOCON: the value becomes `${?NAME}`; inside a string, the string is split around it (value concatenation). */
function hoconEnvEdit(c: KeyCtx): OffsetEdit {
  const { text, fix } = c;
  const sub = `\${?${c.envVar}}`;
  if (!fix.embedded) return { start: fix.literalStart, end: fix.literalEnd, newText: sub };
  const q = fix.quote;
  const pre = text.slice(fix.literalStart + q.length, fix.valueStart);
  const suf = text.slice(fix.valueStart + 40, fix.literalEnd - q.length);
  const wrap = (s: string) => (s ? q + s + q : '');
  return { start: fix.literalStart, end: fix.literalEnd, newText: wrap(pre) + sub + wrap(suf) };
}

const UNIT_ENV_FILE = '/etc/default/misp';

/** systemd units: ExecStart= expands ${NAME}; an Environment= assignment moves to an EnvironmentFile=. */
function systemdPlans(c: KeyCtx): FixPlan[] {
  const { text, fix } = c;
  const ls = lineStartAt(text, fix.valueStart);
  const line = text.slice(ls, lineEndAt(text, fix.valueStart));
  // A command continued over several lines (`ExecStart=/bin/x \`, `  --misp-key KEY \`) starts where the first line does.
  let cs = ls;
  while (cs > 0 && /\\[ \t]*\r?\n$/.test(text.slice(Math.max(0, cs - 400), cs))) cs = lineStartAt(text, cs - 2);
  if (/^\s*Exec\w*\s*=/.test(text.slice(cs, lineEndAt(text, cs)))) {
    return [plan(c, 'env', [{ ...keyRange(c), newText: `\${${c.envVar}}` }], `systemd expands \${${c.envVar}} from Environment= or EnvironmentFile= (mode 0600, outside the repository); add EnvironmentFile= to the [Service] section.`)];
  }
  const m = /^(\s*)Environment\s*=\s*/.exec(line);
  if (!m) return [];
  const words = [...line.slice(m[0].length).matchAll(/"(?:[^"\\]|\\.)*"|'[^']*'|\S+/g)].map((w) => ({ start: ls + m[0].length + w.index!, text: w[0] }));
  const word = words.find((w) => w.start <= fix.valueStart && fix.valueStart < w.start + w.text.length);
  const name = word && /^["']?([A-Za-z_]\w*)=/.exec(word.text)?.[1];
  if (!word || !name) return [];
  const hasFile = /^\s*EnvironmentFile\s*=/m.test(text);
  const note = `${name} now comes from ${hasFile ? 'the unit\'s EnvironmentFile=' : UNIT_ENV_FILE}: put ${name}=… there on the host, owned by root with mode 0600 (or use systemd-creds / LoadCredential=).`;
  let edit: OffsetEdit;
  if (words.length === 1) edit = hasFile ? deleteLine(text, ls) : { start: ls + m[1].length, end: ls + line.length, newText: `EnvironmentFile=${UNIT_ENV_FILE}` };
  else edit = { start: word.start, end: word.start + word.text.length + (text[word.start + word.text.length] === ' ' ? 1 : 0), newText: '' };
  return [{ ...plan(c, 'env', [edit], note), envVar: name, title: envTitle(name) }];
}
