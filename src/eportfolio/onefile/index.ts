import type { Kysely } from 'kysely';
import type { DB } from '../../db/handle.js';
import type { OneFileClient } from '../../onefile/client.js';
import type { OneFileClientFactory } from '../../onefile/factory.js';
import { ONEFILE_ROLE } from '../../onefile/types.js';
import type { OneFileSettings } from '../../domain/settings.js';
import type { EnrolChoices, EnrolDecision } from '../../rules/enrol-plan.js';
import { EnrolInvalidError } from '../errors.js';
import type { DirectoryEntry } from '../../domain/directory.js';
import type { EPortfolio, EnrolContext, EnrolOutcome } from '../types.js';
import { decideEnrol } from './enrol-input.js';
import { executeOneFileEnrol } from './enrol.js';
import { refreshLinksIfStale } from './links-refresh.js';
import { listCentres } from './centres.js';

/** What fresher links can change: a plan with qualifications to send, or a problem with a pathway choice (Q2). */
function dependsOnLinks(decision: EnrolDecision): boolean {
  if (decision.kind === 'plan') return decision.plan.aims.length + decision.plan.notLinked.length > 0;
  return decision.kind === 'invalid' && decision.problems.some((p) => p.field.startsWith('pathway.'));
}

/** OneFile behind the ePortfolio boundary. */
export function createOneFileEPortfolio(db: Kysely<DB>, settings: OneFileSettings, createClient: OneFileClientFactory): EPortfolio {
  return {
    provider: 'onefile',
    async previewEnrol(learnerId: number, choices: EnrolChoices) {
      const { decision } = await decideEnrol(db, learnerId, settings, choices);
      return { provider: 'onefile', decision };
    },
    async enrol(learnerId: number, choices: EnrolChoices, context: EnrolContext): Promise<EnrolOutcome> {
      let { decision } = await decideEnrol(db, learnerId, settings, choices, { resumeCompleted: true });
      let shared: OneFileClient | null = null;
      const clientOf = () => (shared ??= createClient(settings, { signal: context.signal, logger: context.logger, ...(context.lane ? { lane: context.lane } : {}) }));
      // E2 before anything is sent: links never refreshed or too old are refreshed first (one refresh across
      // every enrol and the refresh job), so no qualification OneFile has is left out. Input a user must fix
      // for other reasons still fails at once, without a OneFile call (E8).
      const organisationId = decision.kind === 'plan' ? decision.plan.organisationId : choices.organisationId ?? settings.organisationId;
      if (organisationId && dependsOnLinks(decision)) {
        const links = { db, client: clientOf(), logger: context.logger, signal: context.signal };
        if (await refreshLinksIfStale(links, organisationId, { maxAgeHours: context.linksMaxAgeHours, jobId: context.jobId })) {
          ({ decision } = await decideEnrol(db, learnerId, settings, choices, { resumeCompleted: true }));
        }
      }
      if (decision.kind === 'refused') throw new EnrolInvalidError([{ field: 'learner', message: decision.reason }], 'refused');
      if (decision.kind === 'invalid') throw new EnrolInvalidError(decision.problems);
      const client = clientOf();
      const result = await executeOneFileEnrol({ db, client, settings, logger: context.logger, signal: context.signal }, decision.plan);
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
      if (!settings.organisationId && !settings.multiCentre) return [];
      const client = createClient(settings, { signal: context.signal, ...(context.logger ? { logger: context.logger } : {}) });
      const centres = await listCentres(client, settings);
      const entries: DirectoryEntry[] = [];
      // Multi-centre: each centre's records, said to be of that centre (Look Up OneFile ID per centre).
      for (const organisationId of centres) {
        const centre = settings.multiCentre ? { organisationId } : {};
        const [assessors, placements] = await Promise.all([
          client.findUsers({ OrganisationID: organisationId, Role: ONEFILE_ROLE.assessor }),
          client.searchPlacements(organisationId).all(),
        ]);
        entries.push(
          ...assessors.map((u) => ({
            kind: 'assessor' as const, externalId: String(u.id), name: [u.firstName, u.lastName].filter(Boolean).join(' '),
            email: u.email, misId: u.misId, archived: u.archived, ...centre,
          })),
          ...placements.map((p) => ({ kind: 'employer' as const, externalId: String(p.id), name: p.name, email: null, misId: p.misId, archived: false, ...centre })),
        );
      }
      return entries;
    },
  };
}
