/** Table lookups by names that come from files and clients (extensions, language ids, fence tags, fix data). */

/**
 * `table[key]` when the table itself has that key: a file named `constructor` or `x.__proto__`, or a
 * forged format id, must not reach Object.prototype's members.
 */
export function own<T>(table: Readonly<Partial<Record<string, T>>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
