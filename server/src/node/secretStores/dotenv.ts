/**
 * A `.env` file at a folder's root as a key store: `NAME=value` added or replaced, the file kept at
 * mode 0600 and git-ignored. The `.gitignore` is fixed BEFORE the key is written, so the key never
 * sits in a file git would pick up; a key found already stored gets the same protection before the
 * store reports success. Other lines and their line breaks are kept; a symbolic link is written
 * through (a dangling one is refused, never replaced by a file).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import { findRepositoryRoot } from '../gitignore';
import { StoreError } from './store';
import type { SecretRef, SecretStore } from './store';

const ENTRY = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(.*)$/;

/** How the store treats `.gitignore`. */
export interface DotenvOptions {
  /**
   * `always` (the editor: a workspace folder is a project root, git or not): add the file to the
   * folder's `.gitignore` when that does not ignore it. `work-tree` (the CLI, whose `--dotenv` may
   * point anywhere): only inside a git work tree; elsewhere no `.gitignore` is written and a note says so.
   */
  gitignore?: 'always' | 'work-tree';
}

/** The `.env` file of a folder as a {@link SecretStore}. */
export class DotenvStore implements SecretStore {
  readonly kind = 'dotenv' as const;
  readonly notes: string[] = [];
  /** Absolute path of the file. */
  readonly file: string;

  /** @param folder the folder whose root holds the file; @param fileName its name (default `.env`) */
  constructor(readonly folder: string, fileName = '.env', private readonly options: DotenvOptions = {}) {
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

  /** The entries of the file as it is (none when it does not exist), without changing anything. Throws a {@link StoreError} when it cannot be read. */
  entries(): Map<string, string> {
    const text = this.readFile();
    return text === undefined ? new Map() : parseDotenv(text);
  }

  /**
   * Whether a key could be stored here, without changing anything: the file (or what it links to) can
   * be read, git does not track it, and its folder can be written. Throws a {@link StoreError} saying why not.
   */
  check(): void {
    this.readFile();
    const target = this.target();
    for (const [dir, name] of [[this.folder, path.basename(this.file)], [path.dirname(target), path.basename(target)]]) {
      if (isTrackedByGit(dir, name)) throw new StoreError(`${path.join(dir, name)} is tracked by git: a key written there would be committed. Untrack it first (git rm --cached ${name}).`);
    }
    try {
      fs.accessSync(path.dirname(target), fs.constants.W_OK);
    } catch (e) {
      throw new StoreError(`cannot write ${this.file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }

  /** The key is already in the file: make sure it is git-ignored and private, as a write would. */
  async secure(): Promise<void> {
    this.ensureIgnored();
    this.tighten();
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
    const target = this.target();
    this.ensureIgnored();
    const text = this.readFile() ?? '';
    const next = setEntry(text, ref.name, value);
    // Through a symbolic link the file it points at is replaced, so the link stays a link.
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.misp-guard-${process.pid}.tmp`);
    try {
      // A fresh 0600 file renamed over the old one: never a moment with the key in a readable or half-written file.
      fs.writeFileSync(tmp, next, { mode: 0o600, flag: 'wx' });
      fs.chmodSync(tmp, 0o600);
      fs.renameSync(tmp, target);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw new StoreError(`cannot write ${this.file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }

  /**
   * The path the key is written to: the file itself, or what it links to. A link to nothing is
   * refused: replacing it with a file would silently break whatever the link was set up for.
   */
  private target(): string {
    let link: fs.Stats;
    try {
      link = fs.lstatSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return this.file;
      throw new StoreError(`cannot read ${this.file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    if (!link.isSymbolicLink()) return this.file;
    try {
      return fs.realpathSync(this.file);
    } catch {
      let to = '?';
      try { to = fs.readlinkSync(this.file); } catch { /* reported as '?' */ }
      throw new StoreError(`${this.file} is a symbolic link to ${to}, which does not exist; misp-guard does not replace a link with a file. Create the file it points to, or remove the link, then try again.`);
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
    const file = this.target();
    try {
      return fs.readFileSync(file, 'utf8');
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
    const target = this.target();
    if (target !== this.file && isTrackedByGit(path.dirname(target), path.basename(target))) {
      throw new StoreError(`${this.file} links to ${target}, which is tracked by git: a key written there would be committed. Untrack it first.`);
    }
    if (this.options.gitignore === 'work-tree' && !findRepositoryRoot(this.folder)) {
      const note = `${this.file} is not inside a git work tree, so no .gitignore was written; keep it out of any repository`;
      if (!this.notes.includes(note)) this.notes.push(note);
      return;
    }
    const gitignore = path.join(this.folder, '.gitignore');
    let rules = '';
    try {
      rules = fs.readFileSync(gitignore, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new StoreError(`cannot read ${gitignore} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    if (ignore().add(rules).ignores(name)) return;
    const eol = lineBreakOf(rules);
    const addition = `${rules === '' || /[\r\n]$/.test(rules) ? '' : eol}# secrets moved out of the code by misp-guard${eol}/${name}${eol}`;
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

/** The line break a text uses most (`\n` when it has none); a tie goes to the last line's. */
function lineBreakOf(text: string): string {
  const counts = new Map<string, number>();
  let last = '\n';
  for (const m of text.matchAll(/\r\n|\r|\n/g)) {
    counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
    last = m[0];
  }
  let best = last;
  for (const [eol, n] of counts) if (n > (counts.get(best) ?? 0)) best = eol;
  return best;
}

/**
 * The text with `name` set to `value`: its last assignment replaced, or a line appended. Every other
 * line keeps its own line break; an appended line uses the file's (see {@link lineBreakOf}).
 */
export function setEntry(text: string, name: string, value: string): string {
  const eol = lineBreakOf(text);
  // Lines with their own breaks; the last one may have none.
  const lines = [...text.matchAll(/([^\r\n]*)(\r\n|\r|\n|$)/g)].filter((m) => m[0] !== '').map((m) => ({ body: m[1], eol: m[2] }));
  const line = `${name}=${quoteValue(value)}`;
  let at = -1;
  lines.forEach((l, i) => {
    const m = ENTRY.exec(l.body);
    if (m && m[1] === name) at = i;
  });
  if (at >= 0) lines[at] = { body: /^[ \t]*export[ \t]/.test(lines[at].body) ? `export ${line}` : line, eol: lines[at].eol || eol };
  else {
    if (lines.length > 0 && lines[lines.length - 1].eol === '') lines[lines.length - 1].eol = eol;
    lines.push({ body: line, eol });
  }
  return lines.map((l) => l.body + l.eol).join('');
}
