/**
 * Runs the built CLI (dist/cli.js) as a child process, and builds throwaway fixture trees.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Project root (this file runs from out/test/cli). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(PROJECT_ROOT, 'dist', 'cli.js');

/** What one CLI run produced. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs `node dist/cli.js ...args` and waits (with a timeout, so a hang fails instead of blocking). */
export function runCli(args: readonly string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? PROJECT_ROOT,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 20_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...opts.env },
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  if (r.error && !timedOut) throw r.error;
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut };
}

/** A temporary directory holding the given files (path → content); removed by {@link removeTree}. */
export function makeTree(files: Record<string, string | Buffer>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'misp-guard-cli-')));
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  return root;
}

export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/**
 * A fake but valid-shaped MISP key (40 mixed-case letters and digits), deterministic per seed,
 * so fixtures never look like placeholders and runs are reproducible.
 */
export function fakeKey(seed: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = seed >>> 0 || 1;
  let out = '';
  while (out.length < 40) {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    out += alphabet[s % alphabet.length];
  }
  // make the class mix certain: upper, lower and digit at fixed places
  return `Q${out.slice(1, 20)}m${out.slice(21, 39)}7`;
}

/** A Python script that any MISP-aware scanner must flag: a hard-coded key (line 4) and ssl=False (line 5). */
export function pymispScript(key: string): string {
  return [
    'from pymisp import PyMISP',
    '',
    'misp_url = "https://misp.example.org"',
    `misp_key = "${key}"`,
    'misp = PyMISP(misp_url, misp_key, ssl=False)',
    '',
  ].join('\n');
}
