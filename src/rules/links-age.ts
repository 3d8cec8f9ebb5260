// Whether the qualification links (Q1) are recent enough for an enrol to rely on (E2): an enrol on links
// never refreshed, or refreshed too long ago, would leave out qualifications OneFile has (config links.maxAgeHours).

export type LinksFreshness = 'never' | 'stale' | 'fresh';

const HOUR_MS = 3_600_000;

export function linksFreshness(lastRefreshedAt: Date | null, now: Date, maxAgeHours: number): LinksFreshness {
  if (lastRefreshedAt === null) return 'never';
  return now.getTime() - lastRefreshedAt.getTime() > maxAgeHours * HOUR_MS ? 'stale' : 'fresh';
}

/** What the enrol preview tells the user about the links it showed; null when they are fresh. */
export function linksNote(freshness: LinksFreshness, lastRefreshedAt: Date | null, maxAgeHours: number): string | null {
  if (freshness === 'fresh') return null;
  const what = freshness === 'never'
    ? 'qualification links have never been refreshed for this OneFile organisation'
    : `qualification links were last refreshed at ${lastRefreshedAt!.toISOString()}, more than ${maxAgeHours} h ago`;
  return `${what}: the enrol will refresh them first, so the learning aims and the qualifications not linked shown here may change`;
}
