import type { Logger } from 'pino';
import type { CallBudget, CallLane } from '../limiter/call-budget.js';
import { AUTHENTICATION, route, searchRoute, type Route } from './endpoints.js';
import { createOneFileHttp, type WireResponse } from './http.js';
import { pagedSearch, type PagedSearch } from './paging.js';
import { createdId, noContent, objectBody, rowsBody, type RecordReader } from './parse.js';
import {
  readClassroom,
  readCustomer,
  readLearningAim,
  readLearningAimSummary,
  readOrganisation,
  readPlacement,
  readReview,
  readReviewSummary,
  readStandard,
  readUser,
  readUserSummary,
} from './records.js';
import {
  checkOutgoing,
  type AssignStandardBody,
  type AssignUserBody,
  type CreateClassroomBody,
  type CreatePlacementBody,
  type CreateReviewBody,
  type CreateUserBody,
  type CreateVisitBody,
  type UpdateLearningAimPatch,
  type UpdatePlacementPatch,
  type UpdateUserPatch,
  type UserSearchFilter,
} from './requests.js';
import type { SessionStore } from './session.js';
import { createTransport, type OneFileRequestInfo } from './transport.js';
import type {
  OneFileClassroom,
  OneFileCustomer,
  OneFileLearningAim,
  OneFileLearningAimSummary,
  OneFileOrganisation,
  OneFilePlacement,
  OneFileReview,
  OneFileReviewSummary,
  OneFileStandard,
  OneFileUser,
  OneFileUserSummary,
} from './types.js';

/*
 * The typed OneFile client: one method per endpoint of SPEC "The OneFile wire contract". Each method builds
 * the route, sends through the transport (session, shared budget, status mapping) and validates the answer
 * into the types of types.ts. Failures are the OneFileError hierarchy (errors.ts), BudgetWaitTooLongError
 * or BudgetWaitAbortedError (limiter/errors.ts); src/jobs/error-policy.ts turns each into job behaviour.
 */

export type { OneFileRequestInfo, RequestOutcome } from './transport.js';
export type { PagedSearch } from './paging.js';
export type { WireResponse } from './http.js';

/** The records the contract probe may GET: reads only, so it cannot write whatever it is asked. */
export type InspectGetTemplate = '/Customer' | '/User/{id}' | '/LearningAim/{id}' | '/Review/{id}' | '/Placement/{id}';
export type InspectSearchResource = 'User' | 'Standard' | 'LearningAim' | 'Review' | 'Classroom' | 'Placement';

/**
 * Raw reads for the contract probe (src/eportfolio/onefile/probe): the answer as OneFile sent it, through the
 * same budget and session as every call. Only POST /Authentication, GETs and POST …/Search/… exist here.
 */
export interface OneFileInspector {
  /** A login whose session is looked at and dropped (the shared one is left alone). */
  authentication(opts?: CallOpts): Promise<WireResponse>;
  /** GET /Customer with a session OneFile never issued: how a refused session is answered. */
  customerWithSession(session: string, opts?: CallOpts): Promise<WireResponse>;
  get(template: InspectGetTemplate, params: Record<string, number>, opts?: CallOpts): Promise<WireResponse>;
  search(resource: InspectSearchResource, filter: object, page: number, size: number, opts?: CallOpts): Promise<WireResponse>;
}

export interface OneFileClientOptions {
  /** API root, e.g. oneFileBaseUrl(settings.environment, config.onefile.baseUrlOverride). */
  baseUrl: string;
  /** S2: a secret; only ever sent as X-CustomerToken to POST /Authentication. */
  customerToken: string;
  budget: CallBudget;
  sessions: SessionStore;
  /** Timeout of one HTTP request. */
  timeoutMs: number;
  /** Largest response body accepted (default 16 MiB); a larger one is a bad response. */
  maxResponseBytes?: number;
  logger?: Logger;
  /** Longest wait for a budget slot per call (default: the budget's); beyond it the job delays itself. */
  maxWaitMs?: number;
  /** The budget lane of every call this client makes: a user's click, or batch work (default interactive). */
  lane?: CallLane;
  /** Rows per search page. Default 100. */
  pageSize?: number;
  /** Called after every HTTP attempt (metrics). */
  onRequest?: (info: OneFileRequestInfo) => void;
  /** Shutdown or job cancellation: aborts budget waits and requests in flight. */
  signal?: AbortSignal;
}

/** Per call: a signal of its own (combined with the client's). */
export interface CallOpts {
  signal?: AbortSignal;
}

export interface SearchOpts extends CallOpts {
  pageSize?: number;
}

export interface OneFileClient {
  /** Non-secret name of the customer (hash of the token), as used in Redis keys and logs. */
  readonly customerKey: string;
  /** HTTP attempts made by this client, logins included. */
  callsMade(): number;

  /** GET /Customer: the connection test. */
  customer(opts?: CallOpts): Promise<OneFileCustomer>;
  /** The customer's organisations (centres): several only for a multi-centre provider. */
  searchOrganisations(customerId: number, opts?: SearchOpts): PagedSearch<OneFileOrganisation>;

  searchUsers(filter: UserSearchFilter, opts?: SearchOpts): PagedSearch<OneFileUserSummary>;
  findUsers(filter: UserSearchFilter, opts?: SearchOpts): Promise<OneFileUserSummary[]>;
  getUser(id: number, opts?: CallOpts): Promise<OneFileUser>;
  createUser(body: CreateUserBody, opts?: CallOpts): Promise<{ id: number }>;
  updateUser(id: number, patch: UpdateUserPatch, opts?: CallOpts): Promise<void>;
  /** POST /User/{assignedUserId}/Assign: the path names the assessor/employer, the body the learner. */
  assignUser(assignedUserId: number, body: AssignUserBody, opts?: CallOpts): Promise<void>;

  searchClassrooms(organisationId: number, opts?: SearchOpts): PagedSearch<OneFileClassroom>;
  createClassroom(body: CreateClassroomBody, opts?: CallOpts): Promise<number>;

  searchPlacements(organisationId: number, opts?: SearchOpts): PagedSearch<OneFilePlacement>;
  getPlacement(id: number, opts?: CallOpts): Promise<OneFilePlacement>;
  createPlacement(body: CreatePlacementBody, opts?: CallOpts): Promise<number>;
  updatePlacement(id: number, patch: UpdatePlacementPatch, opts?: CallOpts): Promise<void>;

  searchStandards(organisationId: number, opts?: SearchOpts): PagedSearch<OneFileStandard>;
  /** POST /Standard/{id}/Assign/{learnerId} → the new learning aim's id. */
  assignStandard(standardId: number, learnerId: number, body?: AssignStandardBody, opts?: CallOpts): Promise<number>;

  searchLearningAims(userId: number, opts?: SearchOpts): PagedSearch<OneFileLearningAimSummary>;
  getLearningAim(id: number, opts?: CallOpts): Promise<OneFileLearningAim>;
  updateLearningAim(id: number, patch: UpdateLearningAimPatch, opts?: CallOpts): Promise<void>;

  searchReviews(learnerId: number, opts?: SearchOpts): PagedSearch<OneFileReviewSummary>;
  getReview(id: number, opts?: CallOpts): Promise<OneFileReview>;
  createReview(body: CreateReviewBody, opts?: CallOpts): Promise<number>;
  createVisit(body: CreateVisitBody, opts?: CallOpts): Promise<number>;

  readonly inspect: OneFileInspector;
}

const DEFAULT_PAGE_SIZE = 100;
/** A search page of 100 rows is tens of kilobytes; 16 MiB is far beyond any answer OneFile is known to send. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export function createOneFileClient(options: OneFileClientOptions): OneFileClient {
  if (!options.customerToken) throw new Error('OneFile client: empty customer token');
  const transport = createTransport({
    http: createOneFileHttp({
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    }),
    customerToken: options.customerToken,
    budget: options.budget,
    sessions: options.sessions,
    logger: options.logger,
    maxWaitMs: options.maxWaitMs,
    lane: options.lane,
    onRequest: options.onRequest,
    signal: options.signal,
  });
  const defaultPageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;

  const get = <T>(target: Route, read: (r: RecordReader) => T, opts: CallOpts = {}): Promise<T> =>
    transport.call(target, { signal: opts.signal }, (response) => objectBody(target.endpoint, response, read));

  /** A POST whose answer the worker only needs as "accepted" (204, or any 2xx). */
  const post = (target: Route, body: object, opts: CallOpts = {}): Promise<void> => {
    checkOutgoing(target.endpoint, body);
    return transport.call(target, { json: body, signal: opts.signal }, noContent);
  };

  /** A create whose answer is the new id, bare or as {ID}. */
  const create = (target: Route, body: object, opts: CallOpts = {}): Promise<number> => {
    checkOutgoing(target.endpoint, body);
    return transport.call(target, { json: body, signal: opts.signal }, (response) => createdId(target.endpoint, response));
  };

  function search<T>(resource: string, filter: object, read: (r: RecordReader) => T, opts: SearchOpts = {}): PagedSearch<T> {
    checkOutgoing(`POST /${resource}/Search/{page}/{size}`, filter);
    return pagedSearch((page, size) => {
      const target = searchRoute(resource, page, size);
      return transport.call(target, { json: filter, signal: opts.signal }, (response) =>
        rowsBody(target.endpoint, response, size, read),
      );
    }, opts.pageSize ?? defaultPageSize, { endpoint: `POST /${resource}/Search/{page}/{size}`, idOf: (row) => (row as { id?: unknown }).id });
  }

  return {
    customerKey: transport.customerKey,
    callsMade: transport.callsMade,

    customer: async (opts) => get(route('GET', '/Customer'), readCustomer, opts),
    searchOrganisations: (customerId, opts) => search('Organisation', { CustomerID: customerId }, readOrganisation, opts),

    searchUsers: (filter, opts) => search('User', filter, readUserSummary, opts),
    findUsers: (filter, opts) => search('User', filter, readUserSummary, opts).all(),
    getUser: async (id, opts) => get(route('GET', '/User/{id}', { id }), readUser, opts),
    createUser: async (body, opts) => ({ id: await create(route('POST', '/User'), body, opts) }),
    updateUser: async (id, patch, opts) => post(route('POST', '/User/{id}', { id }), patch, opts),
    assignUser: async (assignedUserId, body, opts) =>
      post(route('POST', '/User/{id}/Assign', { id: assignedUserId }), body, opts),

    searchClassrooms: (organisationId, opts) =>
      search('Classroom', { OrganisationID: organisationId }, readClassroom, opts),
    createClassroom: async (body, opts) => create(route('POST', '/Classroom'), body, opts),

    searchPlacements: (organisationId, opts) =>
      search('Placement', { OrganisationID: organisationId }, readPlacement, opts),
    getPlacement: async (id, opts) => get(route('GET', '/Placement/{id}', { id }), readPlacement, opts),
    createPlacement: async (body, opts) => create(route('POST', '/Placement'), body, opts),
    updatePlacement: async (id, patch, opts) => post(route('POST', '/Placement/{id}', { id }), patch, opts),

    searchStandards: (organisationId, opts) =>
      search('Standard', { OrganisationID: organisationId }, readStandard, opts),
    assignStandard: async (standardId, learnerId, body = {}, opts) =>
      create(route('POST', '/Standard/{id}/Assign/{learnerId}', { id: standardId, learnerId }), body, opts),

    searchLearningAims: (userId, opts) => search('LearningAim', { UserID: userId }, readLearningAimSummary, opts),
    getLearningAim: async (id, opts) => get(route('GET', '/LearningAim/{id}', { id }), readLearningAim, opts),
    updateLearningAim: async (id, patch, opts) => post(route('POST', '/LearningAim/{id}', { id }), patch, opts),

    searchReviews: (learnerId, opts) => search('Review', { LearnerID: learnerId }, readReviewSummary, opts),
    getReview: async (id, opts) => get(route('GET', '/Review/{id}', { id }), readReview, opts),
    createReview: async (body, opts) => create(route('POST', '/Review'), body, opts),
    createVisit: async (body, opts) => create(route('POST', '/Visit'), body, opts),

    inspect: {
      authentication: (opts = {}) => transport.probe(AUTHENTICATION, 'customer-token', { signal: opts.signal }),
      customerWithSession: (session, opts = {}) => transport.probe(route('GET', '/Customer'), { session }, { signal: opts.signal }),
      get: (template, params, opts = {}) => transport.probe(route('GET', template, params), 'shared-session', { signal: opts.signal }),
      search: (resource, filter, page, size, opts = {}) => {
        checkOutgoing(`POST /${resource}/Search/{page}/{size}`, filter);
        return transport.probe(searchRoute(resource, page, size), 'shared-session', { json: filter, signal: opts.signal });
      },
    },
  };
}
