// Dates go out as ISO strings ending in Z; they come in with or without the Z (or with an offset).
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

// Date.parse rolls 30 February over into March; OneFile's binder would refuse it.
function realDay(y: number, month: number, d: number): boolean {
  const t = new Date(Date.UTC(y, month - 1, d));
  return t.getUTCMonth() === month - 1 && t.getUTCDate() === d;
}

/** A date-time as `YYYY-MM-DDTHH:mm:ss.fffZ`, or undefined when `text` is not an ISO date. */
export function parseDateTime(text: string): string | undefined {
  const m = ISO.exec(text.trim());
  if (!m || !realDay(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  const zone = m[8] ?? 'Z';
  const base = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}.${(m[7] ?? '0').slice(0, 3).padEnd(3, '0')}`;
  const ms = Date.parse(base + (zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone.toUpperCase()));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * A calendar date as `YYYY-MM-DDT00:00:00.000Z`. The day is the one the client wrote, before any zone
 * conversion: a BST midnight sent as `…T00:00:00+01:00` stays on its own day.
 */
export function parseDate(text: string): string | undefined {
  const m = ISO.exec(text.trim());
  if (!m || parseDateTime(text) === undefined) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}T00:00:00.000Z`;
}
