/**
 * Editor language id of a file, decided from its name the way VS Code would
 * (with this extension's HOCON language installed). The core also looks at the path,
 * so this only has to be roughly right.
 */

/** Looked up with Map#get: a name such as `constructor` or `__proto__` must not reach Object.prototype. */
const BY_EXTENSION: ReadonlyMap<string, string> = new Map(Object.entries({
  py: 'python', pyw: 'python', pyi: 'python', ipynb: 'json',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascriptreact',
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'typescriptreact', vue: 'vue',
  go: 'go', java: 'java', kt: 'kotlin', kts: 'kotlin', scala: 'scala', groovy: 'groovy', gradle: 'groovy',
  cs: 'csharp', c: 'c', h: 'c', cpp: 'cpp', cc: 'cpp', hpp: 'cpp', rs: 'rust', swift: 'swift',
  php: 'php', rb: 'ruby', pl: 'perl', pm: 'perl', lua: 'lua', r: 'r', clj: 'clojure', cljc: 'clojure', bb: 'clojure', hs: 'haskell', vbs: 'vb', zig: 'zig', nim: 'nim', erl: 'erlang', sql: 'sql',
  sh: 'shellscript', bash: 'shellscript', zsh: 'shellscript', ksh: 'shellscript',
  ps1: 'powershell', psm1: 'powershell', bat: 'bat', cmd: 'bat',
  yaml: 'yaml', yml: 'yaml', json: 'json', jsonc: 'jsonc', json5: 'json5', toml: 'toml',
  ini: 'ini', cfg: 'ini', properties: 'properties', env: 'dotenv',
  tf: 'terraform', tfvars: 'terraform', hcl: 'terraform',
  hocon: 'hocon', conf: 'plaintext', service: 'ini', xml: 'xml', md: 'markdown', txt: 'plaintext',
  mk: 'makefile', dockerfile: 'dockerfile', containerfile: 'dockerfile',
}));

const BY_NAME: ReadonlyMap<string, string> = new Map(Object.entries({
  dockerfile: 'dockerfile', containerfile: 'dockerfile', makefile: 'makefile', gnumakefile: 'makefile',
  jenkinsfile: 'groovy', gemfile: 'ruby', rakefile: 'ruby', vagrantfile: 'ruby',
  'application.conf': 'hocon', 'reference.conf': 'hocon',
}));

/** Language id for a file path (`/` or `\` separated). Unknown names are `plaintext`. */
export function languageIdForPath(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const lower = base.toLowerCase();
  const named = BY_NAME.get(lower);
  if (named) return named;
  if (lower.startsWith('.env') || lower.endsWith('.env')) return 'dotenv';
  if (lower.startsWith('dockerfile.') || lower.startsWith('containerfile.')) return 'dockerfile';
  const dot = lower.lastIndexOf('.');
  if (dot < 0) return 'plaintext';
  return BY_EXTENSION.get(lower.slice(dot + 1)) ?? 'plaintext';
}
