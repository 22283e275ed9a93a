/**
 * Command-line parsing for `misp-guard`. Pure: argv in, a command or a usage error out.
 */
import { parseArgs } from 'node:util';

/** Report formats of `scan`. */
export const FORMATS = ['text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

/** What the command line asks for. */
export type Command =
  | { kind: 'help'; topic?: 'scan' }
  | { kind: 'version' }
  | { kind: 'scan'; format: Format; output?: string; paths: string[] };

/** A command line the CLI cannot run (exit code 2). */
export class UsageError extends Error {}

/** One line printed after a usage error. */
export const USAGE_LINE = `Usage: misp-guard scan [--format text|json|sarif] [--output FILE] [PATH...]
Run 'misp-guard --help' for more.
`;

export const MAIN_HELP = `misp-guard: find leaked MISP API keys and disabled TLS verification

Usage:
  misp-guard scan [--format text|json|sarif] [--output FILE] [PATH...]
  misp-guard --help | --version

Commands:
  scan     Scan files and directories (default: the current directory)

Run 'misp-guard scan --help' for the scan options.
`;

export const SCAN_HELP = `Usage: misp-guard scan [options] [PATH...]

Scans every text file under each PATH (default '.'). Skips .git (never read), node_modules,
binary files and files over 5 MB, and says so in the summary. Keys are always shown masked.

Options:
  -f, --format FORMAT   text (default), json or sarif (SARIF 2.1.0)
  -o, --output FILE     write the report to FILE instead of stdout
  -h, --help            show this help

Exit codes: 0 no findings, 1 findings, 2 usage error.
`;

/** Parses argv (without the node and script entries). */
export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('missing command');
  if (first === '--help' || first === '-h' || first === 'help') return { kind: 'help', topic: rest[0] === 'scan' ? 'scan' : undefined };
  if (first === '--version' || first === '-v' || first === '-V') return { kind: 'version' };
  if (first !== 'scan') throw new UsageError(first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    // parseArgs messages run on with advice about '--'; the first sentence is the point.
    throw new UsageError(e instanceof Error ? e.message.split(/\.\s/)[0] : String(e));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help', topic: 'scan' };
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format '${format}' (expected ${FORMATS.join(', ')})`);
  }
  if (values.output === '') throw new UsageError('--output needs a file name');
  return { kind: 'scan', format: format as Format, output: values.output, paths: positionals.length ? positionals : ['.'] };
}
