import type { SimState } from './state.js';

/**
 * Records that should exist once but exist more than once: what a retried or crashed enrol must never leave
 * behind (SPEC E4, E7). Names and MISIDs are compared trimmed and without regard to case.
 */
export interface DuplicateReport {
  /** Users of one organisation sharing a MISID, archived ones included. */
  usersSameMisId: Array<{ OrganisationID: number | null; MISID: string; UserIDs: number[]; Archived: boolean[] }>;
  learningAimsSameStandard: Array<{ UserID: number | null; StandardID: number | null; LearningAimIDs: number[] }>;
  reviewsSameSlot: Array<{ LearnerID: number | null; AssessorID: number | null; ScheduledFor: string | null; ReviewIDs: number[] }>;
  /** Visits of one learner and assessor at one start: a review upload retried after its visit was made (D5). */
  visitsSameSlot: Array<{ LearnerID: number | null; AssessorID: number | null; DateFrom: string | null; VisitIDs: number[] }>;
  placementsSameName: Array<{ OrganisationID: number | null; Name: string; PlacementIDs: number[] }>;
  classroomsSameName: Array<{ OrganisationID: number | null; Name: string; ClassroomIDs: number[] }>;
  total: number;
}

const norm = (s: string | null): string => (s ?? '').trim().toLowerCase();

function groups<T extends { ID: number }>(rows: Iterable<T>, key: (r: T) => string | undefined): T[][] {
  const by = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (k === undefined) continue;
    const list = by.get(k);
    if (list) list.push(r);
    else by.set(k, [r]);
  }
  return [...by.values()].filter((g) => g.length > 1);
}

export function findDuplicates(state: SimState): DuplicateReport {
  const users = groups(state.users.values(), (u) => (norm(u.MISID) ? `${u.OrganisationID}|${norm(u.MISID)}` : undefined))
    .map((g) => ({ OrganisationID: g[0]!.OrganisationID, MISID: g[0]!.MISID!, UserIDs: g.map((u) => u.ID),
      Archived: g.map((u) => u.Archived === true) }));
  const aims = groups(state.learningAims.values(), (a) => `${a.UserID}|${a.StandardID}`)
    .map((g) => ({ UserID: g[0]!.UserID, StandardID: g[0]!.StandardID, LearningAimIDs: g.map((a) => a.ID) }));
  const reviews = groups(state.reviews.values(), (r) => `${r.LearnerID}|${r.AssessorID}|${r.ScheduledFor}`)
    .map((g) => ({ LearnerID: g[0]!.LearnerID, AssessorID: g[0]!.AssessorID, ScheduledFor: g[0]!.ScheduledFor,
      ReviewIDs: g.map((r) => r.ID) }));
  const visits = groups(state.visits.values(), (v) => `${v.LearnerID}|${v.AssessorID}|${v.DateFrom}`)
    .map((g) => ({ LearnerID: g[0]!.LearnerID, AssessorID: g[0]!.AssessorID, DateFrom: g[0]!.DateFrom, VisitIDs: g.map((v) => v.ID) }));
  const placements = groups(state.placements.values(), (p) => `${p.OrganisationID}|${norm(p.Name)}`)
    .map((g) => ({ OrganisationID: g[0]!.OrganisationID, Name: g[0]!.Name ?? '', PlacementIDs: g.map((p) => p.ID) }));
  const classrooms = groups(state.classrooms.values(), (c) => `${c.OrganisationID}|${norm(c.Name)}`)
    .map((g) => ({ OrganisationID: g[0]!.OrganisationID, Name: g[0]!.Name ?? '', ClassroomIDs: g.map((c) => c.ID) }));
  return {
    usersSameMisId: users, learningAimsSameStandard: aims, reviewsSameSlot: reviews, visitsSameSlot: visits,
    placementsSameName: placements, classroomsSameName: classrooms,
    total: users.length + aims.length + reviews.length + visits.length + placements.length + classrooms.length,
  };
}
