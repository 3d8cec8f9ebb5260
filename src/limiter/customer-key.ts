import { createHash } from 'node:crypto';

/**
 * A stable, non-secret name for a OneFile customer, used in Redis keys and logs. The customer token is a
 * credential, so it must never appear in a key (keys show up in MONITOR, SCAN, dashboards); a truncated
 * SHA-256 identifies the customer without revealing or allowing recovery of the token.
 */
export function customerKeyFromToken(customerToken: string): string {
  if (!customerToken) throw new Error('customerKeyFromToken: empty customer token');
  return createHash('sha256').update(customerToken, 'utf8').digest('hex').slice(0, 16);
}
