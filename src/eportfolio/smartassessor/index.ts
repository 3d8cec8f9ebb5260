import type { Kysely } from 'kysely';
import type { DB } from '../../db/handle.js';
import { loadLearnerGraph } from '../../pics/index.js';
import type { SmartAssessorSettings } from '../../domain/settings.js';
import { ukToday } from '../../domain/dates.js';
import { SmartAssessorConfigError } from '../../smartassessor/errors.js';
import { soapSmartAssessorClientFactory } from '../../smartassessor/soap-client.js';
import type { SmartAssessorClientFactory, SmartAssessorConnection } from '../../smartassessor/types.js';
import { readEnrolSteps } from '../../store/enrol.js';
import { EnrolInvalidError } from '../errors.js';
import type { DirectoryEntry } from '../../domain/directory.js';
import type { EPortfolio, EnrolContext, EnrolOutcome } from '../types.js';
import { STEP, executeSmartAssessorEnrol } from './enrol.js';
import { planSmartAssessorEnrol, type SaEnrolDecision } from './plan.js';

/*
 * Smart Assessor behind the ePortfolio boundary (A1–A4). It talks to Smart Assessor only through
 * SmartAssessorApi, so the SOAP client can be swapped for a REST one without touching this file.
 *
 * Which setting is the AuthHeader's ApiKey: `client_key`. PICSWeb asks for a Username, a Password and a
 * Client Key (reference §3.1); Smart Assessor issues each site an API key besides the API user's name and
 * password (§4.1); and the SOAP API public code calls authenticates with `AuthHeader {ApiKey}` alone (§4.2).
 * The client key is that site key. The username and password have no place in that API and are not sent.
 */

export function connectionOf(settings: SmartAssessorSettings): SmartAssessorConnection {
  if (!settings.baseUrl) throw new SmartAssessorConfigError('no base_url is set in pics.smartassessor_settings');
  if (!settings.clientKey) throw new SmartAssessorConfigError('no client key is set in pics.smartassessor_settings');
  return { baseUrl: settings.baseUrl, apiKey: settings.clientKey };
}

interface Decided {
  decision: SaEnrolDecision;
  /** Our own enrol already created the learner and stored its id: nothing is left to send. */
  finished: string | null;
}

async function decide(db: Kysely<DB>, learnerId: number, settings: SmartAssessorSettings, now = new Date()): Promise<Decided> {
  const [graph, steps] = await Promise.all([loadLearnerGraph(db, learnerId), readEnrolSteps(db, learnerId)]);
  if (!graph) return { finished: null, decision: { kind: 'invalid', problems: [{ field: 'learner', message: `learner #${learnerId} does not exist in PICS` }] } };
  const stored = graph.learner.smartAssessorId;
  if (stored !== null && steps.get(STEP.learner) === stored) return { finished: stored, decision: { kind: 'refused', reason: 'already enrolled by this worker' } };
  return { finished: null, decision: planSmartAssessorEnrol({ graph, settings, today: ukToday(now) }) };
}

export function createSmartAssessorEPortfolio(db: Kysely<DB>, settings: SmartAssessorSettings, createClient: SmartAssessorClientFactory): EPortfolio {
  return {
    provider: 'smartassessor',
    async previewEnrol(learnerId) {
      const { decision } = await decide(db, learnerId, settings);
      return { provider: 'smartassessor', decision };
    },
    async enrol(learnerId, _choices, context: EnrolContext): Promise<EnrolOutcome> {
      const { decision, finished } = await decide(db, learnerId, settings);
      // A retry of an enrol that completed in Smart Assessor and PICS, but not in the job record.
      if (finished !== null) return { externalLearnerId: finished, notLinked: [], summary: { resumed: 1 } };
      if (decision.kind === 'refused') throw new EnrolInvalidError([{ field: 'learner', message: decision.reason }], 'refused');
      if (decision.kind === 'invalid') throw new EnrolInvalidError(decision.problems);
      const client = createClient(connectionOf(settings), { signal: context.signal });
      const result = await executeSmartAssessorEnrol({ db, client, logger: context.logger, signal: context.signal }, decision.plan);
      context.logger.info({ employerId: result.employerId, employer: result.employer, learner: result.learner, mainOfficerSent: result.mainOfficerSent }, 'Smart Assessor enrol done');
      return {
        externalLearnerId: result.smartAssessorLearnerId,
        notLinked: decision.plan.notLinked,
        summary: {
          employerCreated: result.employer === 'created' ? 1 : 0,
          learnerCreated: result.learner === 'created' ? 1 : 0,
          mainOfficerSent: result.mainOfficerSent ? 1 : 0,
          notLinked: decision.plan.notLinked.length,
          callsMade: client.callsMade(),
        },
      };
    },
    async listDirectory(context): Promise<DirectoryEntry[]> {
      const client = createClient(connectionOf(settings), { signal: context.signal });
      const [assessors, employers] = await Promise.all([client.getAllAssessors(), client.getAllEmployers()]);
      return [
        ...assessors.map((a) => ({
          kind: 'assessor' as const, externalId: a.smartAssessorId,
          name: [a.firstName, a.lastName].filter(Boolean).join(' ') || a.userName || a.smartAssessorId,
          email: a.email, misId: a.misId, archived: false,
        })),
        ...employers.map((e) => ({ kind: 'employer' as const, externalId: String(e.smartAssessorId), name: e.name, email: null, misId: e.misId, archived: false })),
      ];
    },
  };
}

/** The factory the job registry hands to activeEPortfolio (`factories.smartAssessor`). */
export function smartAssessorEPortfolioFactory(createClient: SmartAssessorClientFactory = soapSmartAssessorClientFactory()) {
  return (db: Kysely<DB>, settings: SmartAssessorSettings): EPortfolio => createSmartAssessorEPortfolio(db, settings, createClient);
}
