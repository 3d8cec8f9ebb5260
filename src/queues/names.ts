/**
 * The queues PICSWeb and the schedule enqueue to (SPEC "The three jobs"), and one for a cohort's enrols
 * (issue 21): the same enrol-learner job, on workers of its own, so a Create in OneFile click never waits for a
 * worker that a cohort holds (an enrol of a busy budget holds its worker for many seconds).
 */
export const QUEUE = {
  enrol: 'enrol-learner',
  refreshLinks: 'refresh-qualification-links',
  dailySync: 'daily-sync-per-learner',
  enrolBatch: 'enrol-batch',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];
export const ALL_QUEUES: QueueName[] = Object.values(QUEUE);
