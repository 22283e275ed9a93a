/** Rule ids: used as the LSP diagnostic `code` and as the SARIF `ruleId`. */
export type RuleId =
  | 'hardcoded-key'
  | 'plaintext-config-key'
  | 'key-in-command-line'
  | 'key-in-url'
  | 'key-in-notebook-output'
  | 'tls-verify-disabled';

/** All rule ids, in documentation order. */
export const RULE_IDS: readonly RuleId[] = [
  'hardcoded-key',
  'plaintext-config-key',
  'key-in-command-line',
  'key-in-url',
  'key-in-notebook-output',
  'tls-verify-disabled',
];

/** Severity of a finding; `off` disables the rule. */
export type Severity = 'error' | 'warning' | 'info' | 'hint' | 'off';

/**
 * The family a document is analysed as. Code families are named after the language;
 * config families after the file format.
 */
export type FormatId =
  | 'python' | 'javascript' | 'typescript' | 'go' | 'java' | 'kotlin' | 'csharp' | 'c' | 'php' | 'ruby'
  | 'perl' | 'rust' | 'swift' | 'lua' | 'r' | 'clojure' | 'haskell' | 'matlab' | 'vbscript' | 'zig' | 'nim' | 'erlang' | 'sql' | 'powershell' | 'shell' | 'batch' | 'makefile' | 'groovy' | 'zeek'
  | 'dockerfile' | 'dotenv' | 'ini' | 'properties' | 'yaml' | 'json' | 'toml' | 'hocon' | 'hcl' | 'logstash'
  | 'xml' | 'nginx' | 'ipynb' | 'markdown' | 'rst' | 'plaintext';

/** Finer classification of a config file, which decides the idiomatic fix. */
export type Flavor =
  | 'compose' | 'github-actions' | 'gitlab-ci' | 'kubernetes' | 'kubernetes-secret' | 'helm-values' | 'ansible'
  | 'filebeat' | 'fluent-bit' | 'spring' | 'systemd' | 'terraform' | 'pymisp-keys' | 'thehive' | 'generic';

/** Where the document being scanned comes from. */
export interface ScanInput {
  /** File path or URI path; used for format detection and MISP context. */
  path?: string;
  /** Editor language id (`python`, `yaml`, `dotenv`, ...). */
  languageId?: string;
}

/** Options that change what is reported. */
export interface ScanOptions {
  /** Extra regular expressions (source text, case-insensitive) for names that hold a MISP key. */
  extraKeyNames?: readonly string[];
  /** Severity per rule; `off` disables the rule. Missing rules use their defaults. */
  severities?: Partial<Record<RuleId, Severity>>;
  /** Honour `misp-guard-ignore` directives (default true). */
  honourSuppressions?: boolean;
  /**
   * Skip files that the prefilter shows can hold no finding (default true). Turning it off gives the
   * same findings, slower: tests use it to check that the prefilter never rules out a finding.
   */
  prefilter?: boolean;
}

/** What a quick fix needs to move a key out of the document. Offsets are into the scanned text. */
export interface KeyFixData {
  type: 'key';
  format: FormatId;
  flavor: Flavor;
  /** The variable, config key or header name that holds the key, when known. */
  name?: string;
  /** Structured path of the value (YAML/JSON/TOML/INI/HOCON keys), outermost first. */
  keyPath?: string[];
  /** The 40 key characters (for split literals: the first fragment's part). */
  valueStart: number;
  valueEnd: number;
  /** The whole literal or config value holding the key, quotes included; covers every fragment of a split literal. */
  literalStart: number;
  literalEnd: number;
  /** Quote around the literal (`"`, `'`, `` ` ``, `"""`, ...), empty for a bare value. */
  quote: string;
  /** The literal holds more than the key (a header, URL or command): the fix must interpolate. */
  embedded: boolean;
  /** The literal is split over several concatenated fragments. */
  split: boolean;
  /** The value is stored base64-encoded (Kubernetes Secret `data:`). */
  encoding?: 'base64';
  /** The code lives inside a JSON string (notebook cell): replacement text must be JSON-escaped. */
  container?: 'ipynb';
}

/** What a quick fix needs to switch TLS verification back on. */
export interface TlsFixData {
  type: 'tls';
  format: FormatId;
  flavor: Flavor;
  /** Range of the disabling literal or flag. */
  start: number;
  end: number;
  /** Text that turns verification back on in place of [start, end); empty string means remove. */
  replacement: string;
  /** Name of the setting, when there is one. */
  name?: string;
  container?: 'ipynb';
}

/** Data attached to a finding for fixes. */
export type FixData = KeyFixData | TlsFixData;

/** One reported problem. Offsets are JavaScript string indices (UTF-16 code units). */
export interface Finding {
  ruleId: RuleId;
  severity: Exclude<Severity, 'off'>;
  /** Start and end of the flagged text. */
  start: number;
  end: number;
  /** Human message; never contains the full key. */
  message: string;
  /** Masked preview of the value (`abcd…`), for keys. */
  preview?: string;
  fix: FixData;
}

/** A note about how a document was analysed (fallbacks, skips). Never contains a key. */
export interface Notice {
  level: 'info' | 'warning';
  message: string;
  /** Offset the notice refers to, if any. */
  offset?: number;
}

/** Everything the engine reports for one document. */
export interface ScanReport {
  format: FormatId;
  flavor: Flavor;
  findings: Finding[];
  notices: Notice[];
}
