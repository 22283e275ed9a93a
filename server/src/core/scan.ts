import type { Finding, ScanInput, ScanOptions, ScanReport } from './types';

/** Analyses one document and reports findings and notices. Pure: no I/O. */
export function analyzeText(text: string, input: ScanInput = {}, options: ScanOptions = {}): ScanReport {
  void text; void input; void options;
  return { format: 'plaintext', flavor: 'generic', findings: [], notices: [] };
}

/** Findings for one document (see {@link analyzeText} for notices too). */
export function scanText(text: string, input: ScanInput = {}, options: ScanOptions = {}): Finding[] {
  return analyzeText(text, input, options).findings;
}
