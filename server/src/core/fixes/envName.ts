/** Which environment variable a fix should use: a MISP key variable the file already reads, else the setting; numbered for a second key under the same name. */
import { lastTexts } from './memo';

const REFERENCES: RegExp[] = [
  /os\.environ(?:\.get)?\s*[[(]\s*\\?["']([A-Za-z_]\w*)/g,
  /\bos\.getenv\(\s*\\?["']([A-Za-z_]\w*)/g,
  /\bprocess\.env(?:\.([A-Za-z_]\w*)|\[\s*["'`]([A-Za-z_]\w*))/g,
  /\bos\.Getenv\(\s*"([A-Za-z_]\w*)/g,
  /\bSystem\.getenv\(\s*"([A-Za-z_]\w*)/g,
  /GetEnvironmentVariable\(\s*"([A-Za-z_]\w*)/g,
  /\bENV(?:\.fetch)?\s*[[(]\s*["']([A-Za-z_]\w*)/g,
  /\bgetenv\(\s*["']([A-Za-z_]\w*)/g,
  /\$env:([A-Za-z_]\w*)/gi,
  /\$\{\??([A-Za-z_]\w*)(?::?[-?=+][^}]*)?\}/g,
  /\$\{\{\s*secrets\.([A-Za-z_]\w*)\s*\}\}/g,
  /(?<![\w$])\$([A-Z_][A-Z0-9_]*)\b/g,
];

/** True for names that hold a MISP key: mention MISP and a credential word. */
function keyName(name: string): boolean {
  return /misp/i.test(name) && /(key|token|auth)/i.test(name) && !/url|host|verify|ssl|cert|file|path|dir/i.test(name);
}

/** The first MISP-key environment variable the text reads (`os.environ["MISP_API_KEY"]`, `${MISP_KEY}` ...). */
export const existingEnvName: (text: string) => string | undefined = lastTexts(findExistingEnvName);

function findExistingEnvName(text: string): string | undefined {
  let best: { at: number; name: string } | undefined;
  for (const re of REFERENCES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const name = m[1] ?? m[2];
      if (name && keyName(name) && (!best || m.index < best.at)) { best = { at: m.index, name }; break; }
    }
  }
  return best?.name;
}

/**
 * The variable a plan uses: an explicit setting wins, then the name the key is stored under when it
 * reads as an environment variable (`MISP_AUTHKEY=…` in a compose file, `MISP_API_KEY = "…"` in Python),
 * then a MISP key variable the file already reads, then the default.
 */
export function chooseEnvVar(text: string, setting: string, explicit: boolean, keyNameInFile?: string): string {
  if (explicit) return setting;
  const own = keyNameInFile && /^[A-Z][A-Z0-9_]*$/.test(keyNameInFile) && keyName(keyNameInFile) ? keyNameInFile : undefined;
  return own ?? existingEnvName(text) ?? setting;
}

/**
 * Rank of `secret` among the different keys this text assigns to `name` (`NAME=…`, `NAME: "…"`,
 * `name = '…'`, `'name' => '…'`), in order of first appearance: 1 for the first or only one. A compose
 * file whose second service sets MISP_KEY to another key gives that key 2, so it gets a variable of its own.
 */
const ASSIGNMENTS = lastTexts(() => new Map<string, Array<{ at: number; key: string }>>());

/** Where the text assigns a 40-character value to `name`, once per text and name. */
function assignmentsOf(text: string, name: string): Array<{ at: number; key: string }> {
  const byName = ASSIGNMENTS(text);
  let hits = byName.get(name);
  if (!hits) {
    const re = new RegExp(`(?<![\\w.-])${name.replace(/[.-]/g, '\\$&')}(?![\\w.-])["'\`]?[ \\t]*(?:=>|:=|=|:)[ \\t]*["'\`]?([A-Za-z0-9]{40})(?![A-Za-z0-9])`, 'g');
    hits = [...text.matchAll(re)].map((m) => ({ at: m.index!, key: m[1] }));
    byName.set(name, hits);
  }
  return hits;
}

export function keyRank(text: string, name: string | undefined, secret: string, at: number): number {
  if (!name || !/^[\w.-]+$/.test(name)) return 1;
  const hits = [...assignmentsOf(text, name)];
  hits.push({ at, key: secret });
  hits.sort((a, b) => a.at - b.at);
  const order: string[] = [];
  for (const h of hits) if (!order.includes(h.key)) order.push(h.key);
  return order.indexOf(secret) + 1;
}
