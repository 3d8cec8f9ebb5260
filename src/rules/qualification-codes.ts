// Q1: which PICS qualification is which OneFile standard. OneFile shows a learning aim's code in square
// brackets at the end of its title (or in Code); PICS keeps it in the VQ reference, apprenticeship standards
// as the ESFA code plus a suffix (AS main aim, OP on-programme, GW gateway, EP end-point assessment).

const APPRENTICESHIP_SUFFIX = /(AS|OP|GW|EP)$/;

/** The code of a standard: `Code` when present, else the bracketed text at the end of the title. */
export function extractStandardCode(title: string, code?: string | null): string | null {
  if (code && code.trim() !== '') return code.trim();
  const match = /\[([^[\]]+)\]\s*$/.exec(title);
  return match?.[1]?.trim() || null;
}

/** Case, spaces, slashes, dots and dashes removed: `600/1234/5` ≡ `60012345`, `st0384 ` ≡ `ST0384`. */
export function normaliseCode(code: string | null | undefined): string | null {
  if (!code) return null;
  const normalised = code.toUpperCase().replace(/[\s/\\.\-_]/g, '');
  return normalised === '' ? null : normalised;
}

/** The forms a PICS VQ reference may take in OneFile: itself, and without its apprenticeship suffix. */
export function candidateCodes(vqReference: string | null | undefined): string[] {
  const normalised = normaliseCode(vqReference);
  if (!normalised) return [];
  const base = normalised.replace(APPRENTICESHIP_SUFFIX, '');
  return base !== normalised && base.length >= 2 ? [normalised, base] : [normalised];
}

export interface StandardForMatching {
  id: number;
  title: string;
  code: string | null;
}

export interface StandardCode {
  /** As OneFile shows it (Code, else the bracketed end of the title); null when it shows none. */
  code: string | null;
  /** What matching compares. */
  normalisedCode: string | null;
}

/** The code of a standard, as shown and as matched. */
export function standardCode(standard: Pick<StandardForMatching, 'title' | 'code'>): StandardCode {
  const code = extractStandardCode(standard.title, standard.code);
  return { code, normalisedCode: normaliseCode(code) };
}

export interface QualificationForMatching {
  id: number;
  vqReference: string | null;
}

export interface QualificationMatch {
  qualificationId: number;
  /** Every standard whose code matches (several = pathways, Q2); empty = not available in OneFile. */
  standardIds: number[];
}

/**
 * Matches each qualification to the standards whose normalised code equals its VQ reference, or the
 * reference without its apprenticeship suffix. An exact match wins over a suffix-stripped one.
 */
export function matchQualifications(
  qualifications: QualificationForMatching[], standards: StandardForMatching[],
): QualificationMatch[] {
  const byCode = new Map<string, number[]>();
  for (const standard of standards) {
    const code = standardCode(standard).normalisedCode;
    if (!code) continue;
    byCode.set(code, [...(byCode.get(code) ?? []), standard.id]);
  }
  return qualifications.map((q) => {
    for (const candidate of candidateCodes(q.vqReference)) {
      const found = byCode.get(candidate);
      if (found) return { qualificationId: q.id, standardIds: [...found].sort((a, b) => a - b) };
    }
    return { qualificationId: q.id, standardIds: [] };
  });
}
