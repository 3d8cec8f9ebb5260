import type { SaState } from './state.js';

/**
 * Records the simulated Smart Assessor should hold once but holds more than once: what a retried or crashed
 * enrol must never leave behind (E7's standard for A2–A4). Compared trimmed and without regard to case.
 */
export interface SaDuplicateReport {
  learnersSameMisId: Array<{ SunesisId: string; SmartAssessorIds: string[] }>;
  learnersSameUln: Array<{ ULN: string; SmartAssessorIds: string[] }>;
  employersSameName: Array<{ Name: string; SmartAssessorIds: string[] }>;
  total: number;
}

const norm = (s: string | undefined) => (s ?? '').trim().toLowerCase();

function groups<T extends { SmartAssessorId: string }>(rows: Iterable<T>, key: (r: T) => string): T[][] {
  const by = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (k === '') continue;
    by.set(k, [...(by.get(k) ?? []), r]);
  }
  return [...by.values()].filter((g) => g.length > 1);
}

export function findSaDuplicates(state: SaState): SaDuplicateReport {
  const learnersSameMisId = groups(state.learners.values(), (l) => norm(l.SunesisId))
    .map((g) => ({ SunesisId: g[0]!.SunesisId!, SmartAssessorIds: g.map((l) => l.SmartAssessorId) }));
  const learnersSameUln = groups(state.learners.values(), (l) => norm(l.ULN))
    .map((g) => ({ ULN: g[0]!.ULN!, SmartAssessorIds: g.map((l) => l.SmartAssessorId) }));
  const employersSameName = groups(state.employers.values(), (e) => norm(e.Name))
    .map((g) => ({ Name: g[0]!.Name, SmartAssessorIds: g.map((e) => e.SmartAssessorId) }));
  return {
    learnersSameMisId, learnersSameUln, employersSameName,
    total: learnersSameMisId.length + learnersSameUln.length + employersSameName.length,
  };
}
