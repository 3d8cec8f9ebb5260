import type { OneFileEnvironment } from '../domain/settings.js';

/** S3: the OneFile API root of each environment (onefile-api.md §1). */
export const ONEFILE_BASE_URLS: Readonly<Record<OneFileEnvironment, string>> = {
  live: 'https://wsapi.onefile.co.uk/api/v2.1',
  beta: 'https://wsapibeta.onefile.co.uk/api/v2.1',
  practice: 'https://wsapi2.onefile.co.uk/api/v2.1',
};

/**
 * The API root for the environment chosen in PICS (S3), unless the config overrides it (the simulator in
 * development, tests and benchmarks). Trailing slashes are dropped so paths join with exactly one.
 */
export function oneFileBaseUrl(environment: OneFileEnvironment, baseUrlOverride?: string | null): string {
  const url = baseUrlOverride ? baseUrlOverride : ONEFILE_BASE_URLS[environment];
  if (!url) throw new Error(`unknown OneFile environment "${String(environment)}" (expected live, beta or practice)`);
  return url.replace(/\/+$/, '');
}
