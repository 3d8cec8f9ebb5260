import { DEMO_ORGANISATIONS } from '../../demo/catalogue.js';
import { DEMO_SA_ASSESSORS, DEMO_SA_CLIENT_KEY, DEMO_SA_EMPLOYERS } from '../../demo/smartassessor.js';
import { badRequest } from '../errors.js';
import { ASSESSOR_FIELDS, EMPLOYER_FIELDS, LEARNER_FIELDS, pick } from './records.js';
import type { SaState } from './state.js';

/**
 * Records to put into the simulated Smart Assessor (wire field names); a record without SmartAssessorId gets
 * a new one, a record whose id exists is merged into it, so a seed also changes state (rename an assessor,
 * say). `apiKey` replaces the accepted client key.
 */
export interface SaSeedInput {
  apiKey?: string;
  assessors?: Record<string, unknown>[];
  employers?: Record<string, unknown>[];
  learners?: Record<string, unknown>[];
}

export function applySaSeed(state: SaState, input: SaSeedInput): Record<string, number> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badRequest('A Smart Assessor seed is a JSON object.');
  const stray = Object.keys(input).filter((k) => !['apiKey', 'assessors', 'employers', 'learners'].includes(k));
  if (stray.length) throw badRequest(`Unknown Smart Assessor seed section(s): ${stray.join(', ')}.`);
  if (input.apiKey !== undefined) {
    if (typeof input.apiKey !== 'string' || input.apiKey === '') throw badRequest('apiKey must be a non-empty string.');
    state.apiKey = input.apiKey;
  }
  for (const raw of input.assessors ?? []) {
    const a = pick(ASSESSOR_FIELDS, raw);
    const id = a.SmartAssessorId ?? state.newAssessorId();
    state.assessors.set(id, { ...state.assessors.get(id), ...a, SmartAssessorId: id });
  }
  for (const raw of input.employers ?? []) {
    const e = pick(EMPLOYER_FIELDS, raw);
    const id = e.SmartAssessorId ?? state.newEmployerId();
    if (!/^\d+$/.test(id)) throw badRequest(`Employer ids are numeric: ${id}.`);
    const merged = { ...state.employers.get(id), ...e, SmartAssessorId: id };
    if (!merged.Name) throw badRequest(`Employer ${id} needs a Name.`);
    state.employers.set(id, { ...merged, Name: merged.Name });
  }
  for (const raw of input.learners ?? []) {
    const l = pick(LEARNER_FIELDS, raw);
    const id = l.SmartAssessorId ?? state.newLearnerId();
    state.learners.set(id, { ...state.learners.get(id), ...l, SmartAssessorId: id });
  }
  return { assessors: input.assessors?.length ?? 0, employers: input.employers?.length ?? 0, learners: input.learners?.length ?? 0 };
}

/** The demo provider's Smart Assessor (src/demo/smartassessor.ts): a few assessors and employers, no learners. */
export function saDemoSeed(): SaSeedInput {
  return {
    apiKey: DEMO_SA_CLIENT_KEY,
    assessors: DEMO_SA_ASSESSORS.map((a) => ({
      SmartAssessorId: a.id, FirstName: a.firstName, LastName: a.lastName, Email: a.email, UserName: a.userName, UserType: 'Assessor',
    })),
    employers: DEMO_SA_EMPLOYERS.map((e) => {
      const pics = DEMO_ORGANISATIONS.find((o) => o.name === e.name);
      return {
        SmartAssessorId: String(e.id), Name: e.name, EdsId: e.edrsNumber, AddressPostCode: e.postcode,
        ...(pics ? { AddressLine1: pics.address[0], AddressTown: pics.address[1], AddressCounty: pics.address[2], Telephone: pics.telephone } : {}),
      };
    }),
  };
}
