/** The queues PICSWeb and the schedule enqueue to (SPEC "The three jobs"). */
export const QUEUE = {
  enrol: 'enrol-learner',
  refreshLinks: 'refresh-qualification-links',
  dailySync: 'daily-sync-per-learner',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];
export const ALL_QUEUES: QueueName[] = Object.values(QUEUE);
