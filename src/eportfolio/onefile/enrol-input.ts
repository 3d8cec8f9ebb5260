import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.js';
import { loadLearnerGraph, type LearnerGraph } from '../../pics/index.js';
import type { OneFileSettings } from '../../domain/settings.js';
import { ukToday } from '../../domain/dates.js';
import { planEnrol, type CentreKnowledge, type EnrolChoices, type EnrolDecision } from '../../rules/enrol-plan.js';
import { misKey } from '../../rules/duplicate-mis.js';
import { readCentreIdentities, readLearnerCentre } from '../../store/centres.js';
import { directoryAssessorsByMis } from '../../store/directory.js';
import { completedEnrolLearnerId, readEnrolSteps } from '../../store/enrol.js';
import { readLinks } from '../../store/links.js';

export interface EnrolDecisionWithGraph {
  decision: EnrolDecision;
  graph: LearnerGraph | null;
  /** The enrol had already created the OneFile learner before it stopped: this run carries on. */
  resuming: boolean;
}

export interface DecideEnrolOptions {
  /**
   * The enrol job itself: an attempt of a job whose work had completed (its BullMQ completion lost, say, to a
   * Redis that froze past the job's lock) carries on, finding every step done, instead of being refused. A
   * preview (a click) leaves it false: a learner whose enrol completed is enrolled (E7).
   */
  resumeCompleted?: boolean;
  now?: Date;
}

/** Multi-centre: what the worker's schema knows of the centre's assessors, for E4 at the preview (no OneFile call). */
async function centreKnowledge(db: Kysely<DB>, graph: LearnerGraph, organisationId: number): Promise<CentreKnowledge> {
  const officers = [...graph.officers.values()];
  const [linked, assessorsByMis] = await Promise.all([
    readCentreIdentities(db, 'officer', officers.map((o) => o.id), organisationId),
    directoryAssessorsByMis(db, organisationId, officers.map((o) => o.ident).filter((i): i is string => !!i?.trim()).map(misKey)),
  ]);
  return { linkedOfficers: new Set(linked.keys()), assessorsByMis };
}

/** Loads what the enrol rules need (graph, links, progress) and decides; shared by the job and the preview. */
export async function decideEnrol(
  db: Kysely<DB>, learnerId: number, settings: OneFileSettings, choices: EnrolChoices, options: DecideEnrolOptions = {},
): Promise<EnrolDecisionWithGraph> {
  const { resumeCompleted = false, now = new Date() } = options;
  const [graph, steps, completedAs, recordedCentre] = await Promise.all([
    loadLearnerGraph(db, learnerId), readEnrolSteps(db, learnerId), completedEnrolLearnerId(db, learnerId), readLearnerCentre(db, learnerId),
  ]);
  if (!graph) {
    return { graph: null, resuming: false, decision: { kind: 'invalid', problems: [{ field: 'learner', message: `learner #${learnerId} does not exist in PICS` }] } };
  }
  // A crash after the learner was created and written back leaves its OneFile id in PICS: that is our own
  // enrol to finish, not a learner someone linked by hand. Once that enrol has completed, the learner is
  // enrolled: a click is refused (E7), not planned as a resumption (see resumeCompleted).
  const oneFileId = graph.learner.onefile_id === null ? null : String(graph.learner.onefile_id);
  const resuming = oneFileId !== null && steps.get('learner') === oneFileId && (resumeCompleted || completedAs !== oneFileId);
  // Once the learner exists in OneFile, its centre is where it is: an enrol carrying on finishes there.
  const organisationId = steps.has('learner') && recordedCentre !== null ? recordedCentre : choices.organisationId ?? settings.organisationId;
  const qualificationIds = graph.qualifications.map((q) => q.qualification_id).filter((id): id is number => id !== null);
  const links = organisationId ? await readLinks(db, organisationId, qualificationIds) : new Map();
  // Likewise each learning aim it created: the plan keeps it, so its fields and lead assessor still get sent.
  const ownAims = resuming
    ? graph.qualifications.filter((lq) => lq.onefile_learning_aim_id !== null && steps.get(`aim:${lq.id}`) === String(lq.onefile_learning_aim_id)).map((lq) => lq.id)
    : [];
  const centre = settings.multiCentre && organisationId ? await centreKnowledge(db, graph, organisationId) : undefined;
  const decision = planEnrol({
    graph, settings, links, choices: { ...choices, ...(organisationId ? { organisationId } : {}) }, today: ukToday(now),
    ...(centre ? { centre } : {}),
    ...(resuming ? { resuming: { learner: true, aimsOf: new Set(ownAims) } } : {}),
  });
  return { decision, graph, resuming };
}
