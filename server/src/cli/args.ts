/**
 * Command-line parsing for `misp-guard`. Pure: argv in, a command or a usage error out.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { FIX_USAGE, FixUsageError, parseFixCommand } from './fixArgs';
import type { FixCommand } from './fixArgs';

/** Report formats of `scan`. */
export const FORMATS = ['text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

/** Severities `--fail-on` accepts. */
export const FAIL_ON = ['error', 'warning'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** What files a scan reads. */
export type ScanSource =
  | { kind: 'tree' } // the paths on disk
  | { kind: 'staged' } // the blobs staged in git
  | { kind: 'since'; rev: string } // files changed since a revision
  | { kind: 'history'; since?: string }; // every commit reachable from HEAD (or since..HEAD)

/** Options `scan` and `baseline` share. */
export interface WalkFlags {
  paths: string[];
  exclude: string[];
  maxFileSize?: number;
  /** Honour .gitignore files (default true). */
  gitignore: boolean;
  /** Worker threads (0: one per core). */
  jobs: number;
}

/** What the command line asks for. */
export type Command =
  | { kind: 'help'; topic?: 'scan' | 'baseline' | 'fix' }
  | { kind: 'version' }
  | ({ kind: 'scan'; format: Format; output?: string; source: ScanSource; baseline?: string; failOn?: FailOn } & WalkFlags)
  | ({ kind: 'baseline'; output: string; history?: { since?: string } } & WalkFlags)
  | FixCommand;

/** The commands a usage error can belong to. */
export type CommandName = 'scan' | 'baseline' | 'fix';

/** A command line the CLI cannot run (exit code 2). `command`: whose usage to print (none: the main one). */
export class UsageError extends Error {
  constructor(message: string, readonly command?: CommandName) {
    super(message);
  }
}

const SCAN_USAGE = `misp-guard scan [--format text|json|sarif] [--output FILE] [PATH...]
       misp-guard scan --staged | --since REV | --history [options] [PATH...]`;
const BASELINE_USAGE = 'misp-guard baseline [--output FILE] [--history [--since REV]] [options] [PATH...]';

/** What is printed after a usage error: the usage of the command that failed, and where to read more. */
export function usageText(command?: CommandName): string {
  if (command === undefined) {
    return `Usage: misp-guard scan|baseline|fix [options] [PATH...]
Run 'misp-guard --help' for more.
`;
  }
  const usage = command === 'scan' ? SCAN_USAGE : command === 'baseline' ? BASELINE_USAGE : FIX_USAGE;
  return `Usage: ${usage}\nRun 'misp-guard ${command} --help' for more.\n`;
}

export const MAIN_HELP = `misp-guard: find leaked MISP API keys and disabled TLS verification

Usage:
  misp-guard scan [--format text|json|sarif] [--output FILE] [PATH...]
  misp-guard scan --staged | --since REV | --history [options]
  misp-guard baseline [--output FILE] [--history [--since REV]] [PATH...]
  misp-guard fix --to env|vault [--write] [--store dotenv|vault] [options] PATH...
  misp-guard --help | --version

Commands:
  scan       Scan files and directories (default: the current directory), staged changes or git history
  baseline   Accept the current findings: write them to a baseline file that later scans hide
  fix        Move keys to environment variables or Vault and turn TLS verification back on
             (a dry run printing a masked diff unless --write)

Run 'misp-guard scan --help', 'misp-guard baseline --help' or 'misp-guard fix --help' for their options.
`;

export const SCAN_HELP = `Usage: misp-guard scan [options] [PATH...]

Scans every text file under each PATH (default '.'). Skips .git (never read), node_modules,
files ignored by .gitignore, binary files and files over 5 MB, and says so in the summary.
Keys are always shown masked.

What to scan (default: the files on disk):
      --staged          the blobs staged in git (for a pre-commit hook), not the work tree
      --since REV       only files changed since REV (committed or not) and untracked files
      --history         every commit reachable from HEAD (with --since REV: REV..HEAD); reports
                        keys that were added and later removed, with the commit ids

Options:
  -f, --format FORMAT   text (default), json or sarif (SARIF 2.1.0)
  -o, --output FILE     write the report to FILE instead of stdout
  -b, --baseline FILE   hide the findings accepted in FILE (see 'misp-guard baseline')
  -e, --exclude GLOB    leave out matching files and directories (repeatable); a GLOB without '/'
                        matches names anywhere, e.g. '*.min.js'; others match paths from PATH or '.'
      --max-file-size N skip files over N bytes (suffixes K, M, G; default 5M)
      --no-gitignore    scan files that .gitignore ignores, too
      --fail-on LEVEL   exit 1 only for findings of LEVEL or worse: error or warning
                        (default: any finding)
  -j, --jobs N          worker threads (default: one per core)
  -h, --help            show this help

Exit codes: 0 no findings, 1 findings, 2 usage error, git or baseline error, or a PATH that is
missing, unreadable or was not scanned (binary, too large, not a regular file), findings or not.
`;

export const BASELINE_HELP = `Usage: misp-guard baseline [options] [PATH...]

Scans like 'misp-guard scan' and writes every finding to a baseline file, identified by a
fingerprint (rule, file, hash of the masked value and its context; no line numbers, no key).
'misp-guard scan --baseline FILE' and the editor then hide those findings and report new ones.
Paths in the file are relative to its directory.

Options:
  -o, --output FILE     where to write (default: ${'.misp-guard-baseline.json'})
      --history         also accept every key in the git history (what 'scan --history' reports:
                        keys committed and later removed or rotated), besides the findings on disk;
                        'scan --history --baseline FILE' then hides them too
      --since REV       with --history: only the history REV..HEAD
  -e, --exclude GLOB    as for scan (repeatable)
      --max-file-size N as for scan
      --no-gitignore    as for scan
  -j, --jobs N          as for scan
  -h, --help            show this help

Exit codes: 0 written; 2 usage error, or a PATH missing, unreadable or not scanned (nothing written).
`;

/** Parses argv (without the node and script entries). */
export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('missing command (scan, baseline or fix)');
  if (first === '--help' || first === '-h' || first === 'help') {
    return { kind: 'help', topic: rest[0] === 'scan' || rest[0] === 'baseline' || rest[0] === 'fix' ? rest[0] : undefined };
  }
  if (first === '--version' || first === '-v' || first === '-V') return { kind: 'version' };
  if (first === 'baseline') return parseBaseline(rest);
  if (first === 'fix') {
    let fix;
    try {
      fix = parseFixCommand(rest);
    } catch (e) {
      throw e instanceof FixUsageError ? new UsageError(plainParseMessage(e.message), 'fix') : e;
    }
    if (fix.kind === 'fix') noEmptyPath(fix.paths, 'fix');
    return fix;
  }
  if (first !== 'scan') {
    throw new UsageError(first.startsWith('-') ? `unknown option '${first}' (options go after the command: scan, baseline or fix)` : `unknown command '${first}' (expected scan, baseline or fix)`);
  }
  const options = {
    format: { type: 'string', short: 'f' },
    output: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h' },
    staged: { type: 'boolean' },
    since: { type: 'string' },
    history: { type: 'boolean' },
    baseline: { type: 'string', short: 'b' },
    'fail-on': { type: 'string' },
    ...WALK_OPTIONS,
  } as const;
  const { values, positionals } = parse(rest, options, 'scan');
  if (values.help) return { kind: 'help', topic: 'scan' };
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format '${format}' (expected ${FORMATS.join(', ')})`, 'scan');
  }
  if (values.output === '') throw new UsageError('--output needs a file name', 'scan');
  if (values.baseline === '') throw new UsageError('--baseline needs a file name', 'scan');
  if (values.since !== undefined && values.since.trim() === '') throw new UsageError('--since needs a revision', 'scan');
  const failOn = values['fail-on'];
  if (failOn !== undefined && !(FAIL_ON as readonly string[]).includes(failOn)) {
    throw new UsageError(`unknown --fail-on level '${failOn}' (expected ${FAIL_ON.join(' or ')})`, 'scan');
  }
  if (values.staged && (values.since !== undefined || values.history)) throw new UsageError('--staged cannot be combined with --since or --history', 'scan');
  const source: ScanSource = values.history ? { kind: 'history', since: values.since }
    : values.staged ? { kind: 'staged' }
      : values.since !== undefined ? { kind: 'since', rev: values.since } : { kind: 'tree' };
  return {
    kind: 'scan', format: format as Format, output: values.output, source, baseline: values.baseline,
    failOn: failOn as FailOn | undefined, ...walkFlags(values, positionals, 'scan'),
  };
}

/** Options of the walk, shared by `scan` and `baseline`. */
const WALK_OPTIONS = {
  exclude: { type: 'string', short: 'e', multiple: true },
  'max-file-size': { type: 'string' },
  'no-gitignore': { type: 'boolean' },
  jobs: { type: 'string', short: 'j' },
} as const;

function walkFlags(values: { exclude?: string[]; 'max-file-size'?: string; 'no-gitignore'?: boolean; jobs?: string }, positionals: string[], command: CommandName): WalkFlags {
  const exclude = values.exclude ?? [];
  if (exclude.some((g) => g.trim() === '')) throw new UsageError('--exclude needs a glob', command);
  noEmptyPath(positionals, command);
  let maxFileSize: number | undefined;
  let jobs = 0;
  try {
    if (values.jobs !== undefined) jobs = parseJobs(values.jobs);
    if (values['max-file-size'] !== undefined) maxFileSize = parseSize(values['max-file-size']);
  } catch (e) {
    throw e instanceof UsageError ? new UsageError(e.message, command) : e;
  }
  return {
    paths: positionals.length ? positionals : ['.'],
    exclude,
    maxFileSize,
    gitignore: !values['no-gitignore'],
    jobs,
  };
}

/** An empty PATH argument (`''`, an unset variable) is a mistake, not the current directory. */
function noEmptyPath(paths: readonly string[], command: CommandName): void {
  if (paths.some((p) => p === '')) throw new UsageError("empty PATH argument (write '.' for the current directory)", command);
}

/** `--jobs N`: a positive number, capped (more threads than cores only cost memory: each worker holds its own engine and files). */
function parseJobs(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--jobs needs a positive number, not '${text}'`);
  return Math.min(Number(text), Math.max(1, availableParallelism() * 2));
}

/** `512`, `64K`, `5M`, `1G` (binary multiples) → bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--max-file-size needs a size such as 500K or 5M, not '${text}'`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * unit);
}

function parseBaseline(rest: readonly string[]): Command {
  const options = {
    output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' },
    history: { type: 'boolean' }, since: { type: 'string' }, ...WALK_OPTIONS,
  } as const;
  const { values, positionals } = parse(rest, options, 'baseline');
  if (values.help) return { kind: 'help', topic: 'baseline' };
  if (values.output === '') throw new UsageError('--output needs a file name', 'baseline');
  if (values.since !== undefined && values.since.trim() === '') throw new UsageError('--since needs a revision', 'baseline');
  // A baseline of the files changed since REV would drop every accepted finding elsewhere.
  if (values.since !== undefined && !values.history) throw new UsageError('--since needs --history here (the history REV..HEAD)', 'baseline');
  return {
    kind: 'baseline', output: values.output ?? '.misp-guard-baseline.json',
    ...(values.history ? { history: { since: values.since } } : {}),
    ...walkFlags(values, positionals, 'baseline'),
  };
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Strict parseArgs, with its errors turned into short, lower-case messages of this command. */
function parse<T extends OptionSpec>(args: readonly string[], options: T, command: CommandName) {
  try {
    return parseArgs({ args: [...args], allowPositionals: true, strict: true, options });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new UsageError(ambiguousValueMessage(message, args, options) ?? plainParseMessage(message), command);
  }
}

/**
 * `--max-file-size -1`: parseArgs will not take a value starting with '-' ("argument is ambiguous").
 * Said plainly: the value is checked as the option's value would be, or the option is said to need one.
 */
function ambiguousValueMessage(message: string, args: readonly string[], options: OptionSpec): string | undefined {
  const m = /^Option '(--?[\w-]+)' argument is ambiguous/.exec(message);
  if (!m) return undefined;
  const long = m[1].startsWith('--') ? m[1].slice(2) : Object.keys(options).find((k) => options[k].short === m[1].slice(1));
  const value = args[args.indexOf(m[1]) + 1];
  if (long === undefined || value === undefined) return undefined;
  const isOption = /^--?[\w-]/.test(value) && (value.startsWith('--') ? value.slice(2).split('=')[0] in options : Object.values(options).some((o) => o.short === value[1]));
  if (!isOption) {
    try {
      if (long === 'max-file-size') parseSize(value);
      if (long === 'jobs') parseJobs(value);
    } catch (e) {
      if (e instanceof UsageError) return e.message;
      throw e;
    }
    return `--${long} needs a value, and '${value}' looks like an option (write --${long}=${value} if it is the value)`;
  }
  return `--${long} needs a value (found the option '${value}' instead)`;
}

/** A parseArgs message without its advice about '--', lower-case like the CLI's own messages. */
export function plainParseMessage(message: string): string {
  const first = message.split(/\.\s/)[0].replace(/\.$/, '');
  let m: RegExpExecArray | null;
  if ((m = /^Unknown option '([^']+)'/.exec(first))) return `unknown option '${m[1]}'`;
  if ((m = /^Option '(?:-\w, )?(--?[\w-]+)(?: <value>)?' argument missing/.exec(first))) return `${m[1]} needs a value`;
  if ((m = /^Option '(?:-\w, )?(--?[\w-]+)' does not take an argument/.exec(first))) return `${m[1]} takes no value`;
  if ((m = /^Option '(--?[\w-]+)' argument is ambiguous/.exec(first))) return `${m[1]} needs a value, not an option`;
  return first.charAt(0).toLowerCase() + first.slice(1);
}
