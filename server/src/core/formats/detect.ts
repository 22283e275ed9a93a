/** Decides how a document is analysed, from its path, its editor language id and a sniff of its text. */
import { own } from '../lookup';
import type { Flavor, FormatId } from '../types';

const BY_LANGUAGE: Record<string, FormatId> = {
  python: 'python', javascript: 'javascript', javascriptreact: 'javascript', jsx: 'javascript', typescript: 'typescript',
  typescriptreact: 'typescript', vue: 'typescript', svelte: 'typescript', go: 'go', java: 'java', kotlin: 'kotlin', scala: 'java', csharp: 'csharp', c: 'c', cpp: 'c',
  'objective-c': 'c', php: 'php', ruby: 'ruby', perl: 'perl', rust: 'rust', swift: 'swift', lua: 'lua', r: 'r', clojure: 'clojure', haskell: 'haskell', matlab: 'matlab', vb: 'vbscript', vbscript: 'vbscript', zig: 'zig', nim: 'nim', erlang: 'erlang', sql: 'sql', dart: 'java',
  powershell: 'powershell', shellscript: 'shell', bash: 'shell', sh: 'shell', zsh: 'shell', fish: 'shell', bat: 'batch',
  makefile: 'makefile', groovy: 'groovy', dockerfile: 'dockerfile', dotenv: 'dotenv', env: 'dotenv', ini: 'ini',
  properties: 'properties', 'java-properties': 'properties', yaml: 'yaml', 'github-actions-workflow': 'yaml', dockercompose: 'yaml', 'ansible': 'yaml',
  json: 'json', jsonc: 'json', jsonl: 'json', toml: 'toml', hocon: 'hocon', terraform: 'hcl', hcl: 'hcl', tf: 'hcl', xml: 'xml',
  ipynb: 'ipynb', jupyter: 'ipynb', markdown: 'markdown', restructuredtext: 'rst', julia: 'python', elixir: 'ruby', plaintext: 'plaintext', logstash: 'logstash', systemd: 'ini', nginx: 'nginx',
};

const BY_EXT: Record<string, FormatId> = {
  py: 'python', pyw: 'python', pyi: 'python', js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript',
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'typescript', vue: 'typescript', svelte: 'typescript', go: 'go', java: 'java', kt: 'kotlin', kts: 'kotlin',
  scala: 'java', cs: 'csharp', c: 'c', h: 'c', cc: 'c', cpp: 'c', hpp: 'c', php: 'php', rb: 'ruby', pl: 'perl', pm: 'perl',
  rs: 'rust', swift: 'swift', lua: 'lua', r: 'r', clj: 'clojure', cljc: 'clojure', bb: 'clojure', hs: 'haskell', lhs: 'haskell', vbs: 'vbscript', vba: 'vbscript', bas: 'vbscript', zig: 'zig', nim: 'nim', nims: 'nim', erl: 'erlang', hrl: 'erlang', sql: 'sql', mm: 'c', dart: 'java', ps1: 'powershell', psm1: 'powershell', sh: 'shell', bash: 'shell',
  zsh: 'shell', ksh: 'shell', bat: 'batch', cmd: 'batch', mk: 'makefile', groovy: 'groovy', gradle: 'groovy', yml: 'yaml', yaml: 'yaml',
  json: 'json', jsonc: 'json', json5: 'json', toml: 'toml', lock: 'toml', ini: 'ini', cfg: 'ini', cnf: 'ini', properties: 'properties', tf: 'hcl',
  tfvars: 'hcl', hcl: 'hcl', nomad: 'hcl', hocon: 'hocon', xml: 'xml', config: 'xml', csproj: 'xml', ipynb: 'ipynb', md: 'markdown',
  markdown: 'markdown', rst: 'rst', txt: 'plaintext', env: 'dotenv', jl: 'python', ex: 'ruby', exs: 'ruby', plist: 'xml', reg: 'ini', fish: 'shell', zeek: 'zeek', bro: 'zeek', pp: 'ruby', service: 'ini', timer: 'ini', socket: 'ini', container: 'ini', dockerfile: 'dockerfile',
};

/** Formats where the file name says more than a generic editor language id. */
function fromName(base: string, ext: string, text: string): FormatId | undefined {
  const lower = base.toLowerCase();
  if (ext === 'ipynb') return 'ipynb';
  if (lower === 'dockerfile' || lower === 'containerfile' || lower.startsWith('dockerfile.') || ext === 'dockerfile') return 'dockerfile';
  if (lower.startsWith('.env') || ext === 'env') return 'dotenv';
  if (lower === 'makefile' || lower === 'gnumakefile') return 'makefile';
  if (lower === 'jenkinsfile') return 'groovy';
  if (/^\.(bash|zsh|ksh)?(rc|_profile|profile|_login|env)$/.test(lower) || lower === '.profile' || lower === '.zshenv') return 'shell';
  if (lower === 'pipfile') return 'toml';
  if (['vagrantfile', 'gemfile', 'rakefile', 'berksfile', 'guardfile', 'podfile', 'fastfile', 'brewfile'].includes(lower) || ext === 'gemspec' || ext === 'rake') return 'ruby';
  if (lower === 'crontab' || lower.endsWith('.crontab')) return 'shell';
  // Shell history files hold the commands as typed.
  if (/^\.(bash|zsh|sh|ksh|fish)?_?history$/.test(lower) || lower === '.histfile') return 'shell';
  // .m is Objective-C or MATLAB; Erlang/OTP's sys.config and app.config hold Erlang terms.
  if (ext === 'm') return /^\s*(?:#import|#include|@interface|@implementation|@protocol)\b/m.test(text.slice(0, 8192)) ? 'c' : 'matlab';
  if ((lower === 'sys.config' || lower === 'app.config' || ext === 'app.src') && /^\s*[[{%]/.test(text.slice(0, 400))) return 'erlang';
  if (ext === 'conf' || ext === 'hocon') return sniffConf(lower, text);
  if (ext === 'lock') return /^\s*[{[]\s*"/.test(text.slice(0, 200)) || /^\s*\{/.test(text.slice(0, 200)) ? 'json' : /^\s*(#.*\n\s*)*\[/.test(text.slice(0, 2000)) ? 'toml' : 'plaintext';
  if (['tf', 'tfvars', 'hcl', 'service', 'timer', 'socket', 'properties', 'toml'].includes(ext)) return own(BY_EXT, ext);
  if (/^keys\.py(\.sample|\.example|\.default)?$/.test(lower)) return 'python';
  if (lower.endsWith('.py.sample') || lower.endsWith('.py.example')) return 'python';
  return undefined;
}

/** `.conf` files are HOCON (TheHive, Cortex, Play), Logstash pipelines or ini-like; the text tells. */
function sniffConf(lowerBase: string, text: string): FormatId {
  const head = text.slice(0, 8192);
  if (/^\s*(<\?xml|<!--|<[A-Za-z_])/.test(head)) return 'xml';
  if (/^\s*(input|filter|output)\s*\{/m.test(head)) return 'logstash';
  if (/^\s*(server|location|upstream|http|events|stream)\b[^\n{=:]*\{/m.test(head) && /;\s*$/m.test(head) || /^\s*proxy_pass\s/m.test(head)) return 'nginx';
  if (lowerBase === 'application.conf' || lowerBase.endsWith('.hocon')) return 'hocon';
  if (/^\s*\[[^\]\n]+\]\s*$/m.test(head)) return 'ini';
  if (/[{}]/.test(head)) return 'hocon';
  return 'ini';
}

function sniffText(text: string): FormatId {
  const head = text.slice(0, 4096);
  if (/^#!.*\b(ba|z|k)?sh\b/.test(head)) return 'shell';
  if (/^#!.*python/.test(head)) return 'python';
  if (/^#!.*node/.test(head)) return 'javascript';
  if (/^\s*[{[]/.test(head) && /^\s*\{\s*"cells"\s*:/.test(head)) return 'ipynb';
  if (/^\s*[{[]/.test(head)) return 'json';
  return 'plaintext';
}

/** Splits a path into base name and lower-case extension. */
export function baseAndExt(path: string): { base: string; ext: string; dirs: string } {
  const norm = path.replace(/\\/g, '/');
  const slash = norm.lastIndexOf('/');
  const base = norm.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  return { base, ext: dot > 0 ? base.slice(dot + 1).toLowerCase() : '', dirs: norm.slice(0, slash + 1).toLowerCase() };
}

/** The format of a document. */
export function detectFormat(text: string, path = '', languageId = ''): FormatId {
  const { base, ext } = baseAndExt(path);
  const named = base ? fromName(base, ext, text) : undefined;
  if (named) return named;
  const byLang = own(BY_LANGUAGE, languageId);
  if (byLang && byLang !== 'plaintext' && !(byLang === 'json' && /^\s*\{\s*"cells"\s*:/.test(text.slice(0, 200)))) return byLang;
  const byExt = own(BY_EXT, ext);
  if (byExt) return byExt;
  return sniffText(text);
}

/** The flavor of a config document, which decides the idiomatic fix. */
export function detectFlavor(format: FormatId, text: string, path = ''): Flavor {
  const { base, dirs } = baseAndExt(path);
  const lower = base.toLowerCase();
  if (format === 'hcl') return 'terraform';
  if (format === 'hocon') return 'thehive';
  if (format === 'python' && /^keys\.py/.test(lower)) return 'pymisp-keys';
  // Fluent Bit's classic config has a [SERVICE] section too: its [INPUT]/[OUTPUT]/[FILTER] sections and
  // space-separated `Name plugin` lines tell it from a systemd unit.
  if (format === 'ini' && /^[ \t]*\[(?:INPUT|OUTPUT|FILTER|PARSER)\][ \t]*$/m.test(text) && /^[ \t]+Name[ \t]+\S/m.test(text)) return 'fluent-bit';
  if (format === 'ini' && /\[(unit|service|install)\]/i.test(text.slice(0, 4096))) return 'systemd';
  if (format === 'properties' && /^application/.test(lower)) return 'spring';
  if (format !== 'yaml') return 'generic';
  const head = text.slice(0, 16384);
  // Fluent Bit's YAML configuration: a pipeline of inputs, filters and outputs.
  if (/^pipeline:[ \t]*$/m.test(head) && /^[ \t]+(?:inputs|outputs):[ \t]*$/m.test(head)) return 'fluent-bit';
  if (dirs.includes('.github/workflows/')) return 'github-actions';
  if (lower === '.gitlab-ci.yml' || lower.endsWith('.gitlab-ci.yml')) return 'gitlab-ci';
  if (/^(docker-)?compose[\w.-]*\.ya?ml$/.test(lower) || /^services:\s*$/m.test(head) && /^\s+(image|build):/m.test(head)) return 'compose';
  if (/^kind:\s*Secret\s*$/m.test(head) && /^apiVersion:/m.test(head)) return 'kubernetes-secret';
  if (/^apiVersion:/m.test(head) && /^kind:/m.test(head)) return 'kubernetes';
  if (/^values[\w.-]*\.ya?ml$/.test(lower) || dirs.includes('/charts/') || dirs.includes('/helm/')) return 'helm-values';
  if (/(^|\/)(group_vars|host_vars|roles|playbooks?)\//.test(dirs) || /^\s*-?\s*hosts:/m.test(head) && /^\s+tasks:/m.test(head)) return 'ansible';
  if (/filebeat/.test(lower) || /^-\s*module:\s*\w+/m.test(head) || /filebeat/.test(dirs)) return 'filebeat';
  if (/^application[\w-]*\.ya?ml$/.test(lower)) return 'spring';
  return 'generic';
}

/** Formats whose findings are config leaks rather than source-code leaks. */
export function isConfigFormat(format: FormatId): boolean {
  return ['dotenv', 'ini', 'properties', 'yaml', 'json', 'toml', 'hocon', 'hcl', 'logstash', 'xml', 'dockerfile', 'nginx', 'sql'].includes(format);
}
