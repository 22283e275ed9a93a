/**
 * A `.env` file at a folder's root as a key store: `NAME=value` added or replaced, the file kept at
 * mode 0600 and git-ignored. The `.gitignore` is fixed BEFORE the key is written, so the key never
 * sits in a file git would pick up.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import { StoreError } from './store';
import type { SecretRef, SecretStore } from './store';

const ENTRY = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(.*)$/;

/** The `.env` file of a folder as a {@link SecretStore}. */
export class DotenvStore implements SecretStore {
  readonly kind = 'dotenv' as const;
  readonly notes: string[] = [];
  /** Absolute path of the file. */
  readonly file: string;

  /** @param folder the folder whose root holds the file; @param fileName its name (default `.env`) */
  constructor(readonly folder: string, fileName = '.env') {
    this.file = path.join(folder, fileName);
  }

  describe(ref: SecretRef): string {
    return `${ref.name} in ${this.file}`;
  }

  async read(ref: SecretRef): Promise<string | undefined> {
    const text = this.readFile();
    if (text === undefined) return undefined;
    this.tighten();
    return parseDotenv(text).get(ref.name);
  }

  /** An existing file that others can read gets mode 0600 (it holds keys); the user is told. */
  private tighten(): void {
    const old = this.stat();
    if (!old || (old.mode & 0o077) === 0) return;
    try {
      fs.chmodSync(this.file, 0o600);
      this.notes.push(`${this.file} was readable by others (mode ${(old.mode & 0o777).toString(8)}); it is now 0600`);
    } catch (e) {
      this.notes.push(`${this.file} is readable by others (mode ${(old.mode & 0o777).toString(8)}) and could not be changed to 0600 (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }

  async write(ref: SecretRef, value: string): Promise<void> {
    this.ensureIgnored();
    const text = this.readFile() ?? '';
    const next = setEntry(text, ref.name, value);
    const tmp = path.join(this.folder, `.${path.basename(this.file)}.misp-guard-${process.pid}.tmp`);
    try {
      // A fresh 0600 file renamed over the old one: never a moment with the key in a readable or half-written file.
      fs.writeFileSync(tmp, next, { mode: 0o600, flag: 'wx' });
      fs.chmodSync(tmp, 0o600);
      fs.renameSync(tmp, this.file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw new StoreError(`cannot write ${this.file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }

  private stat(): fs.Stats | undefined {
    try {
      return fs.statSync(this.file);
    } catch {
      return undefined;
    }
  }

  private readFile(): string | undefined {
    try {
      return fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new StoreError(`cannot read ${this.file} (${code ?? String(e)})`);
    }
  }

  /**
   * Makes sure git ignores the file: refuses when git already tracks it (ignoring would not untrack
   * it), appends its name to the folder's `.gitignore` when that does not ignore it yet, and checks
   * the result with the same matching rules git uses.
   */
  private ensureIgnored(): void {
    const name = path.basename(this.file);
    if (isTrackedByGit(this.folder, name)) {
      throw new StoreError(`${this.file} is tracked by git: a key written there would be committed. Untrack it first (git rm --cached ${name}).`);
    }
    const gitignore = path.join(this.folder, '.gitignore');
    let rules = '';
    try {
      rules = fs.readFileSync(gitignore, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new StoreError(`cannot read ${gitignore} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    if (ignore().add(rules).ignores(name)) return;
    const addition = `${rules === '' || /\n$/.test(rules) ? '' : '\n'}# secrets moved out of the code by misp-guard\n/${name}\n`;
    try {
      fs.appendFileSync(gitignore, addition);
    } catch (e) {
      throw new StoreError(`cannot add ${name} to ${gitignore} (${(e as NodeJS.ErrnoException).code ?? String(e)}); the key was not written`);
    }
    if (!ignore().add(rules + addition).ignores(name)) throw new StoreError(`${gitignore} still does not ignore ${name}; the key was not written`);
    this.notes.push(`added /${name} to ${gitignore}`);
  }
}

/** True when `git ls-files` in `folder` lists `name` (false when git is absent or the folder is no repository). */
function isTrackedByGit(folder: string, name: string): boolean {
  try {
    const out = execFileSync('git', ['ls-files', '--', name], { cwd: folder, encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim() !== '';
  } catch {
    return false;
  }
}

/** The entries of a `.env` text (the last assignment of a name wins, as in most loaders). */
export function parseDotenv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r\n|\n|\r/)) {
    const m = ENTRY.exec(line);
    if (m) out.set(m[1], unquote(m[2]));
  }
  return out;
}

function unquote(raw: string): string {
  const v = raw.trim();
  if (v.length >= 2 && v[0] === '"' && v.endsWith('"')) return v.slice(1, -1).replace(/\\(["\\$`])/g, '$1').replace(/\\n/g, '\n');
  if (v.length >= 2 && v[0] === "'" && v.endsWith("'")) return v.slice(1, -1);
  return v.replace(/[ \t]+#.*$/, '');
}

/** The value as a `.env` value: bare when it is plain, double-quoted otherwise. */
function quoteValue(value: string): string {
  return /^[A-Za-z0-9_./:@+-]*$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, '\\$1').replace(/\n/g, '\\n')}"`;
}

/** The text with `name` set to `value`: its last assignment replaced, or a line appended (same line breaks). */
export function setEntry(text: string, name: string, value: string): string {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.split(/\r\n|\n/);
  const trailing = lines.length > 0 && lines[lines.length - 1] === '';
  if (trailing) lines.pop();
  const line = `${name}=${quoteValue(value)}`;
  let at = -1;
  lines.forEach((l, i) => {
    const m = ENTRY.exec(l);
    if (m && m[1] === name) at = i;
  });
  if (at >= 0) lines[at] = /^[ \t]*export[ \t]/.test(lines[at]) ? `export ${line}` : line;
  else lines.push(line);
  return lines.join(eol) + eol;
}
