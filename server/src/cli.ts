/**
 * `misp-guard`: the CI scanner. Arguments → walker → core → text | json | sarif.
 * Exit codes: 0 clean, 1 findings, 2 usage error or a scan that could not do what was asked (see
 * EXIT). Keys only ever appear masked, in paths too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { redact } from './core';
import { BASELINE_HELP, MAIN_HELP, SCAN_HELP, UsageError, parseCommandLine, usageText } from './cli/args';
import type { Command, FailOn } from './cli/args';
import { runFix } from './cli/fix';
import { FIX_HELP } from './cli/fixArgs';
import { formatJson } from './cli/jsonReport';
import { formatSarif } from './cli/sarifReport';
import { shownPath } from './cli/scan';
import type { ReportedFinding, ScanResult } from './cli/scan';
import { runScanAsync } from './cli/scanRunner';
import type { ScanRun } from './cli/scanRunner';
import { formatFindingLines, formatNotices, formatSummary, formatText } from './cli/textReport';
import { Baseline, BaselineError, buildBaseline, mergeBaselines, writeBaseline } from './node/baseline';
import { GitError } from './node/git';
import { SKIP_REASON_LABELS } from './node/walker';

/**
 * Exit codes of the CLI. 2 covers usage errors and every case where the scan could not do what was
 * asked (git error, unusable baseline, a named path missing, unreadable or skipped), findings or not.
 */
export const EXIT = { clean: 0, findings: 1, usage: 2, error: 2 } as const;

/** Where the CLI writes; replaceable for in-process tests. */
export interface CliIo {
  cwd: string;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Aborted when stdout or stderr is closed by its reader (EPIPE): writes are dropped from then on. */
  outputClosed?: AbortSignal;
}

/** Runs the CLI and resolves with its exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`misp-guard: ${redact(e.message)}\n${usageText(e.command)}`);
    return EXIT.usage;
  }
  switch (command.kind) {
    case 'help':
      io.stdout.write(command.topic === 'scan' ? SCAN_HELP : command.topic === 'baseline' ? BASELINE_HELP : command.topic === 'fix' ? FIX_HELP : MAIN_HELP);
      return EXIT.clean;
    case 'version':
      io.stdout.write(`${toolVersion()}\n`);
      return EXIT.clean;
    case 'fix':
      return runFix(command, io);
    case 'scan':
    case 'baseline':
      try {
        return command.kind === 'scan' ? await scan(command, io) : await baseline(command, io);
      } catch (e) {
        if (!(e instanceof GitError) && !(e instanceof BaselineError)) throw e;
        io.stderr.write(`misp-guard: ${redact(e.message)}\n`);
        return EXIT.usage;
      }
  }
}

/** The scan a command asks for, with what both `scan` and `baseline` share. */
function scanRun(command: Extract<Command, { kind: 'scan' | 'baseline' }>, io: CliIo): ScanRun {
  return {
    source: command.kind === 'scan' ? command.source : { kind: 'tree' },
    paths: command.paths, cwd: io.cwd, exclude: command.exclude, gitignore: command.gitignore,
    maxFileSize: command.maxFileSize, jobs: command.jobs,
  };
}

/** A history scan (no path has to exist) or a baseline of one. */
function historyScan(command: Extract<Command, { kind: 'scan' | 'baseline' }>): boolean {
  return command.kind === 'scan' ? command.source.kind === 'history' : command.history !== undefined;
}

/**
 * Paths named on the command line must exist and be readable (all of them, except for a history
 * scan: a path may be long gone). Prints what is wrong and returns false when one is not.
 */
function pathsUsable(command: Extract<Command, { kind: 'scan' | 'baseline' }>, io: CliIo): boolean {
  if (historyScan(command)) return true;
  const missing: string[] = [];
  const problems: string[] = [];
  for (const p of command.paths) {
    const abs = path.resolve(io.cwd, p);
    try {
      const st = fs.statSync(abs);
      // Directories are listed and entered, files read: as root this always passes, and the walk reports what still fails.
      fs.accessSync(abs, st.isDirectory() ? fs.constants.R_OK | fs.constants.X_OK : fs.constants.R_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') missing.push(p);
      else problems.push(`misp-guard: cannot read ${p}: ${code === 'EACCES' || code === 'EPERM' ? `permission denied (${code})` : code ?? String(e)}\n`);
    }
  }
  if (missing.length) io.stderr.write(redact(`misp-guard: no such file or directory: ${missing.join(', ')}\n`));
  for (const line of problems) io.stderr.write(redact(line));
  return missing.length === 0 && problems.length === 0;
}

/** Says which paths named on the command line were not scanned after all (binary, too large, FIFO, unreadable). */
function reportUnscanned(result: ScanResult, io: CliIo): boolean {
  for (const s of result.unscanned ?? []) {
    io.stderr.write(redact(`misp-guard: ${shownPath(result, s.path)} was named but not scanned: ${SKIP_REASON_LABELS[s.reason]}${s.detail ? ` (${s.detail})` : ''}\n`));
  }
  return (result.unscanned ?? []).length > 0;
}

async function baseline(command: Extract<Command, { kind: 'baseline' }>, io: CliIo): Promise<number> {
  if (!pathsUsable(command, io)) return EXIT.error;
  const file = path.resolve(io.cwd, command.output);
  const dir = path.dirname(file);
  // The files on disk; with --history, those that still exist (a history path may be long gone).
  const onDisk = command.history ? command.paths.filter((p) => fs.existsSync(path.resolve(io.cwd, p))) : command.paths;
  const results: ScanResult[] = [];
  if (onDisk.length > 0) results.push(await runScanAsync({ ...scanRun(command, io), paths: onDisk }));
  if (command.history) results.push(await runScanAsync({ ...scanRun(command, io), source: { kind: 'history', since: command.history.since } }));
  let unscanned = false;
  for (const r of results) unscanned = reportUnscanned(r, io) || unscanned;
  if (unscanned) {
    io.stderr.write(redact(`misp-guard: baseline not written to ${command.output}: it would not cover every path asked for\n`));
    return EXIT.error;
  }
  const doc = results.map((r) => buildBaseline(r.findings, dir)).reduce(mergeBaselines);
  try {
    writeBaseline(file, doc);
  } catch (e) {
    io.stderr.write(redact(`misp-guard: cannot write ${command.output}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`));
    return EXIT.error;
  }
  const found = results.reduce((n, r) => n + r.findings.length, 0);
  const scanned = results.map((r) => (r.commits === undefined ? `${r.filesScanned} file(s)` : `${r.filesScanned} file version(s) in ${r.commits} commit(s)`)).join(' and ');
  io.stderr.write(redact(`misp-guard: baseline of ${found} finding(s) (${doc.findings.length} fingerprint(s)) in ${scanned} scanned written to ${command.output}\n`));
  for (const r of results) io.stderr.write(formatNotices(r, useColour(io.stderr, io.env)));
  return EXIT.clean;
}

async function scan(command: Extract<Command, { kind: 'scan' }>, io: CliIo): Promise<number> {
  if (!pathsUsable(command, io)) return EXIT.error;
  const run = scanRun(command, io);
  if (command.baseline !== undefined) run.baseline = Baseline.load(path.resolve(io.cwd, command.baseline));
  const toFile = command.output !== undefined;
  // Text to a terminal or pipe streams: each file's findings as soon as it and those before it are done.
  const stream = command.format === 'text' && !toFile;
  const colour = !toFile && useColour(io.stdout, io.env);
  const fails = failsRun(command.failOn);
  // The reader went away (`| head`): once a failing finding is known the exit code is, so the scan stops.
  const stop = new AbortController();
  let failed = false;
  io.outputClosed?.addEventListener('abort', () => { if (failed) stop.abort(); });
  run.signal = stop.signal;
  if (stream) {
    run.onFindings = (found: ReportedFinding[]) => {
      failed ||= found.some(fails);
      if (io.outputClosed?.aborted) {
        if (failed) stop.abort();
        return;
      }
      io.stdout.write(`${formatFindingLines({ cwd: io.cwd }, found, colour).join('\n')}\n`);
    };
  }
  const result = await runScanAsync(run);
  const version = toolVersion();
  const report =
    command.format === 'json' ? formatJson(result, version)
      : command.format === 'sarif' ? formatSarif(result, version)
        : stream ? `${result.findings.length > 0 ? '\n' : ''}${formatSummary(result, colour)}`
          : formatText(result, colour);
  if (command.format === 'text') io.stderr.write(formatNotices(result, useColour(io.stderr, io.env)));
  if (toFile) {
    try {
      fs.writeFileSync(path.resolve(io.cwd, command.output!), report);
    } catch (e) {
      io.stderr.write(redact(`misp-guard: cannot write ${command.output}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`));
      return EXIT.error;
    }
    if (command.format !== 'text') {
      io.stderr.write(redact(`misp-guard: ${result.findings.length} finding(s) in ${result.filesScanned} file(s) scanned; ${command.format} report written to ${command.output}\n`));
    }
  } else io.stdout.write(report);
  // A path named on the command line that was not scanned: the verdict would claim too much.
  if (reportUnscanned(result, io)) return EXIT.error;
  return result.findings.some(fails) ? EXIT.findings : EXIT.clean;
}

/** Whether a finding makes the run fail (exit 1), under `--fail-on`. */
function failsRun(failOn: FailOn | undefined): (f: ReportedFinding) => boolean {
  if (failOn === 'error') return (f) => f.severity === 'error';
  if (failOn === 'warning') return (f) => f.severity === 'error' || f.severity === 'warning';
  return () => true;
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

/** An unexpected error as text: its stack, or the name and message of an error-like object (one from a worker thread). */
function internalErrorText(e: unknown): string {
  if (e instanceof Error) return e.stack ?? e.message;
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') {
    const { name, message } = e as { name?: unknown; message: string };
    return `${typeof name === 'string' ? name : 'Error'}: ${message}`;
  }
  // A worker thread's DOMException arrives as an empty object.
  const text = String(e);
  if (text !== '[object Object]') return text;
  let json = '';
  try { json = JSON.stringify(e); } catch { /* cyclic */ }
  return `an error without a message (${json || 'object'}), probably from a scan worker thread`;
}

/**
 * `misp-guard scan | head -1`: when the reader of stdout (or stderr) goes away, writing stops without
 * a word (no EPIPE crash, no stack trace) and the exit code stays the scan's own: 0, 1 or 2. Any other
 * write error (a full disk behind `>`) also stops the writing, and makes the exit code 2.
 */
function watchOutput(streams: NodeJS.WriteStream[]): { closed: AbortSignal; failed: () => boolean } {
  const closed = new AbortController();
  let failed = false;
  for (const stream of streams) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      // After EPIPE every later write reports ERR_STREAM_DESTROYED: the same closed stream.
      if (!closed.signal.aborted && e.code !== 'EPIPE') failed = true;
      closed.abort();
    });
  }
  return { closed: closed.signal, failed: () => failed };
}

if (require.main === module) {
  const output = watchOutput([process.stdout, process.stderr]);
  const io: CliIo = { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, env: process.env, outputClosed: output.closed };
  // exitCode, not exit(): large reports to a pipe must flush first.
  main(process.argv.slice(2), io).then((code) => {
    process.exitCode = output.failed() ? EXIT.error : code;
  }, (e: unknown) => {
    process.stderr.write(`misp-guard: internal error: ${redact(internalErrorText(e))}\n`);
    process.exitCode = EXIT.error;
  });
}
