/**
 * `misp-guard fix`: plan every file, then either print the masked diff (dry run) or store every key,
 * read it back, and only then write the files whose keys are safe. Keys never reach the output.
 * Every different key gets a variable and a Vault field of its own (`MISP_KEY`, `MISP_KEY_2`, ...),
 * across the files of the run and what the store already holds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeText, mask, redact } from '../core';
import type { Finding } from '../core';
import { DEFAULT_FIX_SETTINGS, k8sSecretsIn, KeyPlaces, normalizeFixSettings } from '../core/fixes';
import type { FixSettings, K8sSecretInfo } from '../core/fixes';
import { GitignoreRules } from '../node/gitignore';
import { DotenvStore } from '../node/secretStores/dotenv';
import { errorText, scrub, storeVerified } from '../node/secretStores/store';
import type { SecretStore } from '../node/secretStores/store';
import { vaultConnection, VaultStore } from '../node/secretStores/vault';
import { walk } from '../node/walker';
import type { SkipReason } from '../node/walker';
import type { FixCommand } from './fixArgs';
import { contextPath } from '../node/contextPath';
import { cliPicker, maskedDiff, planFile, stepsOf } from './fixPlan';
import type { FilePlan } from './fixPlan';
import type { PlanPicker } from '../fixCombine';
import { displayPath, reportRoot } from './scan';
import { excludeMatcher } from './scanRunner';

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
  const tokens = [io.env.VAULT_TOKEN ?? ''].filter((t) => t.length >= 4);
  // The store is opened before anything is planned: what it holds decides which names are free.
  const store = await openStore(cmd, envFile, settings, io.env);

  // First every file is read and analysed, and the Kubernetes Secrets of the tree noted (a Deployment's
  // secretKeyRef then uses the data key a Secret elsewhere already has); then the files are planned.
  const found: { entry: { path: string; text: string; languageId: string }; findings: Finding[] }[] = [];
  const k8sSecrets: K8sSecretInfo[] = [];
  let scanned = 0;
  const left = new Map<SkipReason, number>();
  for (const entry of walk(abs, { maxFileSize: cmd.maxFileSize, ignore: walkFilter(abs, io.cwd, cmd) })) {
    if (entry.kind === 'skip') {
      if (entry.reason === 'gitignored' || entry.reason === 'excluded' || entry.reason === 'too-large') left.set(entry.reason, (left.get(entry.reason) ?? 0) + 1);
      continue;
    }
    // The store's own file holds the keys on purpose: fixing it would move them nowhere.
    if (cmd.store === 'dotenv' && path.resolve(entry.path) === envFile) continue;
    scanned++;
    try {
      const findings = analyzeText(entry.text, { path: contextPath(entry.path, abs), languageId: entry.languageId }).findings;
      if (/\.ya?ml$/i.test(entry.path)) k8sSecrets.push(...k8sSecretsIn(entry.text));
      if (findings.length > 0) found.push({ entry: { path: entry.path, text: entry.text, languageId: entry.languageId }, findings });
    } catch (e) {
      io.stderr.write(`misp-guard: ${show(entry.path)}: could not analyse: ${redact(errorText(e))}\n`);
    }
  }
  const treeSettings: FixSettings = k8sSecrets.length ? { ...settings, k8sSecrets } : settings;
  const plans: FilePlan[] = [];
  const languageIds = new Map<string, string>();
  for (const { entry, findings } of found) {
    try {
      languageIds.set(entry.path, entry.languageId);
      plans.push(planFile(entry.path, entry.text, entry.languageId, treeSettings, pick, store.places, findings, contextPath(entry.path, abs)));
    } catch (e) {
      io.stderr.write(`misp-guard: ${show(entry.path)}: could not plan fixes: ${redact(errorText(e))}\n`);
    }
  }
  const blocked = conflicts(plans, cmd.store);
  // A file whose key clashes with another file's keeps its key (named below) but still gets its TLS fixes.
  for (const [p, why] of [...blocked]) {
    const tlsOnly: PlanPicker = (offered, finding) => (finding.fix.type === 'tls' ? pick(offered, finding) : { reason: why });
    plans[plans.indexOf(p)] = planFile(p.path, p.before, languageIds.get(p.path) ?? '', treeSettings, tlsOnly, undefined, p.found, contextPath(p.path, abs));
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
  const leftOut = [...left].map(([r, n]) => `${n} ${SKIPPED[r as keyof typeof SKIPPED]}`).join(', ');
  const scannedText = `${scanned} file(s) scanned${leftOut ? ` (left out: ${leftOut})` : ''}`;
  const needsStore = fixable.some((p) => p.chosen.some((c) => c.secret !== undefined));
  const keyMap = whereKeysGo(fixable, cmd.store, show);
  if (keyMap) io.stderr.write(`misp-guard: ${keyMap}\n`);

  if (!cmd.write) {
    for (const p of fixable) {
      io.stdout.write(maskedDiff(p, show(p.path)));
      // What --write would ask of the user (a Secret to create, a value to pass at deploy time), on stderr: stdout stays a patch.
      for (const n of nextSteps(p, store.store, show)) io.stderr.write(`misp-guard: ${show(p.path)}: after --write, next: ${scrub(n, secretsOf(p, tokens))}\n`);
    }
    const fixes = fixable.reduce((n, p) => n + p.chosen.length, 0);
    if (needsStore && store.problem) io.stderr.write(`misp-guard: note: --write would stop before changing anything: ${store.problem}\n`);
    io.stderr.write(`misp-guard: ${scannedText}; ${fixes} fix(es) pending in ${fixable.length} file(s); ${remaining} finding(s) without an automatic fix. Dry run: nothing changed (--write applies).\n`);
    return fixes + remaining > 0 ? EXIT.findings : EXIT.clean;
  }

  if (needsStore && !store.store) {
    // No key can be stored: change nothing at all, so that a second run sees the same tree.
    io.stderr.write(`misp-guard: the keys cannot be stored: ${store.problem}. Nothing was changed (no key stored, no file written, TLS fixes included).\n`);
    io.stderr.write(`misp-guard: ${scannedText}; 0 file(s) fixed; ${plans.reduce((n, p) => n + p.found.length, 0)} finding(s) left.\n`);
    return EXIT.findings;
  }
  const failed = needsStore ? await storeKeys(fixable, store.store!, tokens, io, show) : new Set<FilePlan>();
  let written = 0;
  let unfixed = remaining;
  for (const p of fixable) {
    if (failed.has(p)) {
      unfixed += p.found.length;
      continue;
    }
    try {
      // Written only if unchanged since it was read: never clobber an edit made meanwhile.
      if (fs.readFileSync(p.path, 'utf8') !== p.before) throw new Error('it changed while misp-guard was running');
      fs.writeFileSync(p.path, p.after);
      written++;
      io.stdout.write(`fixed ${show(p.path)}: ${stepsOf(p)}\n`);
      for (const n of nextSteps(p, store.store, show)) io.stdout.write(`  next: ${scrub(n, secretsOf(p, tokens))}\n`);
    } catch (e) {
      unfixed += p.found.length;
      io.stderr.write(`misp-guard: ${show(p.path)} was not written: ${redact(errorText(e))}\n`);
    }
  }
  io.stderr.write(`misp-guard: ${scannedText}; ${written} file(s) fixed; ${unfixed} finding(s) left.\n`);
  return unfixed > 0 ? EXIT.findings : EXIT.clean;
}

/** With more than one different key: which goes where (masked: the first 4 characters), so numbered names are no surprise. */
function whereKeysGo(plans: FilePlan[], store: 'dotenv' | 'vault', show: (f: string) => string): string | undefined {
  const byKey = new Map<string, { targets: Set<string>; files: Set<string> }>();
  for (const p of plans) {
    for (const c of p.chosen) {
      if (c.secret === undefined) continue;
      const e = byKey.get(c.secret) ?? { targets: new Set<string>(), files: new Set<string>() };
      const t = targetOf(store, c);
      e.targets.add(t.startsWith('vault:') ? `Vault ${t.slice(6).replace('#', ' field ')}` : t.slice(4));
      e.files.add(show(p.path));
      byKey.set(c.secret, e);
    }
  }
  if (byKey.size < 2) return undefined;
  const parts = [...byKey].map(([k, e]) => `${mask(k)} goes to ${[...e.targets].join(' and ')} (${[...e.files].join(', ')})`);
  return `${byKey.size} different keys, each to its own place: ${parts.join('; ')}`;
}

/** Wording of the skips the fix options cause. */
const SKIPPED = { gitignored: 'ignored by .gitignore', excluded: 'excluded by --exclude', 'too-large': 'over the size limit' } as const;

/** The walk filter: `--exclude` globs, then .gitignore (unless `--no-gitignore`), as for `scan`. */
function walkFilter(roots: readonly string[], cwd: string, cmd: FixCommand): (file: string, isDirectory: boolean) => SkipReason | undefined {
  const exclude = excludeMatcher(cmd.exclude, roots, cwd);
  const rules = new Map<string, GitignoreRules>();
  return (file, isDirectory) => {
    const excluded = exclude(file, isDirectory);
    if (excluded || !cmd.gitignore) return excluded;
    const top = roots.find((r) => file.startsWith(r + path.sep));
    if (top === undefined) return undefined;
    let r = rules.get(top);
    if (!r) rules.set(top, (r = GitignoreRules.forDirectory(top)));
    return r.ignored(file, isDirectory) ? 'gitignored' : undefined;
  };
}

/** The store of the run, what it already holds (as taken places), or why it cannot be used. */
interface OpenedStore {
  store?: SecretStore;
  problem?: string;
  places: KeyPlaces;
}

/**
 * Opens the store and reads what it holds, without changing it: the `.env` entries, or the fields of the
 * Vault secret the keys go to. Names and fields holding another value are then taken, so a different key
 * gets a numbered one instead of a refusal. A store that cannot be used says why (and --write stops).
 */
async function openStore(cmd: FixCommand, envFile: string, settings: FixSettings, env: NodeJS.ProcessEnv): Promise<OpenedStore> {
  const places = new KeyPlaces();
  try {
    if (cmd.store === 'dotenv') {
      const store = new DotenvStore(path.dirname(envFile), path.basename(envFile), { gitignore: 'work-tree' });
      store.check();
      for (const [name, value] of store.entries()) places.holdsName(name, value);
      return { store, places };
    }
    const store = new VaultStore(vaultConnection({}, env, 'cli'));
    const current = await store.readSecret(settings.vault);
    for (const [field, value] of Object.entries(current.data ?? {})) {
      if (value !== undefined && value !== null) places.holdsVault({ ...settings.vault, field }, typeof value === 'string' ? value : JSON.stringify(value));
    }
    return { store, places };
  } catch (e) {
    return { problem: scrub(errorText(e), [env.VAULT_TOKEN ?? '']).replace(/[.\s]+$/, ''), places };
  }
}

/** What the user must do after a file is fixed: each plan's note, where the keys are, and rotating them. Never a key. */
/** What must never be printed for a file's fixes: its keys and the Vault token (scrub removes them). */
function secretsOf(p: FilePlan, tokens: readonly string[]): string[] {
  return [...p.chosen.map((c) => c.secret ?? ''), ...tokens].filter((x) => x.length >= 4);
}

function nextSteps(p: FilePlan, store: SecretStore | undefined, show: (f: string) => string): string[] {
  const out = new Set<string>();
  for (const c of p.chosen) if (c.plan.note) out.add(c.plan.note);
  const keys = p.chosen.filter((c) => c.secret !== undefined);
  const envNames = [...new Set(keys.filter((c) => c.plan.id === 'env').map((c) => c.ref!.name))];
  if (envNames.length && store instanceof DotenvStore) {
    const file = show(store.file);
    out.add(`${envNames.join(', ')} ${envNames.length === 1 ? 'is' : 'are'} in ${file}: load it where the program runs (for example: set -a; . ${file}; set +a), or set ${envNames.length === 1 ? 'it' : 'them'} there another way`);
  }
  if (envNames.length && store instanceof VaultStore) {
    const where = [...new Set(keys.filter((c) => c.plan.id === 'env').map((c) => `${c.ref!.name} from ${c.ref!.vault.mount}/${c.ref!.vault.path} field ${c.ref!.vault.field}`))];
    out.add(`set ${where.join(', ')} where the program runs (for example: export ${keys[0].ref!.name}="$(vault kv get -field=${keys[0].ref!.vault.field} ${keys[0].ref!.vault.mount}/${keys[0].ref!.vault.path})")`);
  }
  if (keys.length) out.add(`rotate the key${new Set(keys.map((c) => c.secret)).size > 1 ? 's' : ''} in MISP if ${show(p.path)} was ever committed or shared: the old value stays in git history and in copies`);
  return [...out].map((n) => n.replace(/[.\s]+$/, ''));
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
      else if (o.secret !== c.secret) {
        const where = t.slice(t.indexOf(':') + 1);
        out.set(p, o.plan === p
          ? `a different key elsewhere in this file already goes to ${where}, and this fix cannot give the key another name`
          : `a different key (in ${path.basename(o.plan.path)}) already goes to ${where}, and this fix cannot give the key another name; fix this file on its own with --env-var or --vault-path`);
      }
    }
  }
  return out;
}

/** Stores and verifies every key; returns the files whose keys could not be stored. */
async function storeKeys(plans: FilePlan[], store: SecretStore, tokens: string[], io: FixIo, show: (f: string) => string): Promise<Set<FilePlan>> {
  const failed = new Set<FilePlan>();
  const done = new Map<string, string | undefined>();
  const told = new Set<string>();
  for (const p of plans) {
    for (const c of p.chosen) {
      if (c.secret === undefined) continue;
      const key = targetOf(store.kind === 'vault' ? 'vault' : 'dotenv', c);
      if (!done.has(key)) {
        try {
          const r = await storeVerified(store, c.ref!, c.secret, tokens);
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
