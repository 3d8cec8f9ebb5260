import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import type { OneFileClientFactory } from '../../onefile/client.js';
import { ONEFILE_ROLE } from '../../onefile/types.js';
import type { OneFileSettings } from '../../pics/index.js';
import type { EnrolChoices } from '../../rules/enrol-plan.js';
import { EnrolInvalidError } from '../errors.js';
import type { DirectoryEntry, EPortfolio, EnrolContext, EnrolOutcome } from '../types.js';
import { decideEnrol } from './enrol-input.js';
import { executeOneFileEnrol } from './enrol.js';

/** OneFile behind the ePortfolio boundary. */
export function createOneFileEPortfolio(db: Kysely<DB>, settings: OneFileSettings, createClient: OneFileClientFactory): EPortfolio {
  return {
    provider: 'onefile',
    async previewEnrol(learnerId: number, choices: EnrolChoices) {
      const { decision } = await decideEnrol(db, learnerId, settings, choices);
      return { provider: 'onefile', decision };
    },
    async enrol(learnerId: number, choices: EnrolChoices, context: EnrolContext): Promise<EnrolOutcome> {
      const { decision } = await decideEnrol(db, learnerId, settings, choices);
      if (decision.kind === 'refused') throw new EnrolInvalidError([{ field: 'learner', message: decision.reason }], 'refused');
      if (decision.kind === 'invalid') throw new EnrolInvalidError(decision.problems);
      const client = createClient(settings, { signal: context.signal, logger: context.logger });
      const result = await executeOneFileEnrol({ db, client, settings, logger: context.logger }, decision.plan);
      return {
        externalLearnerId: String(result.oneFileLearnerId),
        notLinked: decision.plan.notLinked,
        summary: {
          oneFileLearnerId: result.oneFileLearnerId, learningAims: Object.keys(result.aims).length, reviews: Object.keys(result.reviews).length,
          notLinked: decision.plan.notLinked.length, callsMade: client.callsMade(),
        },
      };
    },
    async listDirectory(context): Promise<DirectoryEntry[]> {
      const organisationId = settings.organisationId;
      if (!organisationId) return [];
      const client = createClient(settings, { signal: context.signal, ...(context.logger ? { logger: context.logger } : {}) });
      const [assessors, placements] = await Promise.all([
        client.findUsers({ OrganisationID: organisationId, Role: ONEFILE_ROLE.assessor }),
        client.searchPlacements(organisationId).all(),
      ]);
      return [
        ...assessors.map((u) => ({
          kind: 'assessor' as const, externalId: String(u.id), name: [u.firstName, u.lastName].filter(Boolean).join(' '),
          email: u.email, misId: u.misId, archived: u.archived,
        })),
        ...placements.map((p) => ({ kind: 'employer' as const, externalId: String(p.id), name: p.name, email: null, misId: p.misId, archived: false })),
      ];
    },
  };
}
