// The email address check of E8 (and A3), with the reason it fails, so a refusal says what to correct. The
// reason never repeats the address (personal data). Accepts exactly what /^[^\s@]+@[^\s@]+\.[^\s@]+$/ does.

/** Null when the address has the form name@domain.tld; else what is wrong with it. Outer spaces are ignored. */
export function emailAddressProblem(value: string): string | null {
  const email = value.trim();
  if (/\s/.test(email)) return 'it contains a space';
  const ats = email.split('@').length - 1;
  if (ats === 0) return "it has no '@'";
  if (ats > 1) return `it has ${ats} '@' signs, where an address has one`;
  const [name, domain] = email.split('@') as [string, string];
  if (name === '') return "nothing comes before the '@'";
  if (!/^.+\..+$/.test(domain)) return "the part after the '@' has no dot with text on both sides, as in example.com";
  return null;
}
