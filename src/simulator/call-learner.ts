import type { Body } from './fields.js';
import type { Simulator } from './simulator.js';

/**
 * The OneFile learner one call is about, for faults scoped to learners (`faults.learners`): the learner the
 * body names (`LearnerID`, else `UserID`: review and learning-aim searches, creates, assignments), the one in
 * the path (`/Standard/{id}/Assign/{learnerId}`, `/User/{id}`), or the owner of the learning aim or review
 * the path names. Null for anything else (logins, officers' and shared records' searches).
 */
export function learnerOfCall(sim: Simulator, endpoint: string, params: Record<string, string>, body: Body): number | null {
  const id = (value: unknown): number | null => {
    const n = Number(value);
    return value !== null && value !== undefined && value !== '' && Number.isInteger(n) && n > 0 ? n : null;
  };
  const named = id(body.get('LearnerID')) ?? id(body.get('UserID')) ?? id(params.learnerId);
  if (named !== null) return named;
  const pathId = id(params.id);
  if (pathId === null) return null;
  if (endpoint.endsWith(' /User/{id}')) return pathId;
  if (endpoint.endsWith(' /LearningAim/{id}')) return sim.state.learningAims.get(pathId)?.UserID ?? null;
  if (endpoint.endsWith(' /Review/{id}')) return sim.state.reviews.get(pathId)?.LearnerID ?? null;
  return null;
}
