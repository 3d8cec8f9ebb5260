/*
 * CLI output: aligned plain-text tables for people, JSON (--json) for scripts. A few lines of padding rather
 * than a table library: the tables are small and plain, and scripts read the JSON anyway.
 */

export type Cell = string | number | boolean | Date | null | undefined;

export function cell(value: Cell): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return String(value);
}

/** Columns in the order given; a header row, a rule, then one row per record. */
export function table<T>(rows: T[], columns: [header: string, value: (row: T) => Cell][]): string {
  if (rows.length === 0) return '  (none)';
  const lines = [columns.map(([h]) => h), ...rows.map((row) => columns.map(([, get]) => cell(get(row)).replace(/\s+/g, ' ')))];
  const widths = columns.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  const format = (line: string[]) => `  ${line.map((text, i) => (i === line.length - 1 ? text : text.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  return [format(lines[0]!), format(widths.map((w) => '-'.repeat(w))), ...lines.slice(1).map(format)].join('\n');
}

/** "key: value" lines, keys aligned. */
export function fields(entries: [string, Cell][]): string {
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return entries.map(([key, value]) => `  ${`${key}:`.padEnd(width + 1)} ${cell(value)}`).join('\n');
}

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
