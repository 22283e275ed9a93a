/**
 * Command-line parsing of `misp-guard fix`. Pure: argv in, a command or a usage error out.
 */
import { parseArgs } from 'node:util';

/** What `misp-guard fix` is asked to do. */
export interface FixCommand {
  kind: 'fix';
  /** Where the code should read keys from: an environment variable or Vault. */
  to: 'env' | 'vault';
  /** Store keys and write files; otherwise a dry run printing a diff. */
  write: boolean;
  /** Where keys are stored before they leave the files. */
  store: 'dotenv' | 'vault';
  envVar?: string;
  /** The `.env` file of the dotenv store (default: `.env` at the top of the git work tree, else the scanned root). */
  envFile?: string;
  vaultMount?: string;
  vaultPath?: string;
  vaultField?: string;
  caBundle?: string;
  /** Globs of files and directories left out (as `scan --exclude`). */
  exclude: string[];
  /** Honour .gitignore files (default true; `--no-gitignore` turns it off, as for `scan`). */
  gitignore: boolean;
  /** Files over this many bytes are left out (default 5 MB, as for `scan`). */
  maxFileSize?: number;
  paths: string[];
}

/** A command line the CLI cannot run (exit code 2). */
export class FixUsageError extends Error {}

export const FIX_USAGE = 'misp-guard fix --to env|vault [--write] [--store dotenv|vault] [options] PATH...';

export const FIX_HELP = `Usage: ${FIX_USAGE}

Moves the MISP keys found under each PATH out of the files: the code or config then reads them from
an environment variable (--to env) or from HashiCorp Vault KV v2 (--to vault), and switches disabled
TLS verification back on. Findings without an automatic fix are listed and left alone.

Without --write this is a dry run: it prints a unified diff of what would change, every key masked
(first 4 characters and '…'), and changes nothing.

With --write, every key is first stored and read back to verify it; only then are the files written.
A file whose key could not be stored is not written. When the store cannot be used at all (no Vault
address or token, Vault unreachable or refusing, a .env that cannot be read or written), nothing is
changed, not even the TLS fixes. A stored value is never overwritten: each different key gets a
variable and a Vault field of its own (MISP_KEY, MISP_KEY_2, ...; field api_key, api_key_2, ...),
across files, within a file, and next to what the store already holds. After each fixed file, the
steps left to you are printed (the CI secret to add, the Kubernetes Secret, hvac, loading the .env,
rotating the key).

Options:
  --to env|vault        what the fixed files read the key from (required)
  --write               store the keys and write the files (default: dry run)
  --store dotenv|vault  where keys are stored: the git-ignored, mode-0600 .env file (default for
                        --to env), or Vault (required by --to vault). Vault's address and token come
                        from VAULT_ADDR and VAULT_TOKEN (or ~/.vault-token), never from the command line
  --env-var NAME        environment variable name (default MISP_KEY; a name the file already uses
                        for the key is kept; a second, different key gets NAME_2)
  --dotenv FILE         the .env file of the dotenv store (default: .env at the top of the git work
                        tree, else the scanned root); added to a .gitignore only inside a git work tree
  --vault-mount MOUNT   KV v2 mount (default secret)
  --vault-path PATH     secret path (default misp)
  --vault-field FIELD   field holding the key (default api_key)
  --ca-bundle FILE      verify TLS against this CA bundle where a setting takes one
  -e, --exclude GLOB    leave out matching files and directories (repeatable), as for scan
      --max-file-size N leave out files over N bytes (suffixes K, M, G; default 5M), as for scan
      --no-gitignore    fix files that .gitignore ignores, too (by default they are left out, as for scan)
  -h, --help            show this help

Exit codes:
  0  nothing left to fix (dry run: no findings; --write: every finding fixed)
  1  findings remain (dry run: fixes pending or findings without a fix; --write: a key could not be
     stored, or findings without an automatic fix)
  2  usage error (bad option, missing path)
`;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses the arguments after `fix`. */
export function parseFixCommand(argv: readonly string[]): FixCommand | { kind: 'help'; topic: 'fix' } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        to: { type: 'string' },
        write: { type: 'boolean' },
        store: { type: 'string' },
        'env-var': { type: 'string' },
        // Not --env-file: Node 20 takes that flag for itself even after the script name.
        dotenv: { type: 'string' },
        'vault-mount': { type: 'string' },
        'vault-path': { type: 'string' },
        'vault-field': { type: 'string' },
        'ca-bundle': { type: 'string' },
        exclude: { type: 'string', short: 'e', multiple: true },
        'max-file-size': { type: 'string' },
        'no-gitignore': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new FixUsageError(e instanceof Error ? e.message.split(/\.\s/)[0] : String(e));
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { kind: 'help', topic: 'fix' };
  if (v.to !== 'env' && v.to !== 'vault') throw new FixUsageError(v.to === undefined ? 'fix needs --to env or --to vault' : `unknown target '${v.to}' (expected env or vault)`);
  if (v.store !== undefined && v.store !== 'dotenv' && v.store !== 'vault') throw new FixUsageError(`unknown store '${v.store}' (expected dotenv or vault)`);
  const store = (v.store ?? (v.to === 'vault' ? 'vault' : 'dotenv')) as FixCommand['store'];
  if (v.to === 'vault' && store !== 'vault') throw new FixUsageError('--to vault stores the keys in Vault: --store dotenv does not fit');
  if (v['env-var'] !== undefined && !NAME.test(v['env-var'])) throw new FixUsageError(`--env-var '${v['env-var']}' is not a variable name`);
  for (const o of ['dotenv', 'vault-mount', 'vault-path', 'vault-field', 'ca-bundle'] as const) {
    if (v[o] !== undefined && v[o]!.trim() === '') throw new FixUsageError(`--${o} needs a value`);
  }
  const exclude = v.exclude ?? [];
  if (exclude.some((g) => g.trim() === '')) throw new FixUsageError('--exclude needs a glob');
  const maxFileSize = v['max-file-size'] === undefined ? undefined : parseSize(v['max-file-size']);
  if (positionals.length === 0) throw new FixUsageError('fix needs at least one PATH');
  return {
    kind: 'fix', to: v.to, write: v.write === true, store, envVar: v['env-var'], envFile: v.dotenv,
    vaultMount: v['vault-mount'], vaultPath: v['vault-path'], vaultField: v['vault-field'], caBundle: v['ca-bundle'],
    exclude, gitignore: v['no-gitignore'] !== true, maxFileSize, paths: positionals,
  };
}

/** `512`, `64K`, `5M`, `1G` (binary multiples) → bytes, as `scan --max-file-size` reads them. */
function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(text.trim());
  if (!m) throw new FixUsageError(`--max-file-size needs a size such as 500K or 5M, not '${text}'`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * unit);
}
