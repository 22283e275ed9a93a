/** Adding imports a fix needs: Python `import os`/`import hvac`, Go import specs, Ruby requires. Never twice. */
import { findCovering, lineEndAt } from '../text';
import { insertLines, nextLineStart } from './edits';
import { tokensOf } from './literal';
import type { OffsetEdit } from './model';

/** True when module-level Python code binds `module` with `import module` (not `import module as x`). */
export function pythonImports(code: string, module: string): boolean {
  const re = new RegExp(`^import[ \\t]+(?:[\\w.]+(?:[ \\t]+as[ \\t]+\\w+)?[ \\t]*,[ \\t]*)*${module.replace('.', '\\.')}(?![\\w.])(?![ \\t]+as\\b)`, 'gm');
  const toks = tokensOf(code, 'python');
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const t = findCovering(toks, m.index);
    if (!t || t.kind !== 'string') return true;
  }
  return false;
}

/** End of the Python logical line starting at `pos` (brackets balanced, no trailing backslash). */
function pythonStatementEnd(text: string, pos: number): number {
  const toks = tokensOf(text, 'python');
  let depth = 0;
  for (let i = pos; i < text.length; i++) {
    const t = findCovering(toks, i);
    if (t) { i = t.end - 1; continue; }
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if ((c === '\n' || c === '\r') && depth <= 0 && text[i - 1] !== '\\') return i;
  }
  return text.length;
}

/**
 * Where new module imports go in Python source: after the shebang, encoding line and leading comments,
 * the module docstring and `from __future__` imports; at the start of the first other statement.
 */
export function pythonImportOffset(text: string): number {
  const toks = tokensOf(text, 'python');
  let pos = 0;
  const skipBlankAndComments = () => { pos = afterHashComments(text, pos); };
  skipBlankAndComments();
  const lead = /^[ \t]*(?:[rRuU])?/.exec(text.slice(pos, pos + 8))![0].length;
  const doc = findCovering(toks, pos + lead);
  if (doc && doc.kind === 'string' && doc.start === pos + lead) {
    pos = nextLineStart(text, pythonStatementEnd(text, pos));
    skipBlankAndComments();
  }
  while (/^from[ \t]+__future__[ \t]+import\b/.test(text.slice(pos, pos + 40))) {
    pos = nextLineStart(text, pythonStatementEnd(text, pos));
    skipBlankAndComments();
  }
  return pos;
}

/** Edits that add `import <module>` lines (sorted) for the modules not imported yet, in `code` or `priorCode`. */
export function pythonImportEdits(text: string, modules: string[], eol: string, priorCode = ''): OffsetEdit[] {
  const missing = modules.filter((m) => !pythonImports(text, m) && !pythonImports(priorCode, m)).sort();
  if (!missing.length) return [];
  const at = pythonImportOffset(text);
  const lines = missing.map((m) => `import ${m}`);
  const next = text.slice(at, lineEndAt(text, at));
  if (at < text.length && !/^(import|from)\s/.test(next)) lines.push('');
  return [insertLines(text, at, lines, eol)];
}

/** True when Go source imports `pkg` without an alias. */
export function goImports(text: string, pkg: string): boolean {
  return new RegExp(`^(?:import[ \\t]+|[ \\t]+)"${pkg}"[ \\t]*(?://.*)?$`, 'm').test(text);
}

/** Edits that add Go import specs for the packages not imported yet (into the import block, in gofmt order). */
export function goImportEdits(text: string, pkgs: string[], eol: string): OffsetEdit[] {
  const missing = pkgs.filter((p) => !goImports(text, p)).sort();
  if (!missing.length) return [];
  const block = /^import[ \t]*\([ \t]*(?:\/\/.*)?$/m.exec(text);
  if (block) {
    let pos = nextLineStart(text, block.index);
    const slots = new Map<number, string[]>();
    const firstGroup: Array<{ at: number; path: string }> = [];
    while (pos < text.length) {
      const line = text.slice(pos, lineEndAt(text, pos));
      if (/^\s*\)/.test(line) || line.trim() === '') { if (firstGroup.length || /^\s*\)/.test(line)) break; }
      const m = /"([^"]+)"/.exec(line);
      if (m) firstGroup.push({ at: pos, path: m[1] });
      const next = nextLineStart(text, pos);
      if (next === pos) break;
      pos = next;
    }
    const end = firstGroup.length ? nextLineStart(text, firstGroup[firstGroup.length - 1].at) : pos;
    for (const p of missing) {
      const before = firstGroup.find((g) => g.path > p);
      const at = before ? before.at : end;
      slots.set(at, [...(slots.get(at) ?? []), `\t"${p}"`]);
    }
    return [...slots].map(([at, lines]) => insertLines(text, at, lines, eol));
  }
  const singles = [...text.matchAll(/^import[ \t]+(?:[\w.]+[ \t]+)?"[^"]+"[ \t]*(?:\/\/.*)?$/gm)];
  if (singles.length) {
    const last = singles[singles.length - 1];
    return [insertLines(text, nextLineStart(text, last.index!), missing.map((p) => `import "${p}"`), eol)];
  }
  const pkg = /^package[ \t]+\w+.*$/m.exec(text);
  const at = pkg ? nextLineStart(text, pkg.index) : 0;
  const spec = missing.length === 1 ? [`import "${missing[0]}"`] : ['import (', ...missing.map((p) => `\t"${p}"`), ')'];
  return [insertLines(text, at, pkg ? ['', ...spec] : [...spec, ''], eol)];
}

/** The start of the first line at or after `pos` that is neither blank nor a `#` comment (or the end). */
function afterHashComments(text: string, pos: number): number {
  while (pos < text.length) {
    const line = text.slice(pos, lineEndAt(text, pos));
    if (line.trim() !== '' && !line.trimStart().startsWith('#')) break;
    const next = nextLineStart(text, pos);
    if (next === pos) return text.length;
    pos = next;
  }
  return pos;
}

/** Edits that add Ruby `require "lib"` lines for the libraries not required yet (after the magic comments). */
export function rubyRequireEdits(text: string, libs: string[], eol: string): OffsetEdit[] {
  const missing = libs.filter((l) => !new RegExp(`^\\s*require(?:_relative)?\\s*\\(?\\s*["']${l.replace('/', '\\/')}["']`, 'm').test(text));
  if (!missing.length) return [];
  const pos = afterHashComments(text, 0);
  const lines = missing.map((l) => `require "${l}"`);
  if (pos < text.length && !/^\s*require/.test(text.slice(pos, lineEndAt(text, pos)))) lines.push('');
  return [insertLines(text, pos, lines, eol)];
}

/** True when C# source has `using System;` (so `Environment` needs no namespace). */
export function csharpUsesSystem(text: string): boolean {
  return /^\s*(?:global\s+)?using\s+System\s*;/m.test(text);
}

/** Edits that add `#include <header>` after the last include (or at the top), unless it is there. */
export function includeEdits(text: string, header: string, eol: string): OffsetEdit[] {
  if (new RegExp(`^\\s*#\\s*include\\s*<${header.replace('.', '\\.')}>`, 'm').test(text)) return [];
  const includes = [...text.matchAll(/^[ \t]*#[ \t]*include\b.*$/gm)];
  const at = includes.length ? nextLineStart(text, includes[includes.length - 1].index!) : 0;
  return [insertLines(text, at, includes.length ? [`#include <${header}>`] : [`#include <${header}>`, ''], eol)];
}

/** Edits that add `import Foundation` to Swift source that has no Foundation (or UIKit/AppKit) import. */
export function swiftFoundationEdits(text: string, eol: string): OffsetEdit[] {
  if (/^\s*import\s+(?:Foundation|UIKit|AppKit|SwiftUI|Cocoa)\b/m.test(text)) return [];
  const imports = [...text.matchAll(/^[ \t]*import[ \t]+\w.*$/gm)];
  const at = imports.length ? nextLineStart(text, imports[imports.length - 1].index!) : 0;
  return [insertLines(text, at, imports.length ? ['import Foundation'] : ['import Foundation', ''], eol)];
}
