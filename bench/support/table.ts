/** Printing helpers shared by the enrol and daily-sync benchmarks. */

export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** A Markdown table, columns padded so it also reads well in a terminal; numbers right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-–\d]/.test(r[i] ?? '')));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const cell = (text: string, i: number) => (numeric[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** A two-column "measure | value" table. */
export function keyValueTable(rows: Array<[string, string]>, header: [string, string] = ['measure', 'value']): string {
  return table(header, rows.map(([k, v]) => [k, v]));
}
