/**
 * The git plumbing the CLI needs, through the `git` executable (never by reading `.git`): the
 * repository root, staged blobs, files changed since a revision, the raw log of every commit, trees,
 * and a streaming `git cat-file --batch` reader with back-pressure.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A git command failed (not a repository, unknown revision, git missing, ...). */
export class GitError extends Error {}

/** An all-zero object id: "no blob" in raw diffs. */
const NULL_SHA = /^0+$/;

/** Runs git and returns its stdout; throws {@link GitError} with git's message on failure. */
export function runGit(args: readonly string[], cwd: string): string {
  const r = spawnSync('git', ['-c', 'core.quotepath=off', ...args], { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (r.error) throw new GitError(`cannot run git: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
  if (r.status !== 0) throw new GitError((r.stderr || `git ${args[0]} failed`).trim().split('\n')[0]);
  return r.stdout;
}

/** The top directory of the work tree holding the directory `cwd`. */
export function repositoryRoot(cwd: string): string {
  return path.resolve(runGit(['rev-parse', '--show-toplevel'], cwd).trim());
}

/** The work tree holding some paths, and each path relative to its top (`/`-separated, '' for the top itself). */
export interface PathsInRepository {
  root: string;
  relative: string[];
}

/**
 * The git work tree holding every one of `absPaths` (files or directories; a path that no longer
 * exists counts from the nearest folder above it that does), found by running git there, not in
 * the working directory. Throws GitError when a path is outside any work tree, or when they are
 * in different ones.
 */
export function repositoryOf(absPaths: readonly string[]): PathsInRepository {
  let root: string | undefined;
  let first = '';
  const relative: string[] = [];
  for (const p of absPaths) {
    const { dir, rest } = nearestDirectory(p);
    let top: string;
    try {
      top = repositoryRoot(dir);
    } catch (e) {
      throw e instanceof GitError ? new GitError(`not a git repository: ${p} (${e.message.replace(/^fatal: /, '')})`) : e;
    }
    if (root === undefined) { root = top; first = p; }
    else if (top !== root) throw new GitError(`the paths are in different git repositories: ${first} in ${root}, ${p} in ${top}`);
    // git reports the top with symlinks resolved: so is the path here, so that the two compare.
    const real = path.join(realDirectory(dir), ...rest);
    relative.push(path.relative(top, real).split(path.sep).join('/'));
  }
  if (root === undefined) throw new GitError('no path to find a git repository from');
  return { root, relative };
}

/**
 * Pathspecs for repository-relative paths, to run git at the top of the work tree: literal (a `*`
 * or `?` in a file name is no wildcard) and from the top. None when a path is the top itself.
 */
export function topPathspecs(relative: readonly string[]): string[] {
  return relative.includes('') ? [] : relative.map((r) => `:(top,literal)${r}`);
}

/** The nearest existing directory at or above `p`, and the path segments from there down to `p`. */
function nearestDirectory(p: string): { dir: string; rest: string[] } {
  const rest: string[] = [];
  for (let d = p; ; d = path.dirname(d)) {
    try {
      if (fs.statSync(d).isDirectory()) return { dir: d, rest };
    } catch {
      // missing (a history path long gone): go up
    }
    if (path.dirname(d) === d) return { dir: d, rest };
    rest.unshift(path.basename(d));
  }
}

function realDirectory(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

/** The full commit id of a revision; throws a GitError naming it when it does not name a commit. */
export function resolveCommit(rev: string, repo: string): string {
  if (rev.startsWith('-')) throw new GitError(`not a revision: '${rev}'`);
  try {
    return runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], repo).trim();
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    throw new GitError(`unknown revision '${rev}': no such commit in ${repo}`);
  }
}

/** True when HEAD names a commit (false in a repository without commits, or on an unborn branch). */
export function hasHeadCommit(repo: string): boolean {
  const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: repo, stdio: 'ignore' });
  if (r.error) throw new GitError(`cannot run git: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
  return r.status === 0;
}

/** One blob in the index or a tree. */
export interface BlobEntry {
  /** Path relative to the repository root, `/`-separated. */
  path: string;
  sha: string;
}

function nulFields(out: string): string[] {
  return out.split('\0').filter((s) => s !== '');
}

/**
 * Blobs staged for the next commit (added, copied, modified, renamed or type-changed; not deleted),
 * optionally limited to pathspecs (see {@link topPathspecs}; git runs at the top of `repo`).
 */
export function stagedBlobs(repo: string, pathspecs: readonly string[]): BlobEntry[] {
  const changed = new Set(nulFields(runGit(['diff', '--cached', '--name-only', '-z', '--no-renames', '--diff-filter=ACMRT', '--', ...pathspecs], repo)));
  const out: BlobEntry[] = [];
  // `ls-files -s` prints "mode sha stage\tpath": one call for the whole index, filtered here.
  for (const rec of nulFields(runGit(['ls-files', '-s', '-z', '--full-name'], repo))) {
    const tab = rec.indexOf('\t');
    const [mode, sha, stage] = rec.slice(0, tab).split(' ');
    const p = rec.slice(tab + 1);
    if (stage === '0' && changed.has(p) && !mode.startsWith('160') && !mode.startsWith('120')) out.push({ path: p, sha });
  }
  return out;
}

/**
 * Files that differ between `rev` and the work tree (committed or not), plus untracked files that
 * are not ignored, as absolute paths that exist; optionally limited to pathspecs (see {@link topPathspecs}).
 */
export function changedSince(repo: string, rev: string, pathspecs: readonly string[]): string[] {
  const changed = nulFields(runGit(['diff', '--name-only', '-z', '--no-renames', '--diff-filter=ACMRT', '--end-of-options', rev, '--', ...pathspecs], repo));
  const untracked = nulFields(runGit(['ls-files', '--others', '--exclude-standard', '--full-name', '-z', '--', ...pathspecs], repo));
  return [...new Set([...changed, ...untracked])].sort().map((p) => path.join(repo, ...p.split('/')));
}

/** Every blob of a commit's tree. */
export function treeBlobs(repo: string, commit: string): BlobEntry[] {
  const out: BlobEntry[] = [];
  for (const rec of nulFields(runGit(['ls-tree', '-r', '-z', '--full-tree', commit], repo))) {
    const tab = rec.indexOf('\t');
    const [mode, type, sha] = rec.slice(0, tab).split(' ');
    if (type === 'blob' && !mode.startsWith('120')) out.push({ path: rec.slice(tab + 1), sha });
  }
  return out;
}

/** One file change of a commit against its (first) parent. */
export interface RawChange {
  /** Blob before and after; undefined when the file did not exist on that side. */
  oldSha?: string;
  newSha?: string;
  /** A (added), M, D, T ... */
  status: string;
  path: string;
}

/** A commit with its changes. */
export interface RawCommit {
  sha: string;
  parents: string[];
  changes: RawChange[];
}

/**
 * Every non-merge commit reachable from the revisions (oldest first, parents before children), with
 * its raw diff. Merge commits carry no diff of their own here: what a merge brings in is reported at
 * the commit on the merged branch that made the change.
 */
export function rawLog(repo: string, revisions: readonly string[]): RawCommit[] {
  const out = runGit(['log', '--reverse', '--topo-order', '--no-abbrev', '--raw', '-z', '--no-renames', '--no-color',
    '--format=%x01%H %P%x02', ...revisions, '--'], repo);
  const commits: RawCommit[] = [];
  const tokens = out.split('\0');
  let current: RawCommit | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i].replace(/^\n+/, '');
    if (token.startsWith('\u0001')) {
      const [sha, ...parents] = token.slice(1, token.indexOf('\u0002')).trim().split(' ').filter(Boolean);
      current = { sha, parents, changes: [] };
      commits.push(current);
    } else if (token.startsWith(':') && current) {
      // ":oldmode newmode oldsha newsha status" then the path as the next token
      const [oldMode, newMode, oldSha, newSha, status] = token.slice(1).split(' ');
      const p = tokens[++i] ?? '';
      const link = oldMode.startsWith('120') || newMode.startsWith('120') || oldMode.startsWith('160') || newMode.startsWith('160');
      if (link) continue;
      current.changes.push({ path: p, status, oldSha: NULL_SHA.test(oldSha) ? undefined : oldSha, newSha: NULL_SHA.test(newSha) ? undefined : newSha });
    }
  }
  return commits;
}

/** A blob read by {@link CatFile}. */
export interface Blob {
  sha: string;
  size: number;
  /** Undefined when the blob was larger than the limit (not read into memory) or missing. */
  data?: Buffer;
}

/**
 * Streams blobs through one `git cat-file --batch` process. Output is paused while more than
 * `highWaterBytes` of blobs wait to be consumed, so memory stays bounded on a long history.
 */
export async function* catFile(repo: string, shas: Iterable<string>, maxSize: number, highWaterBytes = 64 * 1024 * 1024): AsyncGenerator<Blob> {
  const child = spawn('git', ['cat-file', '--batch'], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  child.on('error', () => undefined);
  const ready: Blob[] = [];
  let readyBytes = 0;
  let wake: (() => void) | undefined;
  let ended = false;
  const chunks: Buffer[] = [];
  let buffered = 0;
  let header: { sha: string; size: number } | undefined;

  const parse = (): void => {
    for (;;) {
      if (!header) {
        // A header may straddle two chunks; what is left of a consumed blob is small, so joining is cheap.
        if (chunks.length > 1) { const joined = Buffer.concat(chunks); chunks.length = 0; chunks.push(joined); }
        const first = chunks[0];
        const nl = first ? first.indexOf(10) : -1;
        if (nl < 0) return;
        const parts = first.toString('utf8', 0, nl).trim().split(' ');
        const rest = first.subarray(nl + 1);
        chunks.length = 0;
        if (rest.length) chunks.push(rest);
        buffered = rest.length;
        if (parts[1] === 'missing') { ready.push({ sha: parts[0], size: 0 }); continue; }
        header = { sha: parts[0], size: Number(parts[2]) };
      }
      if (buffered < header.size + 1) return;
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      // Copied out of the shared chunk: the blob owns its memory (it may be transferred to a worker).
      const blob: Blob = { sha: header.sha, size: header.size, data: header.size > maxSize ? undefined : Buffer.from(all.subarray(0, header.size)) };
      const rest = all.subarray(header.size + 1);
      chunks.length = 0;
      if (rest.length) chunks.push(rest);
      buffered = rest.length;
      ready.push(blob);
      readyBytes += blob.data?.length ?? 0;
      header = undefined;
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    chunks.push(d);
    buffered += d.length;
    parse();
    if (readyBytes > highWaterBytes) child.stdout.pause();
    wake?.();
  });
  child.stdout.on('end', () => { ended = true; wake?.(); });

  const writer = (async () => {
    for (const sha of shas) {
      if (!child.stdin.write(`${sha}\n`)) await new Promise((resolve) => child.stdin.once('drain', resolve));
    }
    child.stdin.end();
  })().catch(() => undefined);

  try {
    for (;;) {
      if (ready.length > 0) {
        const blob = ready.shift()!;
        readyBytes -= blob.data?.length ?? 0;
        if (readyBytes <= highWaterBytes && child.stdout.isPaused()) child.stdout.resume();
        yield blob;
        continue;
      }
      if (ended) break;
      await new Promise<void>((resolve) => { wake = () => { wake = undefined; resolve(); }; });
    }
    await writer;
    const code = await exited;
    if (code !== 0 && code !== null) throw new GitError(`git cat-file failed: ${stderr.trim().split('\n')[0]}`);
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
