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

/** The `.gitignore` files that apply under one top directory (a repository root or a scan root). */
export class GitignoreRules {
  private readonly perDirectory = new Map<string, Ignore | null>();

  /** @param top the highest directory whose `.gitignore` applies (the repository root) */
  constructor(readonly top: string) {}

  /** Rules for the top of the repository holding `dir`, or of `dir` itself outside a repository. */
  static forDirectory(dir: string): GitignoreRules {
    return new GitignoreRules(findRepositoryRoot(dir) ?? path.resolve(dir));
  }

  /**
   * True when git would ignore `absPath` (a directory when `isDirectory`). Paths outside the top
   * directory are never ignored. The caller is expected not to descend into ignored directories.
   */
  ignored(absPath: string, isDirectory: boolean): boolean {
    const rel = path.relative(this.top, absPath);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false;
    const parts = rel.split(path.sep);
    // Deepest .gitignore first: the first one with a matching rule decides.
    for (let depth = parts.length - 1; depth >= 0; depth--) {
      const dir = depth === 0 ? this.top : path.join(this.top, ...parts.slice(0, depth));
      const rules = this.rulesOf(dir);
      if (!rules) continue;
      const sub = parts.slice(depth).join('/') + (isDirectory ? '/' : '');
      const result = rules.test(sub);
      if (result.ignored) return true;
      if (result.unignored) return false;
    }
    return false;
  }

  /** Forgets the cached rules of a directory (its `.gitignore` changed). */
  invalidate(dir?: string): void {
    if (dir === undefined) this.perDirectory.clear();
    else this.perDirectory.delete(path.resolve(dir));
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
