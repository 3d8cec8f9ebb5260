import type { Placement } from '../domain/learner.js';

/** E5: the organisation of the most recent type-P placement, else of the most recent placement of any type. */
export function choosePlacement(placements: Placement[]): Placement | null {
  const newestFirst = [...placements].sort((a, b) => (a.startDate === b.startDate ? b.id - a.id : a.startDate < b.startDate ? 1 : -1));
  return newestFirst.find((p) => p.type === 'P') ?? newestFirst[0] ?? null;
}
