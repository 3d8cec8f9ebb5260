/**
 * An ePortfolio id as PICS keeps it, in a text column (an officer's Other System ID, an organisation's
 * Additional ID): a OneFile user or placement id, or a Smart Assessor employer id. Blank = none; anything but
 * a positive whole number (one JavaScript holds exactly, as the clients send it) is a mistake a PICS user
 * must fix (E8).
 */
export function parseEPortfolioId(value: string | null): number | null | 'invalid' {
  if (value === null || value.trim() === '') return null;
  const n = Number(value); // Number() ignores surrounding white space itself
  return Number.isSafeInteger(n) && n > 0 ? n : 'invalid';
}

/** The same, where an unusable value counts as none (the sync then finds or creates the record). */
export function ePortfolioIdOf(value: string | null): number | null {
  const id = parseEPortfolioId(value);
  return id === 'invalid' ? null : id;
}
