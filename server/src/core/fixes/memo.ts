/**
 * Per-text memos for the fix builders: planning every finding of a file (fix-all, a code-action
 * request over a large selection) asks the same questions of the same text once per finding, and a
 * parse or a whole-text search per finding made that quadratic.
 */
import { parseAllDocuments, type Document } from 'yaml';

/** Remembers `f(text)` for the last few texts (the texts are the same string objects, so lookups are cheap). */
export function lastTexts<T>(f: (text: string) => T, size = 4): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    const hit = cache.get(text);
    if (hit !== undefined || cache.has(text)) return hit as T;
    const value = f(text);
    if (cache.size >= size) cache.delete(cache.keys().next().value as string);
    cache.set(text, value);
    return value;
  };
}

/** The YAML documents of a text, parsed once (the builders only read them). */
export const yamlDocuments: (text: string) => Document.Parsed[] = lastTexts((text) => parseAllDocuments(text, { uniqueKeys: false, strict: false }) as Document.Parsed[]);
