/**
 * Diagnostics of workspace scans for files that are not open, kept consistent afterwards: a file
 * that is opened gets its diagnostics from the open-document validation (those win), one that is
 * closed, created or changed on disk is analysed again from disk, one that is deleted or renamed
 * away loses its diagnostics. Only files with findings are remembered and published, so a scan of
 * 20,000 clean files sends no 20,000 empty notifications.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Diagnostic } from 'vscode-languageserver';
import { ruleHelpUri } from './core';
import type { RuleId } from './core';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import type { MispGuardDiagnosticData } from './diagnostics';
import type { AnalyzedFinding } from './node/analyzeFile';
import type { Baseline } from './node/baseline';
import { runPipeline } from './node/scanPipeline';
import type { AnalyzerOptions } from './node/workerPool';
import type { SkipReason } from './node/walker';

/** What a scan of one root knows, so that later file events are handled the same way. */
export interface ScanScope {
  /** The workspace folder (settings, relative globs, baseline). */
  folder: string;
  /** The directory (or file) that was scanned. */
  root: string;
  ignore: (file: string, isDirectory: boolean) => SkipReason | undefined;
  analyzer: AnalyzerOptions;
  baseline: () => Baseline | undefined;
}

/** What the results need from the server. */
export interface ScanResultsDeps {
  /** True when the file is open in the editor (its diagnostics come from the validator). */
  isOpen(file: string): boolean;
  publish(uri: string, diagnostics: Diagnostic[]): void;
  log: { warn(message: string): void };
}

/** Counts of one publication. */
export interface Published {
  findings: number;
  baselined: number;
  byRule: Map<RuleId, number>;
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information, hint: DiagnosticSeverity.Hint } as const;

/** The scan diagnostics of unopened files. */
export class ScanResults {
  private readonly files = new Map<string, { findings: AnalyzedFinding[]; scope: ScanScope }>();
  private readonly scopes: ScanScope[] = [];

  constructor(private readonly deps: ScanResultsDeps) {}

  /** Remembers how a root was scanned (replacing an earlier scope of the same root). */
  addScope(scope: ScanScope): void {
    const i = this.scopes.findIndex((s) => s.root === scope.root);
    if (i >= 0) this.scopes.splice(i, 1);
    this.scopes.push(scope);
  }

  /** Records a file's findings and publishes them (unless the file is open). */
  set(file: string, findings: AnalyzedFinding[], scope: ScanScope): Published {
    const had = this.files.has(file);
    if (findings.length === 0) {
      if (had) this.forget(file);
      return { findings: 0, baselined: 0, byRule: new Map() };
    }
    this.files.set(file, { findings, scope });
    return this.publishFile(file);
  }

  /** Files with scan findings at or under `p`. */
  filesUnder(p: string): string[] {
    return [...this.files.keys()].filter((f) => isUnder(f, p));
  }

  /** Forgets (and clears the diagnostics of) every file at or under `p`. */
  forgetUnder(p: string): void {
    for (const f of this.filesUnder(p)) this.forget(f);
  }

  /** Publishes every remembered file again (a baseline changed). */
  republishAll(): void {
    for (const f of this.files.keys()) this.publishFile(f);
  }

  /** Clears every scan diagnostic and forgets the scopes; returns how many files were cleared. */
  clear(): number {
    const n = this.files.size;
    for (const f of [...this.files.keys()]) this.forget(f);
    this.scopes.length = 0;
    return n;
  }

  /**
   * Analyses `p` (a file or directory) again from disk if a scan covered it: after a close, a create,
   * a change or a rename. A path that no longer exists loses its diagnostics.
   */
  async refresh(p: string): Promise<void> {
    const scope = this.scopeFor(p);
    if (!scope) return;
    let isDirectory: boolean;
    try {
      isDirectory = fs.statSync(p).isDirectory();
    } catch {
      this.forgetUnder(p);
      return;
    }
    if (this.ignored(scope, p, isDirectory)) {
      this.forgetUnder(p);
      return;
    }
    const seen = new Set<string>();
    await runPipeline({
      roots: [p], walk: { maxFileSize: scope.analyzer.maxFileSize, ignore: scope.ignore }, analyzer: scope.analyzer,
      onFile: (o) => {
        seen.add(o.path);
        if (!this.deps.isOpen(o.path)) this.set(o.path, o.skip ? [] : o.findings, scope);
      },
    });
    for (const f of this.filesUnder(p)) if (!seen.has(f)) this.forget(f);
  }

  private publishFile(file: string): Published {
    const entry = this.files.get(file);
    const out: Published = { findings: 0, baselined: 0, byRule: new Map() };
    if (!entry) return out;
    const accept = entry.scope.baseline()?.matcher();
    const shown = entry.findings.filter((f) => !accept?.({ ruleId: f.ruleId, file, context: f.context }));
    out.baselined = entry.findings.length - shown.length;
    out.findings = shown.length;
    for (const f of shown) out.byRule.set(f.ruleId, (out.byRule.get(f.ruleId) ?? 0) + 1);
    if (!this.deps.isOpen(file)) this.deps.publish(pathToFileURL(file).href, shown.map(toDiagnostic));
    return out;
  }

  private forget(file: string): void {
    this.files.delete(file);
    if (!this.deps.isOpen(file)) this.deps.publish(pathToFileURL(file).href, []);
  }

  private scopeFor(p: string): ScanScope | undefined {
    return this.scopes.filter((s) => isUnder(p, s.root)).sort((a, b) => b.root.length - a.root.length)[0];
  }

  /** Left out by the scope: `.git`, `node_modules`, .gitignore or excludes, on the path or a directory above it. */
  private ignored(scope: ScanScope, p: string, isDirectory: boolean): boolean {
    const rel = path.relative(scope.root, p);
    const parts = rel === '' ? [] : rel.split(path.sep);
    if (parts.includes('.git') || parts.includes('node_modules')) return true;
    for (let i = 1; i < parts.length; i++) {
      if (scope.ignore(path.join(scope.root, ...parts.slice(0, i)), true)) return true;
    }
    return parts.length > 0 && scope.ignore(p, isDirectory) !== undefined;
  }
}

/** A scan finding as an LSP diagnostic, with the same code, link, masked message and fix data as open documents get. */
export function toDiagnostic(f: AnalyzedFinding): Diagnostic {
  const data: MispGuardDiagnosticData = { ruleId: f.ruleId, version: null, fix: f.fix };
  return {
    range: { start: { line: f.line - 1, character: f.column - 1 }, end: { line: f.endLine - 1, character: f.endColumn - 1 } },
    severity: SEVERITY[f.severity] ?? DiagnosticSeverity.Error,
    code: f.ruleId,
    codeDescription: { href: ruleHelpUri(f.ruleId) },
    source: DIAGNOSTIC_SOURCE,
    message: f.message,
    data,
  };
}

/** True when `p` is `dir` or inside it. */
export function isUnder(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}
