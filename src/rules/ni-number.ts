// National Insurance numbers (E1, A3), checked by HMRC's own rules so that a refusal names the rule the value
// broke. The reason never repeats the number (personal data); naming the offending prefix letters is enough.
// HMRC: two prefix letters, six digits, a suffix A–D; the first letter is never D, F, I, Q, U or V, the second
// never D, F, I, O, Q, U or V; BG, GB, KN, NK, NT and ZZ are never issued; TN marks a temporary number.

const NEVER_FIRST = new Set('DFIQUV');
const NEVER_SECOND = new Set('DFIOQUV');
const NEVER_ISSUED = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'ZZ']);
const TEMPORARY = 'TN';

/** Null when the NI number is one HMRC could have issued; else the rule it breaks. Case and outer spaces are ignored. */
export function niNumberProblem(value: string): string | null {
  const ni = value.trim().toUpperCase();
  if (ni.length !== 9) return 'it must be 9 characters without spaces: two prefix letters, six digits and a suffix letter A–D';
  if (!/^[A-Z]{2}/.test(ni)) return 'it must start with two prefix letters';
  if (!/^\d{6}$/.test(ni.slice(2, 8))) return 'its two prefix letters must be followed by six digits';
  const prefix = ni.slice(0, 2);
  if (prefix === TEMPORARY) return `prefix '${TEMPORARY}' marks a temporary number, which is not accepted: record the learner's permanent NI number`;
  if (NEVER_ISSUED.has(prefix)) return `prefix '${prefix}' is never issued by HMRC`;
  if (NEVER_FIRST.has(prefix[0]!)) return `its first letter '${prefix[0]}' is never used by HMRC (the first letter is never D, F, I, Q, U or V)`;
  if (NEVER_SECOND.has(prefix[1]!)) return `its second letter '${prefix[1]}' is never used by HMRC (the second letter is never D, F, I, O, Q, U or V)`;
  if (!/[A-D]/.test(ni[8]!)) return 'its last character, the suffix, must be A, B, C or D';
  return null;
}
