/*
 * E4's commonest real-world failure: two OneFile assessors (archived ones too) with one MIS value in a centre.
 * Said the same way at the preview (from the cached directory) and at the enrol (from OneFile's answer): both
 * ids, which is archived, and what to do — never a guess between them.
 */

export interface MisHolder {
  id: number;
  archived: boolean;
}

export function duplicateMisMessage(label: string, ident: string, mis: string, holders: readonly MisHolder[]): string {
  const ids = holders.map((m) => `${m.id}${m.archived ? ' (archived)' : ''}`);
  const list = ids.length === 2 ? `${ids[0]} and ${ids[1]}` : `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;
  return `${label} ${ident} shares OneFile MIS value '${mis}' with assessors ${list}: archive or correct one of them in OneFile`;
}

/** MIS values compare as OneFile's search does: trimmed, case-insensitive. */
export const misKey = (value: string): string => value.trim().toLowerCase();
