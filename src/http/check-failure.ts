/*
 * What /readyz may say about a failing check: a fixed phrase per kind of failure. A driver's own message can
 * name the database user ('password authentication failed for user "pics"', 'role "x" does not exist'), the
 * host ('getaddrinfo ENOTFOUND db.internal') or its address ('connect ECONNREFUSED 10.0.0.5:5432'), and
 * /readyz answers anyone who can reach the port.
 */

/** A failure whose message this code wrote and which names nothing: shown as it is. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
}

const BY_CODE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  '28P01': 'authentication failed',
  '28000': 'authentication refused',
  '3D000': 'database does not exist',
  '53300': 'too many connections',
  '57P01': 'server shutting down',
  '57P02': 'server shutting down',
  '57P03': 'server not accepting connections yet',
};

export function describeCheckFailure(error: unknown): string {
  if (error instanceof CheckFailure) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && BY_CODE[code]) return BY_CODE[code];
  const message = error instanceof Error ? error.message : '';
  if (/timeout|timed out/i.test(message)) return 'timed out';
  if (/terminated|closed|ended/i.test(message)) return 'connection closed';
  return typeof code === 'string' && /^[A-Z0-9_]{1,20}$/.test(code) ? `unavailable (${code})` : 'unavailable';
}
