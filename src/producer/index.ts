import type { Kysely } from 'kysely';
import type { DB } from '../db/handle.js';
import { findLearnerById, findLearnerByIdent } from '../pics/index.js';
import { resolveActiveEPortfolio } from '../eportfolio/active.js';
import { readEnrolStatus, readEnrolSteps, recordEnrolRequested, type EnrolStatusView } from '../store/enrol.js';
import { readBatchProgress, type BatchProgress, type BatchReason } from '../store/enrol-batch.js';
import { JOB_NAME, jobIds } from '../queues/job-options.js';
import { closeQueues, createQueues, QUEUE, type Queues } from '../queues/queues.js';
import { enqueueUnique, NOT_STARTED, type Enqueued } from '../queues/enqueue.js';
import type { EnrolChoices } from '../rules/enrol-plan.js';
import type { EnrolJobData } from '../queues/payloads.js';
import { choicesData, enqueueEnrolBatch, type BatchRefusal, type EnrolBatchAnswer } from './enrol-batch.js';
import type { RedisTarget } from '../redis.js';

export type { Enqueued, EnrolBatchAnswer, BatchProgress };

/**
 * What PICSWeb calls: enqueue jobs (ids only in the payload) and read their outcome. A request that can
 * be refused at once (unknown learner, already in OneFile) is refused here, before anything is queued.
 */

export class ProducerError extends Error {
  override name = 'ProducerError';
  constructor(message: string, readonly code: 'unknown-learner' | 'already-enrolled' | 'invalid-request') {
    super(message);
  }
}

export interface Producer {
  queues: Queues;
  /** Create in OneFile: a click, ahead of any cohort (a learner a cohort's enrol has not started yet becomes a click). */
  enqueueEnrol(learnerId: number, choices?: EnrolChoices): Promise<Enqueued>;
  /** A cohort: each learner's enrol queued as batch work, behind every click (issue 21). */
  enqueueEnrolBatch(learnerIds: number[], choices?: EnrolChoices, reason?: BatchReason): Promise<EnrolBatchAnswer>;
  enrolBatchProgress(batchId: number, failureLimit?: number): Promise<BatchProgress | null>;
  enqueueRefreshLinks(reason?: 'user' | 'startup' | 'cli'): Promise<Enqueued>;
  /** Connection Test: log in, read the customer, record the result in pics.onefile_settings. */
  enqueueConnectionTest(reason?: 'user' | 'cli'): Promise<Enqueued>;
  /** Refresh with OneFile: the per-learner sync, ahead of the daily batch. */
  enqueueLearnerSync(learnerId: number): Promise<Enqueued>;
  /** Runs the daily sync now (the schedule does this every night). */
  enqueueDailyRun(): Promise<Enqueued>;
  enrolStatus(learnerId: number): Promise<EnrolStatusView | null>;
  resolveLearnerIdent(ident: string): Promise<number>;
  close(): Promise<void>;
}

async function finishingOwnEnrol(db: Kysely<DB>, learnerId: number, oneFileId: number): Promise<boolean> {
  const [steps, status] = await Promise.all([readEnrolSteps(db, learnerId), readEnrolStatus(db, learnerId)]);
  return steps.get('learner') === String(oneFileId) && status !== null && status.status !== 'completed';
}

export interface ProducerOptions {
  /** Where the queues are (config.redis): its topology and key prefix. */
  redis: RedisTarget;
  db: Kysely<DB>;
  /** Queue handles someone else owns (the daemon's, for its HTTP API): used as they are, and not closed by close(). */
  queues?: Queues;
}

export function createProducer(options: ProducerOptions): Producer {
  const queues = options.queues ?? createQueues(options.redis);
  const { db } = options;

  const add = (queue: keyof typeof QUEUE, name: string, data: object, jobId: string) => enqueueUnique(queues[QUEUE[queue]], name, data, jobId);

  /** Why this learner cannot be enrolled now (E7, unknown learner), or null: the one admission of clicks and batches. */
  async function refusalOf(learnerId: number): Promise<BatchRefusal | null> {
    const learner = await findLearnerById(db, learnerId);
    if (!learner) return { code: 'unknown-learner', message: `learner #${learnerId} does not exist in PICS` };
    // A configuration error (both integrations enabled) is the job's to report, like for every other job.
    const active = await resolveActiveEPortfolio(db).catch(() => ({ provider: 'unknown' as const }));
    // E7: an enrol of ours that stopped after creating the learner (its id in PICS, not completed) is resumed, not refused.
    if (active.provider === 'onefile' && learner.onefileId !== null && !(await finishingOwnEnrol(db, learnerId, learner.onefileId))) {
      return { code: 'already-enrolled', message: `learner ${learner.ident} already has OneFile id ${learner.onefileId}: link by hand instead of enrolling again` };
    }
    if (active.provider === 'smartassessor' && learner.smartAssessorId !== null) {
      return { code: 'already-enrolled', message: `learner ${learner.ident} already has Smart Assessor id ${learner.smartAssessorId}: link by hand instead of enrolling again` };
    }
    return null;
  }

  /**
   * A click on a learner whose cohort enrol has not started yet takes it over (the batch's job is removed and the
   * click queued); one already running is the click's answer: the learner is being enrolled now.
   */
  async function cohortEnrolOf(learnerId: number): Promise<Enqueued | null> {
    const job = await queues[QUEUE.enrolBatch].getJob(jobIds.batchEnrol(learnerId));
    if (!job) return null;
    const state = await job.getState();
    if (NOT_STARTED.includes(state)) {
      try {
        await job.remove();
        return null;
      } catch {
        // Taken by a worker between the two reads: it runs now (below).
      }
    }
    const now = await job.getState();
    return now === 'active' ? { jobId: job.id!, queued: false, state: now, queue: QUEUE.enrolBatch } : null;
  }

  return {
    queues,
    async enqueueEnrol(learnerId, choices = {}) {
      const refusal = await refusalOf(learnerId);
      if (refusal) throw new ProducerError(refusal.message, refusal.code);
      const running = await cohortEnrolOf(learnerId);
      if (running) return running;
      const data: EnrolJobData = { learnerId, ...choicesData(choices) };
      const jobId = jobIds.enrol(learnerId);
      await recordEnrolRequested(db, learnerId, jobId, choices);
      return add('enrol', JOB_NAME.enrol, data, jobId);
    },
    enqueueEnrolBatch: (learnerIds, choices = {}, reason = 'api') => enqueueEnrolBatch({ db, queues, refusalOf }, learnerIds, choices, reason),
    enrolBatchProgress: (batchId, failureLimit) => readBatchProgress(db, batchId, failureLimit),
    enqueueRefreshLinks(reason = 'user') {
      return add('refreshLinks', JOB_NAME.refreshLinks, { reason }, jobIds.refreshLinks());
    },
    enqueueConnectionTest(reason = 'user') {
      return add('refreshLinks', JOB_NAME.connectionTest, { reason }, jobIds.connectionTest());
    },
    async enqueueLearnerSync(learnerId) {
      const learner = await findLearnerById(db, learnerId);
      if (!learner) throw new ProducerError(`learner #${learnerId} does not exist in PICS`, 'unknown-learner');
      if (learner.onefileId === null) throw new ProducerError(`learner ${learner.ident} is not in OneFile yet: enrol first`, 'invalid-request');
      // No priority: BullMQ serves these before the prioritised daily children.
      return add('dailySync', JOB_NAME.syncLearner, { learnerId }, jobIds.refreshLearner(learnerId));
    },
    enqueueDailyRun() {
      const stamp = new Date().toISOString().slice(0, 16).replace(/[^0-9]/g, '');
      return add('dailySync', JOB_NAME.dailyRun, {}, jobIds.dailyRun(stamp));
    },
    enrolStatus: (learnerId) => readEnrolStatus(db, learnerId),
    async resolveLearnerIdent(ident) {
      const learner = await findLearnerByIdent(db, ident);
      if (!learner) throw new ProducerError(`no learner with ident "${ident}" in PICS`, 'unknown-learner');
      return learner.id;
    },
    close: () => (options.queues ? Promise.resolve() : closeQueues(queues)),
  };
}
