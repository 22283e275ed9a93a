/**
 * `misp-guard`: the CI scanner. Arguments → walker → core → text | json | sarif.
 * Exit codes: 0 clean, 1 findings, 2 usage error. Keys only ever appear masked.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { redact } from './core';
import { MAIN_HELP, SCAN_HELP, USAGE_LINE, UsageError, parseCommandLine } from './cli/args';
import type { Command } from './cli/args';
import { formatJson } from './cli/jsonReport';
import { formatSarif } from './cli/sarifReport';
import { runScan } from './cli/scan';
import { formatNotices, formatText } from './cli/textReport';

/** Exit codes of the CLI. */
export const EXIT = { clean: 0, findings: 1, usage: 2 } as const;

/** Where the CLI writes; replaceable for in-process tests. */
export interface CliIo {
  cwd: string;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** Runs the CLI and returns its exit code. */
export function main(argv: readonly string[], io: CliIo): number {
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`misp-guard: ${redact(e.message)}\n${USAGE_LINE}`);
    return EXIT.usage;
  }
  switch (command.kind) {
    case 'help':
      io.stdout.write(command.topic === 'scan' ? SCAN_HELP : MAIN_HELP);
      return EXIT.clean;
    case 'version':
      io.stdout.write(`${toolVersion()}\n`);
      return EXIT.clean;
    case 'scan':
      return scan(command, io);
  }
}

function scan(command: Extract<Command, { kind: 'scan' }>, io: CliIo): number {
  const missing = command.paths.filter((p) => !fs.existsSync(path.resolve(io.cwd, p)));
  if (missing.length > 0) {
    io.stderr.write(`misp-guard: no such file or directory: ${missing.join(', ')}\n`);
    return EXIT.usage;
  }
  const result = runScan({ paths: command.paths, cwd: io.cwd });
  const version = toolVersion();
  const toFile = command.output !== undefined;
  const report =
    command.format === 'json' ? formatJson(result, version)
      : command.format === 'sarif' ? formatSarif(result, version)
        : formatText(result, !toFile && useColour(io.stdout, io.env));
  if (command.format === 'text') io.stderr.write(formatNotices(result, useColour(io.stderr, io.env)));
  if (toFile) {
    try {
      fs.writeFileSync(path.resolve(io.cwd, command.output!), report);
    } catch (e) {
      io.stderr.write(`misp-guard: cannot write ${command.output}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return EXIT.usage;
    }
    if (command.format !== 'text') {
      io.stderr.write(`misp-guard: ${result.findings.length} finding(s) in ${result.filesScanned} file(s) scanned; ${command.format} report written to ${command.output}\n`);
    }
  } else io.stdout.write(report);
  return result.findings.length > 0 ? EXIT.findings : EXIT.clean;
}

/** Colour on a terminal unless NO_COLOR is set; FORCE_COLOR forces it. */
function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
}

/** Version from the package.json next to the bundle (dist/..), found by walking up. */
function toolVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'misp-guard' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: keep walking up
    }
    if (path.dirname(dir) === dir) return '0.0.0';
  }
}

if (require.main === module) {
  const io: CliIo = { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, env: process.env };
  try {
    // exitCode, not exit(): large reports to a pipe must flush first.
    process.exitCode = main(process.argv.slice(2), io);
  } catch (e) {
    process.stderr.write(`misp-guard: internal error: ${redact(e instanceof Error ? e.stack ?? e.message : String(e))}\n`);
    process.exitCode = EXIT.usage;
  }
}
