import { Type, type Static, type TSchema } from 'typebox';
import type { Enqueued } from '../queues/enqueue.js';
import type { Queues } from '../queues/queues.js';
import { QUEUE, type QueueName } from '../queues/names.js';

// Shapes shared by several routes. Handlers are typed from these same schemas (TypeBox), and the OpenAPI
// document is generated from them, so the document cannot drift from what the routes accept and answer.

export const API_PREFIX = '/api/v1';

/** A PICS row id: Postgres integer. */
export const RowId = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description ? { description } : {}) });
export const NullableDateTime = (description?: string) => Nullable(DateTime(description));

export const QueueNameSchema = Type.Enum([QUEUE.enrol, QUEUE.refreshLinks, QUEUE.dailySync, QUEUE.enrolBatch], { description: 'A BullMQ queue of the worker.' });

export const JobRef = Type.Object({
  queue: QueueNameSchema,
  id: Type.String({ description: 'Deterministic: the same click gives the same id while the job is waiting or running.' }),
  state: Type.String({ description: 'BullMQ state when answered: waiting, active, delayed, prioritized, waiting-children, completed, failed.' }),
  href: Type.String({ description: 'Poll this for the state and the outcome.' }),
}, { additionalProperties: false });

export const Accepted = Type.Object({
  queued: Type.Boolean({ description: 'false: the same job was already waiting or running, so nothing new was queued (the click was a repeat).' }),
  job: JobRef,
}, { additionalProperties: false, description: 'Accepted: the job doing the work (queued: false when the same job was already waiting or running)' });

export type AcceptedBody = Static<typeof Accepted>;

export function jobHref(queue: QueueName, id: string): string {
  return `${API_PREFIX}/jobs/${encodeURIComponent(queue)}/${encodeURIComponent(id)}`;
}

export function accepted(queue: QueueName, enqueued: Enqueued): AcceptedBody {
  return { queued: enqueued.queued, job: { queue, id: enqueued.jobId, state: enqueued.state, href: jobHref(queue, enqueued.jobId) } };
}

export const PageQuery = (cursorDescription: string) => Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Items per page (default 50).' })),
  before: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$', description: cursorDescription })),
}, { additionalProperties: false });

export const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);
export const isoOrThrow = (date: Date): string => date.toISOString();

/** The body of a button that takes no choices: none, or {} (anything else is refused, like every body). */
export const EmptyBody = Type.Object({}, { additionalProperties: false, description: 'No fields: send {} or no body.' });

/** The deterministic job of a button, if BullMQ still holds it: what a GET shows beside the last result. */
export async function currentJob(queues: Queues, queue: QueueName, id: string): Promise<Static<typeof JobRef> | null> {
  const job = await queues[queue].getJob(id);
  return job ? { queue, id, state: await job.getState(), href: jobHref(queue, id) } : null;
}

/** The query of a route that takes none. */
export const NoQuery = Type.Object({}, { additionalProperties: false });
