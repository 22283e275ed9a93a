/** Which environment variable a fix should use: a MISP key variable the file already reads, else the setting. */

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
export function existingEnvName(text: string): string | undefined {
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
