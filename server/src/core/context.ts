/**
 * Whether a name or a document is about MISP, and what a name says about the value it holds.
 */

const MISP_WORD = /misp(?!lac|lay|rint|ron|ell|eak|elt|ick|lea|ers|ent)/i;
export const MISP_ENDPOINT = /\/(?:events|attributes|servers|feeds|sightings|tags|users|objects|galaxies|warninglists|shadow_attributes|organisations)\/(?:restSearch|getVersion|heartbeat|view|index|add|edit|delete|nids|hids|csv|stix|stix2|text|xml|download|fetchFromAllFeeds|getPyMISPVersion|pull|push|attachTagToObject|returnAttributes|bro|rpz)\b/;

/** True when the text mentions MISP (the word, PyMISP, or a MISP REST endpoint). */
export function mentionsMisp(text: string): boolean {
  return MISP_WORD.test(text) || MISP_ENDPOINT.test(text);
}

/** True when the text contains a MISP REST endpoint path. */
export function hasMispEndpoint(text: string): boolean {
  return MISP_ENDPOINT.test(text);
}

/** Splits an identifier into lower-case words: `mispApiKey` → misp, api, key; `MISP_AUTH-KEY` → misp, auth, key. */
export function words(name: string): string[] {
  const hit = WORDS_CACHE.get(name);
  if (hit) return hit;
  if (WORDS_CACHE.size > 4096) WORDS_CACHE.clear();
  const out = splitWords(name);
  WORDS_CACHE.set(name, out);
  return out;
}

const WORDS_CACHE = new Map<string, string[]>();

function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const KEY_WORDS = new Set(['key', 'apikey', 'authkey', 'auth', 'token', 'secret', 'authorization', 'credential', 'credentials', 'password', 'passwd', 'pass', 'keys', 'mispkey', 'mispapikey', 'mispauthkey', 'apitoken', 'authtoken', 'accesstoken', 'automationkey', 'xmispkey']);
const KEY_SUFFIX = /(?:key|token|auth|secret|authorization)s?$/;
const HASH_WORDS = new Set(['sha', 'sha1', 'sha256', 'md5', 'hash', 'checksum', 'digest', 'commit', 'rev', 'revision', 'ref', 'reference', 'uuid', 'guid', 'id', 'nonce', 'salt', 'fingerprint', 'signature', 'etag', 'integrity', 'version', 'tag', 'branch', 'resolved', 'public', 'pub', 'cert', 'certificate', 'ssh', 'gpg', 'pgp', 'iv']);
/** Web-framework signing secrets (Flask, Django, cookies, JWT): random, 40 characters at times, never a MISP key. */
const APP_SECRETS = /^(session|cookie|csrf|jwt|flask|django|app|signing|encryption|webhook)?secret(key)?$|^(session|cookie|csrf|jwt|signing|encryption)(secret|key)$/;
const FIXTURE_WORDS = new Set(['fake', 'dummy', 'mock', 'mocked', 'example', 'sample', 'placeholder', 'bogus', 'test', 'tests', 'fixture', 'stub', 'invalid']);
/** Services other than MISP whose credentials look alike; a name about one of them is not a MISP key. */
const OTHER_SERVICES = new Set(['thehive', 'hive', 'cortex', 'opencti', 'virustotal', 'vt', 'shodan', 'otx', 'alienvault', 'slack', 'github', 'gitlab', 'aws', 's3', 'minio', 'redis', 'elastic', 'elasticsearch', 'kibana', 'splunk', 'hec', 'jira', 'azure', 'gcp', 'google', 'openai', 'sentry', 'datadog', 'stripe', 'twilio', 'sendgrid', 'mailgun', 'npm', 'pypi', 'docker', 'dockerhub', 'artifactory', 'sonar', 'vault', 'consul', 'nomad', 'telegram', 'discord', 'teams', 'webhook', 'rabbitmq', 'amqp', 'postgres', 'mysql', 'mongo', 'ldap', 'smtp', 'database', 'db', 'mariadb', 'sqlite', 'memcached', 'greynoise', 'urlscan', 'abuseipdb', 'es', 'opensearch', 'logstash', 'beats', 'nexus', 'sonatype', 'jenkins', 'harbor', 'grafana', 'prometheus', 'keycloak', 'okta', 'auth0', 'mssql', 'sqlserver', 'oracle', 'postgresql', 'kafka', 'zookeeper', 'sentinelone', 'crowdstrike', 'defender', 'qradar', 'sumologic', 'pagerduty', 'opsgenie', 'mattermost', 'snyk', 'bitbucket', 'azuredevops', 'circleci', 'travis', 'codecov', 'cloudflare', 'digitalocean', 'heroku', 'netlify', 'vercel', 'firebase', 'mapbox', 'misp_modules_ignore']);

/** What a variable or config-key name says about the value assigned to it. */
export interface NameInfo {
  /** The name suggests a credential (key, token, secret, Authorization, ...). */
  keyish: boolean;
  /** The name mentions MISP. */
  misp: boolean;
  /** The name says the value is a digest, id or something else that is not a credential. */
  notKey: boolean;
  /** The name marks a test fixture (fake, dummy, example, test ...). */
  fixture: boolean;
  /** The name is about another service. */
  otherService: boolean;
}

/** Classifies a name; `extra` are user-supplied regular expressions for MISP key names. */
export function classifyName(name: string | undefined, extra: readonly RegExp[] = []): NameInfo {
  if (!name) return { keyish: false, misp: false, notKey: false, fixture: false, otherService: false };
  const ws = words(name);
  const joined = ws.join('');
  const misp = MISP_WORD.test(name) || extra.some((r) => r.test(name));
  // misp_key2, key_1: a trailing number does not change what the name holds.
  const keyish = misp && extra.some((r) => r.test(name)) || ws[ws.length - 1] === 'api' || ws.some((w) => KEY_WORDS.has(w.replace(/\d+$/, ''))) || KEY_SUFFIX.test(joined.replace(/\d+$/, ''));
  const last = ws[ws.length - 1] ?? '';
  const notKey = HASH_WORDS.has(last) || ws.some((w) => w === 'public' || w === 'pub' || w === 'ssh' || w === 'gpg' || w === 'pgp')
    || (!misp && APP_SECRETS.test(joined))
    // SECRET_KEY, play.http.secret.key, secret_key_base: a framework's signing key, not an API key.
    || (!misp && !ws.includes('api') && ws.some((w, i) => w === 'secret' && (ws[i + 1] === 'key' || ws[i + 1] === 'keybase')));
  const fixture = ws.some((w) => FIXTURE_WORDS.has(w));
  const otherService = !misp && ws.some((w) => OTHER_SERVICES.has(w));
  return { keyish, misp, notKey, fixture, otherService };
}

/** True when a name is about another service and not MISP (classifyName's `otherService`, cheaper). */
export function namesOtherService(name: string): boolean {
  return !MISP_WORD.test(name) && words(name).some((w) => OTHER_SERVICES.has(w));
}

/** True when a structured path (sections, parent keys) mentions MISP. */
export function pathMentionsMisp(path: readonly string[]): boolean {
  return path.some((p) => MISP_WORD.test(p));
}

/** True when a structured path is about another service and not MISP. */
export function pathOtherService(path: readonly string[]): boolean {
  if (pathMentionsMisp(path)) return false;
  return path.some((p) => words(p).some((w) => OTHER_SERVICES.has(w)));
}

/** Compiles user-supplied name patterns, ignoring invalid ones. */
export function compilePatterns(sources: readonly string[] | undefined): RegExp[] {
  const out: RegExp[] = [];
  for (const s of sources ?? []) {
    try { out.push(new RegExp(s, 'i')); } catch { /* an invalid pattern is skipped; settings validation reports it */ }
  }
  return out;
}
