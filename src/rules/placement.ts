import type { PlacementWithOrganisation } from '../pics/types.js';

/** E5: the organisation of the most recent type-P placement, else of the most recent placement of any type. */
export function choosePlacement(placements: PlacementWithOrganisation[]): PlacementWithOrganisation | null {
  const newestFirst = [...placements].sort((a, b) => (a.start_date === b.start_date ? b.id - a.id : a.start_date < b.start_date ? 1 : -1));
  return newestFirst.find((p) => p.placement_type === 'P') ?? newestFirst[0] ?? null;
}
