import type { RuleId, Severity } from '../types';

/** Static description of one rule, shared by diagnostics, SARIF and the README. */
export interface RuleMeta {
  id: RuleId;
  /** Short title (SARIF `shortDescription`). */
  title: string;
  /** One-paragraph explanation (SARIF `fullDescription`). */
  description: string;
  /** Severity used when the user has not configured one. */
  defaultSeverity: Exclude<Severity, 'off'>;
  /** Anchor of the rule's section in README.md. */
  anchor: string;
}

/** Where the rule documentation lives; `codeDescription.href` and SARIF `helpUri` point into it. */
export const DOCS_URL = 'https://github.com/misp-guard/misp-guard/blob/main/README.md';

const meta = (id: RuleId, title: string, description: string, defaultSeverity: RuleMeta['defaultSeverity']): RuleMeta =>
  ({ id, title, description, defaultSeverity, anchor: `rule-${id}` });

/** Every rule, keyed by id. */
export const RULES: Readonly<Record<RuleId, RuleMeta>> = {
  'hardcoded-key': meta('hardcoded-key', 'MISP API key hard-coded in source',
    'A MISP auth key literal sits in program source (commented-out code included). Anyone who can read the code can read, change or delete the organisation\'s threat intelligence.', 'error'),
  'plaintext-config-key': meta('plaintext-config-key', 'MISP API key stored in a plaintext config file',
    'A MISP auth key is stored in a config, manifest or data file (.env, ini, YAML, JSON, TOML, HOCON, properties, Terraform, Dockerfile ENV, Kubernetes Secret data).', 'error'),
  'key-in-command-line': meta('key-in-command-line', 'MISP API key passed on a command line',
    'A MISP auth key is passed as a process argument (curl -H, a --misp-key flag, systemd ExecStart). Arguments are visible to every user through the process list and end up in shell history and logs.', 'error'),
  'key-in-url': meta('key-in-url', 'MISP API key inside a URL',
    'A MISP auth key is part of a URL (legacy export URLs). URLs are logged by proxies, web servers and browsers.', 'error'),
  'key-in-notebook-output': meta('key-in-notebook-output', 'MISP API key in a saved notebook output',
    'A saved Jupyter output (stream, result or error) shows a MISP auth key. Outputs are committed and rendered along with the notebook.', 'error'),
  'tls-verify-disabled': meta('tls-verify-disabled', 'TLS certificate verification disabled for MISP',
    'Certificate verification is switched off for a connection to MISP, so anyone on the path can read the auth key and tamper with the threat intelligence.', 'warning'),
};

/** Link to the README section of a rule. */
export function ruleHelpUri(id: RuleId): string {
  return `${DOCS_URL}#${RULES[id].anchor}`;
}
