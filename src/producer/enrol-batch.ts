import type { Queue } from 'bullmq';
import type { Kysely } from 'kysely';
import type { DB } from '../db/handle.js';
import { isOpen } from '../queues/enqueue.js';
import { DEFAULT_JOB_OPTIONS, JOB_NAME, jobIds } from '../queues/job-options.js';
import { QUEUE } from '../queues/names.js';
import type { EnrolJobData } from '../queues/payloads.js';
import type { Queues } from '../queues/queues.js';
import type { EnrolChoices } from '../rules/enrol-plan.js';
import { recordEnrolRequested } from '../store/enrol.js';
import { recordBatchMembers, startEnrolBatch, type BatchMember, type BatchReason } from '../store/enrol-batch.js';

/*
 * A cohort sent as one batch (issue 21): each learner's enrol is queued on the enrol-batch queue, whose workers
 * are not the clicks' and whose OneFile calls wait in the budget's batch line, so a Create in OneFile click is
 * next in line whatever cohort is queued. Each learner is admitted by the same rules as a click (unknown
 * learner, already enrolled: refused at once, listed); a learner whose enrol is already queued — by a click or
 * an earlier batch — keeps that job (a click stays a click), and the batch follows it.
 */

/** Most learners one batch takes: a whole cohort, and an API answer of bounded size and time. */
export const MAX_BATCH_LEARNERS = 2000;

/** Learners checked and queued together: one addBulk round trip each, and a bounded number of calls in flight. */
const CHUNK = 50;

export interface BatchRefusal {
  code: 'unknown-learner' | 'already-enrolled';
  message: string;
}

export interface EnrolBatchAnswer {
  batchId: number;
  learners: BatchMember[];
}

export interface EnrolBatchDeps {
  db: Kysely<DB>;
  queues: Queues;
  /** The click's own admission: why this learner cannot be enrolled now, or null. */
  refusalOf: (learnerId: number) => Promise<BatchRefusal | null>;
}

async function openJobId(queue: Queue, jobId: string): Promise<{ open: boolean; finished: boolean }> {
  const job = await queue.getJob(jobId);
  if (!job) return { open: false, finished: false };
  const state = await job.getState();
  return { open: isOpen(state), finished: !isOpen(state) };
}

export async function enqueueEnrolBatch(deps: EnrolBatchDeps, learnerIds: number[], choices: EnrolChoices, reason: BatchReason): Promise<EnrolBatchAnswer> {
  if (learnerIds.length === 0) throw new RangeError('a batch needs at least one learner');
  if (learnerIds.length > MAX_BATCH_LEARNERS) throw new RangeError(`a batch takes at most ${MAX_BATCH_LEARNERS} learners, got ${learnerIds.length}`);
  if (new Set(learnerIds).size !== learnerIds.length) throw new RangeError('a batch names each learner once');
  const { db, queues } = deps;
  const clicks = queues[QUEUE.enrol];
  const batches = queues[QUEUE.enrolBatch];
  const batchId = await startEnrolBatch(db, reason, choices);
  const members: BatchMember[] = [];
  for (let i = 0; i < learnerIds.length; i += CHUNK) {
    const chunk = learnerIds.slice(i, i + CHUNK);
    const admitted = await Promise.all(chunk.map(async (learnerId): Promise<BatchMember> => {
      const refusal = await deps.refusalOf(learnerId);
      if (refusal) return { learnerId, admitted: 'refused', jobId: null, refusal };
      const clickId = jobIds.enrol(learnerId);
      if ((await openJobId(clicks, clickId)).open) return { learnerId, admitted: 'already-queued', jobId: clickId };
      const jobId = jobIds.batchEnrol(learnerId);
      const own = await openJobId(batches, jobId);
      if (own.open) return { learnerId, admitted: 'already-queued', jobId };
      // A finished enrol job of an earlier batch keeps its id until removed: BullMQ would not add the new one.
      if (own.finished) await batches.remove(jobId);
      await recordEnrolRequested(db, learnerId, jobId, choices);
      return { learnerId, admitted: 'queued', jobId };
    }));
    const toQueue = admitted.filter((m) => m.admitted === 'queued');
    if (toQueue.length) {
      await batches.addBulk(toQueue.map((m) => ({
        name: JOB_NAME.enrol,
        data: { learnerId: m.learnerId, batchId, ...choicesData(choices) } satisfies EnrolJobData,
        opts: { ...DEFAULT_JOB_OPTIONS[QUEUE.enrolBatch], jobId: m.jobId! },
      })));
    }
    // Chunk by chunk, so a request cut short leaves a batch that names every learner it queued.
    await recordBatchMembers(db, batchId, admitted);
    members.push(...admitted);
  }
  return { batchId, learners: members };
}

/** The choices as job data carries them (ids only; pathway keys as strings, as JSON has them). */
export function choicesData(choices: EnrolChoices): Pick<EnrolJobData, 'organisationId' | 'pathways'> {
  return {
    ...(choices.organisationId ? { organisationId: choices.organisationId } : {}),
    ...(choices.pathways ? { pathways: Object.fromEntries(Object.entries(choices.pathways).map(([q, s]) => [String(q), s])) } : {}),
  };
}
