/**
 * `misp-guard fix`: plan every file, then either print the masked diff (dry run) or store every key,
 * read it back, and only then write the files whose keys are safe. Keys never reach the output.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { redact } from '../core';
import { DEFAULT_FIX_SETTINGS, normalizeFixSettings } from '../core/fixes';
import type { FixSettings } from '../core/fixes';
import { DotenvStore } from '../node/secretStores/dotenv';
import { errorText, scrub, storeVerified } from '../node/secretStores/store';
import type { SecretStore } from '../node/secretStores/store';
import { vaultConnection, VaultStore } from '../node/secretStores/vault';
import { walk } from '../node/walker';
import type { FixCommand } from './fixArgs';
import { cliPicker, maskedDiff, planFile } from './fixPlan';
import type { FilePlan } from './fixPlan';
import type { PlanPicker } from '../fixCombine';
import { displayPath, reportRoot } from './scan';

/** Where the fix command writes. */
export interface FixIo {
  cwd: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** Exit codes (the same meaning as `scan`: 1 = findings remain). */
const EXIT = { clean: 0, findings: 1, usage: 2 } as const;

/** The deepest folder holding every given path (a folder itself, or a file's folder). */
function commonFolder(absPaths: readonly string[]): string {
  const dirs = absPaths.map((p) => (fs.statSync(p).isDirectory() ? p : path.dirname(p)));
  let root = dirs[0];
  while (!dirs.every((d) => d === root || d.startsWith(root.endsWith(path.sep) ? root : root + path.sep))) {
    const up = path.dirname(root);
    if (up === root) break;
    root = up;
  }
  return root;
}

/** The nearest folder at or above `dir` that holds a `.git` entry (a work tree's top level), if any. */
function gitTopLevel(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Runs `misp-guard fix` and resolves with its exit code. */
export async function runFix(cmd: FixCommand, io: FixIo): Promise<number> {
  const abs = cmd.paths.map((p) => path.resolve(io.cwd, p));
  const missing = cmd.paths.filter((_, i) => !fs.existsSync(abs[i]));
  if (missing.length) {
    io.stderr.write(`misp-guard: no such file or directory: ${missing.join(', ')}\n`);
    return EXIT.usage;
  }
  const root = reportRoot(abs, io.cwd);
  const show = (file: string) => displayPath({ cwd: io.cwd }, file);
  const settings: FixSettings = normalizeFixSettings({
    envVarName: cmd.envVar ?? DEFAULT_FIX_SETTINGS.envVarName,
    vault: { mount: cmd.vaultMount ?? DEFAULT_FIX_SETTINGS.vault.mount, path: cmd.vaultPath ?? DEFAULT_FIX_SETTINGS.vault.path, field: cmd.vaultField ?? DEFAULT_FIX_SETTINGS.vault.field },
    caBundle: cmd.caBundle,
  });
  // The .env belongs to the project that is fixed: the git work tree holding the paths, else the root of the scan.
  const envFile = path.resolve(io.cwd, cmd.envFile ?? path.join(gitTopLevel(commonFolder(abs)) ?? root, '.env'));
  const pick = cliPicker(cmd.to, cmd.caBundle);

  const plans: FilePlan[] = [];
  const languageIds = new Map<string, string>();
  let scanned = 0;
  for (const entry of walk(abs)) {
    if (entry.kind === 'skip') continue;
    // The store's own file holds the keys on purpose: fixing it would move them nowhere.
    if (cmd.store === 'dotenv' && path.resolve(entry.path) === envFile) continue;
    scanned++;
    try {
      languageIds.set(entry.path, entry.languageId);
      const plan = planFile(entry.path, entry.text, entry.languageId, settings, pick);
      if (plan.found.length > 0) plans.push(plan);
    } catch (e) {
      io.stderr.write(`misp-guard: ${show(entry.path)}: could not plan fixes: ${redact(errorText(e))}\n`);
    }
  }
  const blocked = conflicts(plans, cmd.store);
  // A file whose key clashes with another file's keeps its key (named below) but still gets its TLS fixes.
  for (const [p, why] of [...blocked]) {
    const tlsOnly: PlanPicker = (offered, finding) => (finding.fix.type === 'tls' ? pick(offered, finding) : { reason: why });
    plans[plans.indexOf(p)] = planFile(p.path, p.before, languageIds.get(p.path) ?? '', settings, tlsOnly);
    blocked.delete(p);
  }

  const fixable = plans.filter((p) => p.chosen.length > 0 && !blocked.has(p));
  for (const p of plans) {
    // One line per file and reason: a data file with twenty keys should not print twenty lines.
    const byReason = new Map<string, string[]>();
    for (const r of p.remaining) byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r.finding.ruleId]);
    for (const [reason, rules] of byReason) {
      const what = rules.length === 1 ? rules[0] : `${rules.length} findings (${[...new Set(rules)].join(', ')})`;
      io.stderr.write(`misp-guard: ${show(p.path)}: ${what} not fixed: ${reason}\n`);
    }
    const why = blocked.get(p);
    if (why) io.stderr.write(`misp-guard: ${show(p.path)}: not fixed: ${why}\n`);
  }
  const remaining = plans.reduce((n, p) => n + (blocked.has(p) ? p.found.length : p.remaining.length), 0);

  if (!cmd.write) {
    for (const p of fixable) io.stdout.write(maskedDiff(p, show(p.path)));
    const fixes = fixable.reduce((n, p) => n + p.chosen.length, 0);
    io.stderr.write(`misp-guard: ${scanned} file(s) scanned; ${fixes} fix(es) pending in ${fixable.length} file(s); ${remaining} finding(s) without an automatic fix. Dry run: nothing changed (--write applies).\n`);
    return fixes + remaining > 0 ? EXIT.findings : EXIT.clean;
  }

  const failed = await storeKeys(fixable, cmd, envFile, io, show);
  let written = 0;
  let left = remaining;
  for (const p of fixable) {
    if (failed.has(p)) {
      left += p.found.length;
      continue;
    }
    try {
      // Written only if unchanged since it was read: never clobber an edit made meanwhile.
      if (fs.readFileSync(p.path, 'utf8') !== p.before) throw new Error('it changed while misp-guard was running');
      fs.writeFileSync(p.path, p.after);
      written++;
      io.stdout.write(`fixed ${show(p.path)}: ${p.chosen.map((c) => c.plan.title).join('; ')}\n`);
    } catch (e) {
      left += p.found.length;
      io.stderr.write(`misp-guard: ${show(p.path)} was not written: ${redact(errorText(e))}\n`);
    }
  }
  io.stderr.write(`misp-guard: ${scanned} file(s) scanned; ${written} file(s) fixed; ${left} finding(s) left.\n`);
  return left > 0 ? EXIT.findings : EXIT.clean;
}

/** The store's key for an entry: a name for .env, a Vault location for Vault. */
function targetOf(kind: 'dotenv' | 'vault', c: FilePlan['chosen'][number]): string {
  return c.plan.id === 'vault' || kind === 'vault' ? `vault:${c.ref!.vault.mount}/${c.ref!.vault.path}#${c.ref!.vault.field}` : `env:${c.ref!.name}`;
}

/** Files whose keys would go where a different key from another file already goes. */
function conflicts(plans: FilePlan[], store: 'dotenv' | 'vault'): Map<FilePlan, string> {
  const owner = new Map<string, { secret: string; plan: FilePlan }>();
  const out = new Map<FilePlan, string>();
  for (const p of plans) {
    for (const c of p.chosen) {
      if (c.secret === undefined) continue;
      const t = targetOf(store, c);
      const o = owner.get(t);
      if (!o) owner.set(t, { secret: c.secret, plan: p });
      else if (o.secret !== c.secret) out.set(p, `a different key (in ${path.basename(o.plan.path)}) already goes to ${t.slice(t.indexOf(':') + 1)}; fix this file on its own with --env-var or --vault-path`);
    }
  }
  return out;
}

/** Stores and verifies every key; returns the files whose keys could not be stored. */
async function storeKeys(plans: FilePlan[], cmd: FixCommand, envFile: string, io: FixIo, show: (f: string) => string): Promise<Set<FilePlan>> {
  const failed = new Set<FilePlan>();
  const stores = new Map<'dotenv' | 'vault', SecretStore | Error>();
  const open = (kind: 'dotenv' | 'vault'): SecretStore => {
    let s = stores.get(kind);
    if (!s) {
      try {
        s = kind === 'dotenv' ? new DotenvStore(path.dirname(envFile), path.basename(envFile)) : new VaultStore(vaultConnection({}, io.env));
      } catch (e) {
        s = e as Error;
      }
      stores.set(kind, s);
    }
    if (s instanceof Error) throw s;
    return s;
  };
  const tokens = [io.env.VAULT_TOKEN ?? ''].filter((t) => t.length >= 4);
  const done = new Map<string, string | undefined>();
  const told = new Set<string>();
  for (const p of plans) {
    for (const c of p.chosen) {
      if (c.secret === undefined) continue;
      const kind = c.plan.id === 'vault' ? 'vault' : cmd.store;
      const key = targetOf(kind, c);
      if (!done.has(key)) {
        try {
          const r = await storeVerified(open(kind), c.ref!, c.secret, tokens);
          done.set(key, undefined);
          const notes = r.notes.filter((n) => !told.has(n));
          notes.forEach((n) => told.add(n));
          io.stderr.write(`misp-guard: key from ${show(p.path)} ${r.alreadyThere ? 'already stored' : 'stored'} in ${r.where}${notes.length ? ` (${notes.join('; ')})` : ''}\n`);
        } catch (e) {
          done.set(key, scrub(errorText(e), [c.secret, ...tokens]));
        }
      }
      const error = done.get(key);
      if (error !== undefined && !failed.has(p)) {
        failed.add(p);
        io.stderr.write(`misp-guard: ${show(p.path)} not changed: the key could not be stored: ${error}\n`);
      }
    }
  }
  return failed;
}
