import type { NewEmployer, NewLearner, SaEmployer, SaLearner } from '../../smartassessor/types.js';

/*
 * Look-before-create (E7's standard for A3, A4): before creating an employer or a learner, the enrol reads
 * what Smart Assessor holds and decides from it. Smart Assessor has no search, only the bulk reads, so these
 * are pure functions over those lists. A record carrying our own MIS id is ours (an earlier attempt created
 * it, then lost the answer): it is taken. A record that is probably the same one but not ours (same EDRS
 * number, same ULN) is taken where that is safe (an employer by its EDRS number) and otherwise refused with
 * a message telling the user how to link by hand, never silently duplicated.
 */

export type Match<T> = { kind: 'found'; id: T; by: 'mis-id' | 'edrs' } | { kind: 'none' } | { kind: 'conflict'; message: string };

const norm = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

export function matchEmployer(employers: SaEmployer[], record: NewEmployer): Match<number> {
  const ours = employers.filter((e) => norm(e.misId) !== '' && norm(e.misId) === norm(record.misId));
  if (ours.length > 1) {
    return { kind: 'conflict', message: `Smart Assessor holds ${ours.length} employers with MIS id '${record.misId}' (${ours.map((e) => e.smartAssessorId).join(', ')}): link the organisation to the right one with Look Up Smart Assessor ID` };
  }
  if (ours.length === 1) return { kind: 'found', id: ours[0]!.smartAssessorId, by: 'mis-id' };
  const edrs = norm(record.edrsNumber);
  if (edrs !== '') {
    const same = employers.filter((e) => norm(e.edrsNumber) === edrs);
    if (same.length > 1) {
      return { kind: 'conflict', message: `Smart Assessor holds ${same.length} employers with EDRS number ${record.edrsNumber} (${same.map((e) => e.smartAssessorId).join(', ')}): link the organisation to the right one with Look Up Smart Assessor ID` };
    }
    if (same.length === 1) return { kind: 'found', id: same[0]!.smartAssessorId, by: 'edrs' };
  }
  // Same name: the same employer unless both EDRS numbers say otherwise; creating it would make a duplicate.
  const sameName = employers.filter((e) => norm(e.name) === norm(record.name) && !(edrs !== '' && norm(e.edrsNumber) !== ''));
  if (sameName.length > 0) {
    return { kind: 'conflict', message: `Smart Assessor already has an employer named '${record.name}' (${sameName.map((e) => e.smartAssessorId).join(', ')}) that cannot be told apart from this organisation: link it with Look Up Smart Assessor ID, or give the organisation its EDRS number` };
  }
  return { kind: 'none' };
}

export function matchLearner(learners: SaLearner[], record: Pick<NewLearner, 'misId' | 'uln'>): Match<string> {
  const ours = learners.filter((l) => norm(l.misId) === norm(record.misId));
  if (ours.length > 1) {
    return { kind: 'conflict', message: `Smart Assessor already holds ${ours.length} learners with MIS id '${record.misId}' (${ours.map((l) => l.smartAssessorId).join(', ')}): set the learner's Smart Assessor ID by hand to the right one` };
  }
  if (ours.length === 1) return { kind: 'found', id: ours[0]!.smartAssessorId, by: 'mis-id' };
  // One ULN is one person: a learner with it but not our MIS id was created elsewhere (by hand, another import).
  const uln = norm(record.uln);
  const sameUln = uln === '' ? [] : learners.filter((l) => norm(l.uln) === uln);
  if (sameUln.length > 0) {
    return { kind: 'conflict', message: `Smart Assessor already holds a learner with this learner's ULN (${sameUln.map((l) => l.smartAssessorId).join(', ')}): set the learner's Smart Assessor ID by hand instead of enrolling again` };
  }
  return { kind: 'none' };
}
