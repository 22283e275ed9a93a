/**
 * Terraform (HCL): a key as a variable default loses the default and becomes `sensitive`, fed by TF_VAR_*;
 * a key elsewhere becomes `var.misp_key` (a sensitive variable added once) or a Vault data source read.
 */
import { lineEndAt, lineStartAt } from '../text';
import { envTitle, vaultTitle } from './codePlans';
import { appendBlock, deleteLine } from './edits';
import type { FixPlan, KeyCtx, OffsetEdit } from './model';

/** `{` offsets enclosing `offset`, outside strings, comments and heredocs. */
function opens(text: string, offset: number): number[] {
  const stack: number[] = [];
  for (let i = 0; i < offset; i++) {
    const c = text[i];
    if (c === '#' || (c === '/' && text[i + 1] === '/')) { i = lineEndAt(text, i); continue; }
    if (c === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); i = e < 0 ? text.length : e + 1; continue; }
    if (c === '<' && text[i + 1] === '<') {
      const m = /^<<-?([A-Za-z_]\w*)[ \t]*\r?\n/.exec(text.slice(i, i + 80));
      if (m) { const e = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, 'm').exec(text.slice(i + m[0].length)); i = e ? i + m[0].length + e.index + e[0].length : text.length; continue; }
    }
    if (c === '"') {
      let j = i + 1;
      let depth = 0;
      while (j < text.length && (depth > 0 || text[j] !== '"') && text[j] !== '\n') {
        if (text[j] === '\\') j++;
        else if (text[j] === '$' && text[j + 1] === '{') { depth++; j++; } else if (text[j] === '}' && depth > 0) depth--;
        j++;
      }
      i = j;
      continue;
    }
    if (c === '{') stack.push(i);
    else if (c === '}') stack.pop();
  }
  return stack;
}

/** Text of the block opened at `open`, up to its closing brace (strings are not expected to hold braces here). */
function blockText(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

/** Plans for a key in a Terraform file. */
export function terraformKeyPlans(c: KeyCtx): FixPlan[] {
  const { text, fix } = c;
  const ls = lineStartAt(text, fix.literalStart);
  const before = text.slice(ls, fix.literalStart);
  const stack = opens(text, fix.literalStart);
  const inner = stack[stack.length - 1];
  const header = inner === undefined ? '' : text.slice(lineStartAt(text, inner), inner);
  const variable = /^\s*variable\s+"([\w-]+)"\s*$/.exec(header);
  const attr = /^(\s*)(?:([\w-]+)\s*=\s*)$/.exec(before) ?? /(?<=[{\s])([\w-]+)\s*=\s*$/.exec(before);
  const plan = (edits: OffsetEdit[], envVar: string, note: string): FixPlan => ({ id: 'env', title: envTitle(envVar), edits, storesSecret: true, envVar, note, preferred: true });
  if (variable && !fix.embedded && /\bdefault\s*=\s*$/.test(before)) {
    const name = variable[1];
    const hasSensitive = /\bsensitive\s*=/.test(blockText(text, inner!));
    const attrStart = ls + before.search(/default\s*=\s*$/);
    const rest = text.slice(fix.literalEnd, lineEndAt(text, fix.literalEnd)).trim();
    const ownLine = before.slice(0, attrStart - ls).trim() === '' && (rest === '' || /^(#|\/\/)/.test(rest));
    const edits = ownLine
      ? [hasSensitive ? deleteLine(text, ls) : { start: attrStart, end: lineEndAt(text, fix.literalEnd), newText: 'sensitive = true' }]
      : [{ start: attrStart, end: fix.literalEnd, newText: hasSensitive ? '' : 'sensitive = true' }];
    return [plan(edits, `TF_VAR_${name}`, `The variable has no default any more: Terraform reads it from TF_VAR_${name} (or a git-ignored .tfvars file).`)];
  }
  if (stack.length === 0 && attr && !fix.embedded) {
    const name = attr[2] ?? attr[1];
    return [plan([deleteLine(text, ls)], `TF_VAR_${name}`, `A .tfvars value: Terraform reads ${name} from TF_VAR_${name} instead.`)];
  }
  const varName = c.envVar.toLowerCase();
  const v = c.settings.vault;
  const ref = (expr: string): OffsetEdit => fix.embedded || fix.quote !== '"'
    ? { start: fix.valueStart, end: fix.valueStart + 40, newText: `\${${expr}}` }
    : { start: fix.literalStart, end: fix.literalEnd, newText: expr };
  const addVar = new RegExp(`^\\s*variable\\s+"${varName}"`, 'm').test(text) ? [] : [appendBlock(text, [`variable "${varName}" {`, '  type      = string', '  sensitive = true', '}'], c.eol)];
  const dataName = v.path.replace(/[^\w-]+/g, '_');
  const addData = new RegExp(`data\\s+"vault_kv_secret_v2"\\s+"${dataName}"`).test(text) ? [] : [appendBlock(text, [`data "vault_kv_secret_v2" "${dataName}" {`, `  mount = "${v.mount}"`, `  name  = "${v.path}"`, '}'], c.eol)];
  return [
    plan([ref(`var.${varName}`), ...addVar], `TF_VAR_${varName}`, `Terraform reads the sensitive variable ${varName} from TF_VAR_${varName} (or a git-ignored .tfvars file).`),
    { id: 'vault', title: vaultTitle(c), edits: [ref(`data.vault_kv_secret_v2.${dataName}.data["${v.field}"]`), ...addData], storesSecret: true, vaultRef: { ...v },
      note: 'Needs the hashicorp/vault provider (VAULT_ADDR, VAULT_TOKEN); the value is kept in the Terraform state, which must be encrypted.' },
  ];
}
