/** Public surface of the pure detection core. */
export * from './types';
export { analyzeText, formatFamily, scanText, worthAnalysing } from './scan';
export { mask, redact, containsKeyLike } from './mask';
export { RULES, DOCS_URL, ruleHelpUri } from './rules/metadata';
export type { RuleMeta } from './rules/metadata';
