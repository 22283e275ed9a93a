/**
 * An in-process stand-in for HashiCorp Vault: the documented KV version 2 read/write subset over real
 * HTTP on 127.0.0.1 (random port). No Vault server can be installed on the test machines; when
 * VAULT_ADDR and VAULT_TOKEN are set, {@link vaultUnderTest} hands out the real server instead and the
 * same tests run against it.
 *
 * Implemented (https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2):
 * - `X-Vault-Token` checked on every request: 403 `{"errors":["permission denied"]}` otherwise;
 * - `GET /v1/:mount/data/:path`: 200 `{"data":{"data":{...},"metadata":{"version":n,...}}}`, 404 when missing;
 * - `POST|PUT /v1/:mount/data/:path` with `{"data":{...},"options":{"cas":n}}`: a new version (the whole
 *   field map replaced, as in Vault), 400 when `cas` does not match the current version;
 * - `DELETE /v1/:mount/metadata/:path`: the secret and all its versions go (test clean-up);
 * - unknown mounts and routes: 404 `{"errors":["no handler for route ..."]}`.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Secret {
  versions: { data: Record<string, unknown>; created: string }[];
}

/** One request as the fake saw it (the token only as "right or wrong"). */
export interface SeenRequest {
  method: string;
  path: string;
  tokenOk: boolean;
}

/** The fake server. */
export class FakeVault {
  readonly token = `hvs.fake-${randomBytes(12).toString('hex')}`;
  readonly requests: SeenRequest[] = [];
  private readonly secrets = new Map<string, Secret>();
  private readonly server: http.Server;
  address = '';

  private constructor(readonly mounts: readonly string[]) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
  }

  /** Starts a fake with the given KV v2 mounts (default `secret`, like `vault server -dev`). */
  static async start(mounts: readonly string[] = ['secret']): Promise<FakeVault> {
    const v = new FakeVault(mounts);
    await new Promise<void>((resolve) => v.server.listen(0, '127.0.0.1', resolve));
    v.address = `http://127.0.0.1:${(v.server.address() as AddressInfo).port}`;
    return v;
  }

  /** Stops listening (later requests get ECONNREFUSED). */
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Current fields of a secret (for assertions), undefined when missing. */
  peek(mount: string, path: string): Record<string, unknown> | undefined {
    const s = this.secrets.get(`${mount}/${path}`);
    return s?.versions[s.versions.length - 1].data;
  }

  /** Puts a secret in place, as another writer would. */
  seed(mount: string, path: string, data: Record<string, unknown>): void {
    const key = `${mount}/${path}`;
    const s = this.secrets.get(key) ?? { versions: [] };
    s.versions.push({ data: { ...data }, created: new Date().toISOString() });
    this.secrets.set(key, s);
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    const tokenOk = req.headers['x-vault-token'] === this.token;
    this.requests.push({ method: req.method ?? '', path, tokenOk });
    const send = (status: number, payload?: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    if (!tokenOk) return send(403, { errors: ['permission denied'] });
    const m = /^\/v1\/([^/]+)\/(data|metadata)\/(.+)$/.exec(path);
    if (!m || !this.mounts.includes(m[1])) return send(404, { errors: [`no handler for route "${path.slice(4)}". route entry not found.`] });
    const [, mount, kind, secretPath] = m;
    const key = `${mount}/${secretPath}`;
    const secret = this.secrets.get(key);
    const version = secret?.versions.length ?? 0;
    if (kind === 'metadata') {
      if (req.method !== 'DELETE') return send(405, { errors: ['unsupported operation'] });
      this.secrets.delete(key);
      return send(204);
    }
    if (req.method === 'GET') {
      if (!secret) return send(404, { errors: [] });
      const latest = secret.versions[version - 1];
      return send(200, {
        request_id: randomBytes(8).toString('hex'), lease_id: '', renewable: false, lease_duration: 0,
        data: { data: latest.data, metadata: { created_time: latest.created, custom_metadata: null, deletion_time: '', destroyed: false, version } },
        wrap_info: null, warnings: null, auth: null,
      });
    }
    if (req.method === 'POST' || req.method === 'PUT') {
      let parsed: { data?: unknown; options?: { cas?: unknown } };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        return send(400, { errors: ['failed to parse JSON input'] });
      }
      if (typeof parsed.data !== 'object' || parsed.data === null) return send(400, { errors: ['no data provided'] });
      const cas = parsed.options?.cas;
      if (cas !== undefined && cas !== version) return send(400, { errors: ['check-and-set parameter did not match the current version'] });
      this.seed(mount, secretPath, parsed.data as Record<string, unknown>);
      return send(200, { data: { created_time: new Date().toISOString(), custom_metadata: null, deletion_time: '', destroyed: false, version: version + 1 } });
    }
    return send(405, { errors: ['unsupported operation'] });
  }
}

/** The Vault the tests talk to: the fake, or a real one from VAULT_ADDR and VAULT_TOKEN. */
export interface VaultUnderTest {
  address: string;
  token: string;
  real: boolean;
  /** KV v2 mount to use (`secret`, or MISP_GUARD_TEST_VAULT_MOUNT for a real Vault). */
  mount: string;
  /** A fresh secret path for one test (so runs against a real Vault never clash). */
  freshPath(): string;
  /** Reads a secret's fields straight over HTTP, independently of the code under test. */
  read(path: string): Promise<Record<string, unknown> | undefined>;
  /** Writes a secret's fields (a new version) straight over HTTP. */
  write(path: string, data: Record<string, unknown>): Promise<void>;
  /** Deletes every secret {@link freshPath} handed out, and stops the fake. */
  close(): Promise<void>;
}

/** The fake, unless VAULT_ADDR and VAULT_TOKEN point at a real Vault. */
export async function vaultUnderTest(): Promise<VaultUnderTest> {
  const realAddr = process.env.VAULT_ADDR;
  const realToken = process.env.VAULT_TOKEN;
  const real = !!(realAddr && realToken);
  const fake = real ? undefined : await FakeVault.start();
  const address = real ? realAddr!.replace(/\/+$/, '') : fake!.address;
  const token = real ? realToken! : fake!.token;
  const mount = (real && process.env.MISP_GUARD_TEST_VAULT_MOUNT) || 'secret';
  const paths: string[] = [];
  const call = async (method: string, kind: 'data' | 'metadata', path: string, body?: unknown): Promise<Response> =>
    fetch(`${address}/v1/${mount}/${kind}/${path}`, { method, headers: { 'X-Vault-Token': token, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return {
    address, token, real, mount,
    freshPath: () => {
      const p = `misp-guard-test/${randomBytes(6).toString('hex')}`;
      paths.push(p);
      return p;
    },
    read: async (path) => {
      const r = await call('GET', 'data', path);
      if (r.status === 404) return undefined;
      if (!r.ok) throw new Error(`Vault read failed: HTTP ${r.status}`);
      return ((await r.json()) as { data: { data: Record<string, unknown> } }).data.data;
    },
    write: async (path, data) => {
      const r = await call('POST', 'data', path, { data });
      if (!r.ok) throw new Error(`Vault write failed: HTTP ${r.status}`);
    },
    close: async () => {
      for (const p of paths) await call('DELETE', 'metadata', p).catch(() => undefined);
      await fake?.stop();
    },
  };
}
