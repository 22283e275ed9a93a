/**
 * The column each value of a SQL dump's INSERT rows goes to: `INSERT INTO users VALUES (1,'…','KEY')`
 * with the columns from the statement's own list or from the table's `CREATE TABLE` earlier in the
 * dump (mysqldump writes both). MISP's own dumps keep `users.authkey` and `servers.authkey` this way.
 * One forward pass over the text; a value is known by the offset of its opening quote.
 */

const CREATE = /CREATE\s+(?:TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:[`"[]?[\w$]+[`"\]]?\.)?[`"[]?[\w$]+[`"\]]?)\s*\(/gi;
const INSERT = /(?:INSERT|REPLACE)\s+(?:(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE)\s+)*INTO\s+((?:[`"[]?[\w$]+[`"\]]?\.)?[`"[]?[\w$]+[`"\]]?)\s*(\([^()]*\))?\s*VALUES\s*/gi;
const NOT_COLUMN = /^(?:PRIMARY|KEY|UNIQUE|CONSTRAINT|INDEX|FOREIGN|CHECK|FULLTEXT|SPATIAL|EXCLUDE|LIKE|PERIOD)\b/i;

/** Where a value of a dump goes: its `table.column`, and the row (the `(…)` tuple or COPY line) holding it. */
export interface SqlValue {
  column: string;
  /** Offsets of the row; the end is set when the row closes (the text's end if it never does). */
  row: { start: number; end: number };
}

const COPY = /^COPY\s+((?:[`"[]?[\w$]+[`"\]]?\.)?[`"[]?[\w$]+[`"\]]?)\s*\(([^()]*)\)\s*FROM\s+stdin\b[^\n]*\n/gim;

let cached: { text: string; columns: Map<number, SqlValue> } | undefined;

/**
 * Value offset → its column and row, for every quoted value of every INSERT row (at its opening quote)
 * and every field of a PostgreSQL `COPY … FROM stdin` block (at its first character).
 */
export function sqlValueColumns(text: string): Map<number, SqlValue> {
  if (cached?.text === text) return cached.columns;
  const columns = new Map<number, SqlValue>();
  const tables = new Map<string, string[]>();
  if (/INSERT|REPLACE/i.test(text)) {
    CREATE.lastIndex = 0;
    for (let m = CREATE.exec(text); m; m = CREATE.exec(text)) {
      const open = m.index + m[0].length - 1;
      const close = matchingParen(text, open);
      // Unclosed to the end: so is every later one (one scan, not one per statement).
      if (close < 0) break;
      tables.set(bareName(m[1]), splitTop(text.slice(open + 1, close - 1)).map((def) => def.replace(/--[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\//g, '').trim()).filter((def) => def && !NOT_COLUMN.test(def)).map((def) => bareName(/^\S+/.exec(def)![0])));
      CREATE.lastIndex = close;
    }
    INSERT.lastIndex = 0;
    for (let m = INSERT.exec(text); m; m = INSERT.exec(text)) {
      const table = bareName(m[1]);
      const cols = m[2] ? m[2].slice(1, -1).split(',').map((c) => bareName(c.trim())) : tables.get(table);
      const end = readRows(text, m.index + m[0].length, cols, table, columns);
      INSERT.lastIndex = Math.max(end, m.index + m[0].length);
    }
  }
  if (text.includes('COPY')) {
    COPY.lastIndex = 0;
    for (let m = COPY.exec(text); m; m = COPY.exec(text)) COPY.lastIndex = readCopyRows(text, COPY.lastIndex, bareName(m[1]), m[2].split(',').map((c) => bareName(c.trim())), columns);
  }
  cached = { text, columns };
  return columns;
}

/** Reads the tab-separated lines of a COPY block from `at` to its `\.` line; returns where reading stopped. */
function readCopyRows(text: string, at: number, table: string, cols: string[], out: Map<number, SqlValue>): number {
  let ls = at;
  while (ls < text.length) {
    let le = text.indexOf('\n', ls);
    if (le < 0) le = text.length;
    const lineEnd = text[le - 1] === '\r' ? le - 1 : le;
    if (text.startsWith('\\.', ls) && lineEnd - ls === 2) return le + 1;
    const row = { start: ls, end: lineEnd };
    let col = 0;
    for (let f = ls; f <= lineEnd; col++) {
      let fe = text.indexOf('\t', f);
      if (fe < 0 || fe > lineEnd) fe = lineEnd;
      if (cols[col]) out.set(f, { column: `${table}.${cols[col]}`, row });
      f = fe + 1;
    }
    ls = le + 1;
  }
  return text.length;
}

/** Reads `(…),(…);` rows from `at`, recording each quoted value's column and row; returns where reading stopped. */
function readRows(text: string, at: number, cols: string[] | undefined, table: string, out: Map<number, SqlValue>): number {
  let i = at;
  let depth = 0;
  let col = 0;
  let row = { start: at, end: text.length };
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      if (depth === 1 && cols && cols[col]) out.set(i, { column: `${table}.${cols[col]}`, row });
      i = stringEnd(text, i);
      continue;
    }
    if (c === '(') { depth++; if (depth === 1) { col = 0; row = { start: i, end: text.length }; } }
    else if (c === ')') { depth--; if (depth === 0) row.end = i + 1; if (depth < 0) return i; }
    else if (c === ',' && depth === 1) col++;
    else if (c === ';' && depth === 0) return i + 1;
    i++;
  }
  return i;
}

/** The offset just past a SQL string opened at `at` (backslash escapes as MySQL writes them, doubled quotes). */
function stringEnd(text: string, at: number): number {
  const q = text[at];
  let i = at + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') { i += 2; continue; }
    if (c === q) {
      if (text[i + 1] === q) { i += 2; continue; }
      return i + 1;
    }
    i++;
  }
  return i;
}

/** The offset just past a comment starting at `at` (`-- …`, `# …`, `/* … *\/`), or `at` when none starts there. */
function commentEnd(text: string, at: number): number {
  const c = text[at];
  if ((c === '-' && text[at + 1] === '-') || c === '#') { const e = text.indexOf('\n', at); return e < 0 ? text.length : e; }
  if (c === '/' && text[at + 1] === '*') { const e = text.indexOf('*/', at + 2); return e < 0 ? text.length : e + 2; }
  return at;
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    const ce = commentEnd(text, i);
    if (ce > i) { i = ce - 1; continue; }
    if (c === "'" || c === '"') { i = stringEnd(text, i) - 1; continue; }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Splits at commas outside parentheses and quotes. */
function splitTop(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    const ce = commentEnd(body, i);
    if (ce > i) { i = ce - 1; continue; }
    if (c === "'" || c === '"') { i = stringEnd(body, i) - 1; continue; }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) { parts.push(body.slice(from, i)); from = i + 1; }
  }
  parts.push(body.slice(from));
  return parts;
}

/** `db`.`users`, "users", [users] → users. */
function bareName(name: string): string {
  const last = name.split('.').pop() ?? name;
  return last.replace(/^[`"[]|[`"\]]$/g, '');
}
