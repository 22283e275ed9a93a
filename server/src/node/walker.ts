/**
 * File-system walk for the CLI and the workspace scan: yields every text file under the given
 * paths with its content, and every file or directory it leaves out with the reason.
 * Nothing is skipped silently. Order is deterministic: roots as given, entries by code-unit order.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { languageIdForPath } from './languageIds';

export { languageIdForPath } from './languageIds';

/** Files larger than this are skipped unless the caller sets another limit. */
export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

/** How many leading bytes are searched for NUL bytes to call a file binary. */
const BINARY_SNIFF_BYTES = 8192;

/** Why an entry was not analysed. */
export type SkipReason =
  | 'git-dir' // a `.git` directory or file: never read
  | 'dependency-dir' // `node_modules`
  | 'binary' // a binary format's magic number, or several NUL bytes in the first 8 KB
  | 'too-large' // over the size limit
  | 'already-visited' // reached again through a symlink or a repeated path (loops end here)
  | 'outside-root' // a symlink leading out of the folders being scanned (/proc, another project, ...)
  | 'not-regular' // FIFO, socket or device
  | 'unreadable' // stat/read/readdir failed (permissions, broken symlink, ...)
  | 'gitignored' // matched by a .gitignore
  | 'excluded'; // matched by an exclude glob (--exclude, files.exclude, mispGuard.exclude)

/** Human wording of each skip reason, for summaries. */
export const SKIP_REASON_LABELS: Readonly<Record<SkipReason, string>> = {
  'git-dir': '.git directory',
  'dependency-dir': 'node_modules directory',
  binary: 'binary file',
  'too-large': 'file over the size limit',
  'already-visited': 'already visited (symlink or repeated path)',
  'outside-root': 'symlink leading outside the scanned folders',
  'not-regular': 'not a regular file',
  unreadable: 'unreadable',
  gitignored: 'ignored by .gitignore',
  excluded: 'excluded by a glob',
};

/** A text file to analyse. */
export interface WalkedFile {
  kind: 'file';
  /** Absolute path as reached (symlinks not resolved). */
  path: string;
  text: string;
  languageId: string;
  /** Size in bytes. */
  size: number;
}

/** A file or directory left out. */
export interface SkippedEntry {
  kind: 'skip';
  /** Absolute path as reached. */
  path: string;
  reason: SkipReason;
  directory: boolean;
  /** Extra detail (error code, size); never file content. */
  detail?: string;
}

export type WalkEntry = WalkedFile | SkippedEntry;

/** A file to analyse, not read yet (see {@link walkPaths}). */
export interface WalkedPath {
  kind: 'path';
  /** Absolute path as reached (symlinks not resolved). */
  path: string;
  languageId: string;
  /** Size in bytes when stat ran (it may change before the file is read). */
  size: number;
}

/** Walk options. */
export interface WalkOptions {
  /** Files over this many bytes are skipped (default {@link DEFAULT_MAX_FILE_SIZE}). */
  maxFileSize?: number;
  /**
   * Decides whether an entry below a root is left out (.gitignore, exclude globs): a skip reason, or
   * undefined to keep it. An ignored directory is not entered. Roots given explicitly are kept.
   */
  ignore?: (path: string, isDirectory: boolean) => SkipReason | undefined;
}

/** Directory names never entered while walking (an explicit root is still scanned, except `.git`). */
const SKIPPED_DIRS: ReadonlyMap<string, SkipReason> = new Map([['.git', 'git-dir'], ['node_modules', 'dependency-dir']]);

/**
 * Walks the given files and directories and yields analysable files (read and decoded) and skips.
 * Synchronous, so a caller can stop or pause between entries.
 */
export function* walk(roots: readonly string[], options: WalkOptions = {}): Generator<WalkEntry> {
  for (const entry of walkPaths(roots, options)) {
    yield entry.kind === 'skip' ? entry : readWalkedPath(entry, options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE);
  }
}

/**
 * Reads and decodes a walked path: the file, or a skip when it is binary or unreadable (or grew
 * over `maxFileSize` since it was walked).
 */
export function readWalkedPath(entry: WalkedPath, maxFileSize = Infinity): WalkedFile | SkippedEntry {
  const p = entry.path;
  let buf: Buffer;
  let fd: number | undefined;
  try {
    // open, fstat, read, close (what readFileSync does), with the size checked before anything is read.
    fd = fs.openSync(p, 'r');
    const size = fs.fstatSync(fd).size;
    if (size > maxFileSize) return { kind: 'skip', path: p, reason: 'too-large', directory: false, detail: `${size} bytes` };
    buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = fs.readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    if (got < size) buf = buf.subarray(0, got);
  } catch (e) {
    return { kind: 'skip', path: p, reason: 'unreadable', directory: false, detail: errorCode(e) };
  } finally {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* already reported */ }
  }
  if (buf.length > maxFileSize) return { kind: 'skip', path: p, reason: 'too-large', directory: false, detail: `${buf.length} bytes` };
  const text = decode(buf);
  if (text === undefined) return { kind: 'skip', path: p, reason: 'binary', directory: false };
  return { kind: 'file', path: p, text, languageId: entry.languageId, size: buf.length };
}

/**
 * Walks the given files and directories and yields the files to analyse (without reading them)
 * and the skips. Synchronous and lazy, so a caller can stop or pause between entries.
 */
export function* walkPaths(roots: readonly string[], options: WalkOptions = {}): Generator<WalkedPath | SkippedEntry> {
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  /** Directories entered, by device and inode (a symlink loop ends here). */
  const seenDirs = new Set<string>();
  /** Files yielded, by real path (a file reached again through a link is analysed once). */
  const seenFiles = new Set<string>();
  const realRoots = roots.map((r) => { try { return fs.realpathSync(path.resolve(r)); } catch { return path.resolve(r); } });
  const insideRoots = (real: string) => realRoots.some((r) => real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  const realOf = (p: string): string => { try { return fs.realpathSync(p); } catch { return p; } };

  /**
   * `real` is the entry's real path when it is known without asking the file system (no link on the
   * way down); `plainFile` says the directory listing shows a regular file that is no link: such a
   * file needs no stat (its size is checked when it is read), which is most of a tree.
   */
  function* visit(p: string, isRoot: boolean, ignore: WalkOptions['ignore'], isLink: boolean, plainFile: boolean, real: string | undefined): Generator<WalkedPath | SkippedEntry> {
    const name = path.basename(p);
    if (plainFile && real !== undefined) {
      const ignored = ignore?.(p, false);
      if (ignored) { yield { kind: 'skip', path: p, reason: ignored, directory: false }; return; }
      if (seenFiles.has(real)) { yield { kind: 'skip', path: p, reason: 'already-visited', directory: false }; return; }
      seenFiles.add(real);
      yield { kind: 'path', path: p, languageId: languageIdForPath(p), size: 0 };
      return;
    }
    if (name === '.git') {
      yield { kind: 'skip', path: p, reason: 'git-dir', directory: true };
      return;
    }
    if (!isRoot && isLink && escapes(p)) {
      yield { kind: 'skip', path: p, reason: 'outside-root', directory: false };
      return;
    }
    let st: fs.BigIntStats;
    try {
      st = fs.statSync(p, { bigint: true });
    } catch (e) {
      yield { kind: 'skip', path: p, reason: 'unreadable', directory: false, detail: errorCode(e) };
      return;
    }
    if (st.isDirectory()) {
      const excluded = SKIPPED_DIRS.get(name);
      if (excluded && !isRoot) {
        yield { kind: 'skip', path: p, reason: excluded, directory: true };
        return;
      }
      const ignored = isRoot ? undefined : ignore?.(p, true);
      if (ignored) {
        yield { kind: 'skip', path: p, reason: ignored, directory: true };
        return;
      }
      const id = `${st.dev}:${st.ino}`;
      if (seenDirs.has(id)) {
        yield { kind: 'skip', path: p, reason: 'already-visited', directory: true };
        return;
      }
      seenDirs.add(id);
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(p, { withFileTypes: true });
      } catch (e) {
        yield { kind: 'skip', path: p, reason: 'unreadable', directory: true, detail: errorCode(e) };
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const realDir = real !== undefined && !isLink ? real : realOf(p);
      // Only symlinks need the escape check; the directory listing already says which entries are links.
      for (const child of entries) {
        const link = child.isSymbolicLink() || child.isDirectory() === child.isFile();
        yield* visit(path.join(p, child.name), false, ignore, link, !link && child.isFile(), link ? undefined : path.join(realDir, child.name));
      }
      return;
    }
    const ignored = isRoot ? undefined : ignore?.(p, false);
    if (ignored) {
      yield { kind: 'skip', path: p, reason: ignored, directory: false };
      return;
    }
    if (!st.isFile()) {
      yield { kind: 'skip', path: p, reason: 'not-regular', directory: false };
      return;
    }
    const realFile = real !== undefined && !isLink ? real : realOf(p);
    if (seenFiles.has(realFile)) {
      yield { kind: 'skip', path: p, reason: 'already-visited', directory: false };
      return;
    }
    seenFiles.add(realFile);
    const size = Number(st.size);
    if (size > maxFileSize) {
      yield { kind: 'skip', path: p, reason: 'too-large', directory: false, detail: `${size} bytes` };
      return;
    }
    yield { kind: 'path', path: p, languageId: languageIdForPath(p), size };
  }

  /** A symlink whose target lies outside every scanned folder: never followed (a link to /proc would never end). */
  function escapes(p: string): boolean {
    try {
      if (!fs.lstatSync(p).isSymbolicLink()) return false;
      return !insideRoots(fs.realpathSync(p));
    } catch {
      return false; // a dangling link: stat reports it as unreadable
    }
  }

  for (const root of roots) {
    const abs = path.resolve(root);
    // A folder named on the command line is scanned even when a .gitignore above it ignores it.
    let rootIgnored = false;
    try { rootIgnored = !!options.ignore?.(abs, fs.statSync(abs).isDirectory()); } catch { /* reported by visit */ }
    yield* visit(abs, true, rootIgnored ? undefined : options.ignore, true, false, undefined);
  }
}

/**
 * Text of a file: UTF-8 (BOM dropped, as editors do), or UTF-16 when it starts with a UTF-16 BOM or,
 * without one, when every other byte is NUL and it decodes to printable text (what Windows tools
 * such as PowerShell's `>` write). `undefined` for a binary file (see {@link isBinary}).
 */
export function decode(buf: Buffer): string | undefined {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  const head = buf.subarray(0, BINARY_SNIFF_BYTES);
  // UTF-16 without a BOM has NUL bytes all over; most files have none, and that test is native.
  const utf16 = head.indexOf(0) >= 0 ? utf16WithoutBom(head) : undefined;
  if (utf16) {
    const text = new TextDecoder(utf16).decode(buf);
    if (mostlyPrintable(text.slice(0, BINARY_SNIFF_BYTES / 2))) return text;
  }
  if (isBinary(buf, head)) return undefined;
  const start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  return buf.toString('utf8', start);
}

/**
 * Magic numbers of common binary formats (PNG, GIF, JPEG, ZIP/JAR/docx, gzip, ELF, Mach-O, class).
 * Each starts with a byte no text starts with, or is long enough not to open a line of text by chance.
 * PE/DOS executables (`MZ`) are checked apart: two letters are a plausible start of text.
 */
const MAGIC = [[0x89, 0x50, 0x4e, 0x47], [0x47, 0x49, 0x46, 0x38, 0x37, 0x61], [0x47, 0x49, 0x46, 0x38, 0x39, 0x61], [0xff, 0xd8, 0xff],
  [0x50, 0x4b, 0x03, 0x04], [0x1f, 0x8b], [0x7f, 0x45, 0x4c, 0x46], [0xcf, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe]];

/**
 * A binary file: a known magic number, a PE executable (`MZ` whose header at 0x3c points at
 * `PE\0\0`), or several NUL bytes in the first 8 KB (compressed and executable data has them every
 * few hundred bytes; a DOS executable's header too). A stray NUL in a text file is not enough: it
 * would hide a key in a .env. Neither is a text that happens to start with `MZ` (`MZ_REGION=eu`).
 */
function isBinary(buf: Buffer, head: Buffer): boolean {
  if (MAGIC.some((m) => m.every((b, i) => head[i] === b))) return true;
  if (isPortableExecutable(buf)) return true;
  let nuls = 0;
  for (let i = head.indexOf(0); i >= 0 && nuls < 4; i = head.indexOf(0, i + 1)) nuls++;
  return nuls >= 4;
}

/** `MZ`, a DOS header of at least 64 bytes, and at its offset 0x3c the position of a `PE\0\0` signature. */
function isPortableExecutable(buf: Buffer): boolean {
  if (buf.length < 64 || buf[0] !== 0x4d || buf[1] !== 0x5a) return false;
  const pe = buf.readUInt32LE(0x3c);
  return pe >= 64 && pe + 4 <= buf.length && buf[pe] === 0x50 && buf[pe + 1] === 0x45 && buf[pe + 2] === 0 && buf[pe + 3] === 0;
}

/**
 * UTF-16 without a byte-order mark, told by where the NUL bytes are: the high byte of every ASCII
 * character. Little-endian when (nearly) all odd bytes are NUL and (nearly) no even one is, and the
 * other way round for big-endian.
 */
function utf16WithoutBom(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = Math.floor(head.length / 2);
  if (pairs < 2) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const most = (n: number): boolean => n >= pairs * 0.9;
  const few = (n: number): boolean => n <= pairs * 0.02;
  if (most(oddNul) && few(evenNul)) return 'utf-16le';
  if (most(evenNul) && few(oddNul)) return 'utf-16be';
  return undefined;
}

/** Printable text: at least 95% of it letters, marks, symbols, spaces, tabs and line breaks (no other control characters, no U+FFFD). */
function mostlyPrintable(text: string): boolean {
  if (text.length === 0) return false;
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || (c >= 0x7f && c < 0xa0) || c === 0xfffd) bad++;
  }
  return bad <= text.length * 0.05;
}

function errorCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ?? (err instanceof Error ? err.message : String(e));
}
