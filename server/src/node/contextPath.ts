/**
 * The path the detection core judges a file by. The core reads MISP context from a path (`misp/`,
 * `keys.py`, `.github/workflows/`), so it gets the path inside the scanned tree: the folders above it
 * (a checkout under `~/src/misp-tools/`, a temporary `misp-guard-bench-…` directory) say nothing about
 * the file, and would make every file of the tree look like MISP configuration.
 */
import * as path from 'node:path';
import { findRepositoryRoot } from './gitignore';

/**
 * `file` relative to the deepest of `roots` (workspace folders, scan roots, a repository) that holds
 * it, with `/` separators; a root that is the file itself gives its path in its git repository; outside
 * every root (or any repository), the file's folder and name.
 */
export function contextPath(file: string, roots: readonly string[] | undefined): string {
  let best: string | undefined;
  for (const r of roots ?? []) {
    if (file === r || file.startsWith(r.endsWith(path.sep) ? r : r + path.sep)) {
      if (best === undefined || r.length > best.length) best = r;
    }
  }
  // A file named on its own (`misp-guard scan misp/settings.py`, a pre-commit hook's file list): its path in
  // the repository holding it, as a scan of the repository would judge it.
  if (best === file) best = findRepositoryRoot(path.dirname(file));
  const rel = best !== undefined ? path.relative(best, file) : path.join(path.basename(path.dirname(file)), path.basename(file));
  return path.sep === '/' ? rel : rel.split(path.sep).join('/');
}
