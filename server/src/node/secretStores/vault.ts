/**
 * HashiCorp Vault KV v2 over its HTTP API: read `GET /v1/{mount}/data/{path}`, write
 * `POST /v1/{mount}/data/{path}` with `{"options":{"cas":version},"data":{...}}`, keeping the other
 * fields of the secret. The token travels only in the `X-Vault-Token` header and is scrubbed from
 * every message.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { scrub, StoreError } from './store';
import type { SecretRef, SecretStore, VaultLocation } from './store';

/** How to reach Vault. */
export interface VaultConnection {
  /** `http(s)://host:port`, without `/v1`. */
  address: string;
  token: string;
  /** Vault Enterprise namespace (`X-Vault-Namespace`). */
  namespace?: string;
  /** PEM file of the CA that signed Vault's certificate (as `VAULT_CACERT`). */
  caCert?: string;
  timeoutMs?: number;
}

/**
 * Vault address and token from the settings, else from the environment the way the `vault` CLI finds
 * them: `VAULT_ADDR`, `VAULT_TOKEN`, else the token file `~/.vault-token` that `vault login` writes.
 * Throws a {@link StoreError} saying what is missing, in the words of `where` the call comes from: the
 * editor has settings (`mispGuard.vault.address`), the command line only the environment.
 */
export function vaultConnection(settings: { address?: string; token?: string }, env: NodeJS.ProcessEnv = process.env, where: 'editor' | 'cli' = 'editor'): VaultConnection {
  const address = (settings.address || env.VAULT_ADDR || '').trim();
  if (!address) {
    throw new StoreError(where === 'cli'
      ? 'no Vault address: set VAULT_ADDR in the environment of misp-guard (e.g. export VAULT_ADDR=https://vault.example.org:8200)'
      : 'no Vault address: set mispGuard.vault.address or VAULT_ADDR');
  }
  const what = where === 'cli' || !settings.address ? 'VAULT_ADDR' : 'the Vault address';
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new StoreError(`${what} is not a URL (expected http(s)://host:port)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new StoreError(`${what} must start with http:// or https://`);
  let token = (settings.token || env.VAULT_TOKEN || '').trim();
  if (!token) {
    try {
      token = fs.readFileSync(path.join(env.HOME || os.homedir(), '.vault-token'), 'utf8').trim();
    } catch {
      // no token file: reported below
    }
  }
  if (!token) throw new StoreError('no Vault token: set VAULT_TOKEN (or run `vault login`) for the process that stores the key');
  return { address: address.replace(/\/+$/, ''), token, namespace: env.VAULT_NAMESPACE || undefined, caCert: env.VAULT_CACERT || undefined };
}

interface KvRead {
  /** Current fields, or null when the secret does not exist (or its latest version is deleted). */
  data: Record<string, unknown> | null;
  /** Current version, 0 when the secret never existed (the `cas` a create needs). */
  version: number;
}

/** A KV v2 secret engine as a {@link SecretStore}. */
export class VaultStore implements SecretStore {
  readonly kind = 'vault' as const;
  readonly notes: string[] = [];

  constructor(private readonly conn: VaultConnection) {}

  describe(ref: SecretRef): string {
    return `Vault ${this.conn.address} at ${ref.vault.mount}/${ref.vault.path} (field ${ref.vault.field})`;
  }

  async read(ref: SecretRef): Promise<string | undefined> {
    const current = await this.readSecret(ref.vault);
    const value = current.data?.[ref.vault.field];
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  async write(ref: SecretRef, value: string): Promise<void> {
    const current = await this.readSecret(ref.vault);
    const data = { ...(current.data ?? {}), [ref.vault.field]: value };
    // cas: a concurrent writer makes Vault refuse instead of one write silently dropping the other's fields.
    const res = await this.request('POST', ref.vault, JSON.stringify({ options: { cas: current.version }, data }));
    if (res.status !== 200 && res.status !== 204) throw this.failure('write', ref.vault, res);
  }

  /** The secret's fields and version. */
  async readSecret(loc: VaultLocation): Promise<KvRead> {
    const res = await this.request('GET', loc);
    const body = parseJson(res.body) as { data?: { data?: unknown; metadata?: { version?: unknown } } } | undefined;
    const version = typeof body?.data?.metadata?.version === 'number' ? body.data.metadata.version : 0;
    if (res.status === 404) return { data: null, version };
    if (res.status !== 200) throw this.failure('read', loc, res);
    if (!body?.data || typeof body.data.metadata !== 'object' || body.data.metadata === null) {
      throw new StoreError(`${loc.mount} does not answer like a KV version 2 secrets engine (no metadata in the read)`);
    }
    const data = body.data.data;
    return { data: typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : null, version };
  }

  private failure(what: 'read' | 'write', loc: VaultLocation, res: HttpResult): StoreError {
    const errors = (parseJson(res.body) as { errors?: unknown } | undefined)?.errors;
    const detail = Array.isArray(errors) && errors.length ? `: ${errors.map(String).join('; ').slice(0, 300)}` : '';
    const hint = res.status === 403 ? ' (the token is missing, expired or lacks the policy for this path)'
      : res.status === 400 && /check-and-set|cas/i.test(detail) ? ' (the secret changed while it was being updated; try again)' : '';
    return new StoreError(scrub(`Vault refused to ${what} ${loc.mount}/${loc.path}: HTTP ${res.status}${detail}${hint}`, [this.conn.token]));
  }

  private request(method: 'GET' | 'POST', loc: VaultLocation, body?: string): Promise<HttpResult> {
    const segments = (s: string) => s.split('/').filter(Boolean).map(encodeURIComponent).join('/');
    const url = new URL(`${this.conn.address}/v1/${segments(loc.mount)}/data/${segments(loc.path)}`);
    const headers: Record<string, string> = { 'X-Vault-Token': this.conn.token, Accept: 'application/json' };
    if (this.conn.namespace) headers['X-Vault-Namespace'] = this.conn.namespace;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    let ca: Buffer | undefined;
    if (this.conn.caCert) {
      try {
        ca = fs.readFileSync(this.conn.caCert);
      } catch (e) {
        return Promise.reject(new StoreError(`cannot read the Vault CA certificate ${this.conn.caCert} (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
      }
    }
    const timeoutMs = this.conn.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const lib = url.protocol === 'https:' ? https : http;
      const req = lib.request(url, { method, headers, ca, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => reject(this.unreachable(e)));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => reject(this.unreachable(e)));
      req.end(body);
    });
  }

  private unreachable(e: Error): StoreError {
    const code = (e as NodeJS.ErrnoException).code;
    return new StoreError(scrub(`Vault at ${this.conn.address} is unreachable (${code ?? e.message})`, [this.conn.token]));
  }
}

interface HttpResult {
  status: number;
  body: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
