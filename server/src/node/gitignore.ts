/**
 * `.gitignore` rules as git applies them: every `.gitignore` from the repository root down to the
 * directory of a path, the deepest deciding first (so a nested `!pattern` re-includes what a parent
 * file ignored, and a nested pattern ignores what a parent file re-included). Files are read lazily,
 * once per directory. `.git` itself is never read: the repository root is found by the presence of
 * a `.git` entry, and `.git/info/exclude` and `core.excludesFile` are not consulted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';

/** Git compares ignore patterns case-sensitively on Linux and case-insensitively elsewhere. */
const IGNORE_CASE = process.platform !== 'linux';

/** The nearest directory at or above `dir` that holds a `.git` entry, or undefined. */
export function findRepositoryRoot(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** An absolute path with no `.`/`..` segments, doubled or trailing separators (what path.resolve would return unchanged). */
function isNormalAbsolute(p: string): boolean {
  if (!path.isAbsolute(p) || p.length < 2 || p.endsWith(path.sep)) return false;
  const s = path.sep;
  return !p.includes(s + s) && !p.includes(`${s}.${s}`) && !p.includes(`${s}..${s}`) && !p.endsWith(`${s}.`) && !p.endsWith(`${s}..`) && (s === '/' || !p.includes('/'));
}

/** The `.gitignore` files that apply under one top directory (a repository root or a scan root). */
export class GitignoreRules {
  private readonly perDirectory = new Map<string, Ignore | null>();
  /** Per directory: the `.gitignore` files that apply in it, deepest first (computed once per directory). */
  private readonly chains = new Map<string, Array<{ dir: string; rules: Ignore }>>();

  /** `top` with a trailing separator: the prefix of every path below it. */
  private readonly topPrefix: string;

  /** @param top the highest directory whose `.gitignore` applies (the repository root) */
  constructor(readonly top: string) {
    const t = path.resolve(top);
    this.topPrefix = t.endsWith(path.sep) ? t : t + path.sep;
  }

  /** Rules for the top of the repository holding `dir`, or of `dir` itself outside a repository. */
  static forDirectory(dir: string): GitignoreRules {
    return new GitignoreRules(findRepositoryRoot(dir) ?? path.resolve(dir));
  }

  /**
   * True when git would ignore `absPath` (a directory when `isDirectory`). Paths outside the top
   * directory are never ignored. The caller is expected not to descend into ignored directories.
   */
  ignored(absPath: string, isDirectory: boolean): boolean {
    // The walker's paths are absolute and normalised already: path.resolve and path.relative (most of
    // the cost of a check, once per file of a scan) are only needed for other paths.
    const abs = isNormalAbsolute(absPath) ? absPath : path.resolve(absPath);
    if (!abs.startsWith(this.topPrefix) || abs.length === this.topPrefix.length) return false;
    // Deepest .gitignore first: the first one with a matching rule decides.
    for (const { dir, rules } of this.chainOf(path.dirname(abs))) {
      const below = abs.slice(dir.length + (dir.endsWith(path.sep) ? 0 : 1));
      const sub = (path.sep === '/' ? below : below.split(path.sep).join('/')) + (isDirectory ? '/' : '');
      const result = rules.test(sub);
      if (result.ignored) return true;
      if (result.unignored) return false;
    }
    return false;
  }

  private chainOf(dir: string): Array<{ dir: string; rules: Ignore }> {
    let chain = this.chains.get(dir);
    if (chain) return chain;
    const own = this.rulesOf(dir);
    const above = dir === this.top || path.dirname(dir) === dir ? [] : this.chainOf(path.dirname(dir));
    chain = own ? [{ dir, rules: own }, ...above] : above;
    this.chains.set(dir, chain);
    return chain;
  }

  /** Forgets the cached rules of a directory (its `.gitignore` changed). */
  invalidate(dir?: string): void {
    if (dir === undefined) this.perDirectory.clear();
    else this.perDirectory.delete(path.resolve(dir));
    this.chains.clear();
  }

  private rulesOf(dir: string): Ignore | null {
    let rules = this.perDirectory.get(dir);
    if (rules === undefined) {
      rules = null;
      try {
        const text = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8');
        rules = ignore({ ignorecase: IGNORE_CASE }).add(text);
      } catch {
        // no .gitignore here (or unreadable): nothing to apply
      }
      this.perDirectory.set(dir, rules);
    }
    return rules;
  }
}
