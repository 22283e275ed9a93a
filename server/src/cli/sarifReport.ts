/**
 * SARIF 2.1.0 report: one run, rules from the core's metadata, results located relative to
 * `%SRCROOT%` (declared in `originalUriBaseIds` as a file URI ending in `/`), UTF-16 columns,
 * skips and core notices as tool execution notifications. Messages are masked again here.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type * as sarif from 'sarif';
import { RULES, RULE_IDS, DOCS_URL, redact, ruleHelpUri } from '../core';
import type { Severity } from '../core';
import { SKIP_REASON_LABELS } from '../node/walker';
import { historyNote, relativePosix } from './scan';
import type { ReportedFinding, ScanResult } from './scan';

/** The base id every artifact location is relative to. */
export const SRCROOT = '%SRCROOT%';

const SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** Notification descriptors of the tool itself, indexed by position in `driver.notifications`. */
const NOTIFICATIONS = [
  { id: 'file-skipped', text: 'A file or directory was not analysed (binary, too large, .git, node_modules, unreadable, ...).' },
  { id: 'analysis-notice', text: 'A note about how a file was analysed, e.g. a malformed file that fell back to a line scan.' },
  { id: 'analysis-error', text: 'A file could not be read or analysed; the scan went on with the other files.' },
] as const;
type NotificationId = (typeof NOTIFICATIONS)[number]['id'];

/** Builds the SARIF log. */
export function toSarif(result: ScanResult, version: string): sarif.Log {
  const rules: sarif.ReportingDescriptor[] = RULE_IDS.map((id) => ({
    id,
    name: id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: RULES[id].title },
    fullDescription: { text: RULES[id].description },
    helpUri: ruleHelpUri(id),
    help: { text: `${RULES[id].description} See ${ruleHelpUri(id)}` },
    defaultConfiguration: { level: level(RULES[id].defaultSeverity) },
    // GitHub code scanning ranks alerts by this score: a leaked key is high, TLS switched off medium.
    properties: { tags: ['security'], 'security-severity': id === 'tls-verify-disabled' ? '5.0' : '8.0' },
  }));
  // A path named on the command line that was not scanned is an error of the run, not a note.
  const unscanned = new Set(result.unscanned ?? []);
  const notifications: sarif.Notification[] = [
    ...result.skipped.map((s) => notification('file-skipped', unscanned.has(s) ? 'error' : 'note',
      `${unscanned.has(s) ? 'Named on the command line but not scanned' : 'Skipped'}: ${SKIP_REASON_LABELS[s.reason]}${s.detail ? ` (${s.detail})` : ''}.`, result, s.path, s.directory)),
    ...result.notices.map((n) => notification(n.level === 'error' ? 'analysis-error' : 'analysis-notice',
      n.level === 'info' ? 'note' : n.level, n.message, result, n.file, false, n.line, n.column)),
  ];
  return {
    $schema: SCHEMA_URI,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'misp-guard', version, semanticVersion: version, informationUri: DOCS_URL, rules,
          notifications: NOTIFICATIONS.map((d) => ({ id: d.id, shortDescription: { text: d.text } })),
        },
      },
      invocations: [{ executionSuccessful: unscanned.size === 0, toolExecutionNotifications: notifications }],
      originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(result.root) } },
      columnKind: 'utf16CodeUnits',
      newlineSequences: ['\r\n', '\n', '\r'],
      results: results(result),
    }],
  };
}

/** The SARIF log as text. */
export function formatSarif(result: ScanResult, version: string): string {
  return `${JSON.stringify(toSarif(result, version), null, 2)}\n`;
}

function results(result: ScanResult): sarif.Result[] {
  const occurrences = new Map<string, number>();
  return result.findings.map((f) => {
    const rel = relativePosix(result.root, f.file);
    const key = `${f.ruleId}\u0000${rel}\u0000${f.context}`;
    const n = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, n);
    return {
      ruleId: f.ruleId,
      ruleIndex: RULE_IDS.indexOf(f.ruleId),
      level: level(f.severity),
      // Code scanning shows the message, not the properties: the commits go there too.
      message: { text: redact(`${f.message}${historyNote(f)}`) },
      locations: [{ physicalLocation: { artifactLocation: artifact(rel, false), region: region(f) } }],
      partialFingerprints: { 'mispGuardContextHash/v1': `${sha256(key).slice(0, 32)}:${n}` },
      // Findings left after a baseline are the new ones.
      ...(result.baselined === undefined ? {} : { baselineState: 'new' as const }),
      // History scan: where in the history the key was added and removed.
      ...(f.commit === undefined ? {} : {
        properties: { commit: f.commit, ...(f.removedIn ? { removedIn: f.removedIn } : { stillPresent: true }) },
      }),
    };
  });
}

function notification(id: NotificationId, lvl: sarif.Notification.level, text: string, result: ScanResult,
  file: string, directory: boolean, line?: number, column?: number): sarif.Notification {
  const physicalLocation: sarif.PhysicalLocation = { artifactLocation: artifact(relativePosix(result.root, file), directory) };
  if (line !== undefined) physicalLocation.region = { startLine: line, startColumn: column };
  return {
    level: lvl,
    message: { text: redact(text) },
    descriptor: { id, index: NOTIFICATIONS.findIndex((d) => d.id === id) },
    locations: [{ physicalLocation }],
  };
}

function artifact(rel: string, directory: boolean): sarif.ArtifactLocation {
  const uri = rel === '' ? './' : rel.split('/').map(encodeSegment).join('/') + (directory ? '/' : '');
  return { uri, uriBaseId: SRCROOT };
}

const KEY_RUN = /(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/g;
/** The same, without the global flag: `test` then keeps no state (matchAll would start where it stopped). */
const HAS_KEY_RUN = new RegExp(KEY_RUN.source);

/**
 * One path segment of a URI. A key-shaped run of 40 letters and digits (a file named after a key)
 * keeps its first 4 characters and has the rest percent-encoded: the URI still names the same
 * file (RFC 3986: `%41` and `A` are equivalent, and every URI parser decodes them), so code
 * scanning still finds it, but the log never holds the 40 characters in a row.
 */
function encodeSegment(segment: string): string {
  let out = '';
  let last = 0;
  for (const m of segment.matchAll(KEY_RUN)) {
    const at = m.index ?? 0;
    out += encodeURIComponent(segment.slice(last, at)) + m[0].slice(0, 4)
      + [...m[0].slice(4)].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');
    last = at + m[0].length;
  }
  return out + encodeURIComponent(segment.slice(last));
}

/** A file URI with {@link encodeSegment} applied to the segments that hold a key-shaped run. */
function hideKeyRuns(uri: string): string {
  return uri.split('/').map((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return segment;
    }
    return HAS_KEY_RUN.test(decoded) ? encodeSegment(decoded) : segment;
  }).join('/');
}

function region(f: ReportedFinding): sarif.Region {
  return { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn };
}

function level(s: Exclude<Severity, 'off'>): sarif.Result.level {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

function directoryUri(dir: string): string {
  const href = hideKeyRuns(pathToFileURL(dir).href);
  return href.endsWith('/') ? href : `${href}/`;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
