/**
 * A OneFile id as PICS keeps it, in a text column (an officer's Other System ID, an organisation's Additional
 * ID): blank = none; anything but a positive whole number is a mistake a PICS user must fix (E8).
 */
export function parseOneFileId(value: string | null): number | null | 'invalid' {
  if (value === null || value.trim() === '') return null;
  const n = Number(value); // Number() ignores surrounding white space itself
  return Number.isInteger(n) && n > 0 ? n : 'invalid';
}

/** The same, where an unusable value counts as none (the sync then finds or creates the record). */
export function oneFileIdOf(value: string | null): number | null {
  const id = parseOneFileId(value);
  return id === 'invalid' ? null : id;
}
