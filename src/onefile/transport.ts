import type { Logger } from 'pino';
import type { CallBudget, CallLane } from '../limiter/call-budget.js';
import { customerKeyFromToken } from '../limiter/customer-key.js';
import { isUrgent } from '../util/urgent-calls.js';
import { AUTHENTICATION, type Route } from './endpoints.js';
import { OneFileError, OneFileRateLimitedError, oneFileErrorFromResponse, parseRetryAfter } from './errors.js';
import type { OneFileHttp, WireResponse } from './http.js';
import { sessionBody } from './parse.js';
import type { SessionStore } from './session.js';

/*
 * One OneFile call, the same way every time: the shared session, a slot of the shared call budget, the HTTP
 * attempt, then the status. Every attempt (the login and a re-try after a 401 too) takes its own budget
 * slot, because OneFile counts each one. A 401 drops that session (compare-and-delete, so 50 failing callers
 * cause one re-login) and tries once more; a 429 pushes the shared budget back for every process and is
 * thrown for the job layer to wait out: retrying here would only hold a worker slot through the pause.
 */

export type RequestOutcome =
  | 'ok'
  | 'unauthorised'
  | 'rate-limited'
  | 'rejected'
  | 'server-error'
  | 'bad-response'
  | 'timeout'
  | 'network-error'
  | 'aborted';

/** One HTTP attempt, for metrics: labels stay low-cardinality (template, status class, outcome). */
export interface OneFileRequestInfo {
  endpoint: string;
  /** null when no answer came (network error, timeout, abort). */
  status: number | null;
  statusClass: '2xx' | '3xx' | '4xx' | '5xx' | 'none';
  durationMs: number;
  outcome: RequestOutcome;
}

export interface TransportOptions {
  http: OneFileHttp;
  customerToken: string;
  budget: CallBudget;
  sessions: SessionStore;
  logger?: Logger | undefined;
  /** Longest budget wait per attempt; beyond it BudgetWaitTooLongError (the job delays itself). */
  maxWaitMs?: number | undefined;
  /** The budget lane of every attempt (the login too): default interactive. */
  lane?: CallLane | undefined;
  onRequest?: ((info: OneFileRequestInfo) => void) | undefined;
  /** Shutdown: aborts budget waits and requests in flight, including a login. */
  signal?: AbortSignal | undefined;
}

export interface CallOptions {
  json?: unknown;
  signal?: AbortSignal | undefined;
}

/** How a probe attempt authenticates: the customer token (a login), the shared session, or a session of its own. */
export type ProbeAuth = 'customer-token' | 'shared-session' | { session: string };

export interface Transport {
  readonly customerKey: string;
  /**
   * One attempt for the contract probe: the budget slot and the metrics of any call, but the answer as it came
   * (any status but 429, which pushes the budget back as always). With the shared session a 401 re-logs in
   * once, as any call does; with the customer token or a session of the caller's there is no re-login, since
   * how OneFile answers those is what the probe looks at, and a login made so is not stored.
   */
  probe(route: Route, auth: ProbeAuth, options: CallOptions): Promise<WireResponse>;
  /** Sends `route` with the session and returns `parse` of its 2xx answer; anything else is a typed OneFileError. */
  call<T>(route: Route, options: CallOptions, parse: (response: WireResponse) => T): Promise<T>;
  /** HTTP attempts made by this client, logins included. */
  callsMade(): number;
}

function statusClass(status: number | null): OneFileRequestInfo['statusClass'] {
  if (status === null) return 'none';
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  return '2xx';
}

function outcomeOf(status: number | null, error: unknown): RequestOutcome {
  if (!error) return 'ok';
  if (error instanceof OneFileError) {
    switch (error.code) {
      case 'ONEFILE_AUTH': return 'unauthorised';
      case 'ONEFILE_RATE_LIMITED': return 'rate-limited';
      case 'ONEFILE_BAD_RESPONSE': return 'bad-response';
      case 'ONEFILE_NOT_FOUND':
      case 'ONEFILE_VALIDATION': return 'rejected';
      case 'ONEFILE_TRANSIENT': {
        if (status !== null) return 'server-error';
        const reason = (error as { reason?: string }).reason;
        return reason === 'timeout' ? 'timeout' : reason === 'aborted' ? 'aborted' : 'network-error';
      }
    }
  }
  return status === null ? 'network-error' : 'bad-response';
}

const RETRY_AUTH = Symbol('retry with a fresh session');

export function createTransport(options: TransportOptions): Transport {
  const { http, customerToken, budget, sessions, logger, maxWaitMs, lane, onRequest, signal: clientSignal } = options;
  const customerKey = customerKeyFromToken(customerToken);
  let calls = 0;

  /**
   * One attempt: a budget slot, the request, the status. Resolves RETRY_AUTH for a first 401 when the caller
   * allows a re-login, else the parsed answer; every other outcome is thrown as a typed error.
   */
  async function attempt<T>(
    route: Route,
    headers: Record<string, string>,
    options: CallOptions,
    parse: (response: WireResponse) => T,
    mayRetryAuth: boolean,
    anyStatus = false,
  ): Promise<T | typeof RETRY_AUTH> {
    const { signal } = options;
    // A login is everyone's: callers of every lane wait on the shared session, so it never queues as batch; nor
    // does a call made while holding a lock a click may wait for (util/urgent-calls.ts).
    const attemptLane = route === AUTHENTICATION || isUrgent() ? undefined : lane;
    await budget.acquire(customerKey, { signal, ...(maxWaitMs === undefined ? {} : { maxWaitMs }), ...(attemptLane ? { lane: attemptLane } : {}) });
    calls += 1;
    const started = performance.now();
    let status: number | null = null;
    let failure: unknown;
    try {
      const response = await http({ ...route, headers, json: options.json, signal });
      status = response.status;
      if (status >= 200 && status < 300) return parse(response);
      if (status === 401 && mayRetryAuth) {
        failure = oneFileErrorFromResponse({ endpoint: route.endpoint, status });
        return RETRY_AUTH;
      }
      if (anyStatus && status !== 429) {
        failure = oneFileErrorFromResponse({ endpoint: route.endpoint, status, body: response.body }); // for the metrics' outcome only
        return parse(response);
      }
      if (status === 429) {
        const retryAfterMs = parseRetryAfter(response.retryAfter);
        await penalise(route, retryAfterMs);
        throw new OneFileRateLimitedError({ endpoint: route.endpoint, retryAfterMs });
      }
      throw oneFileErrorFromResponse({
        endpoint: route.endpoint,
        status,
        body: response.body,
        retryAfter: response.retryAfter,
      });
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      const durationMs = performance.now() - started;
      const outcome = outcomeOf(status, failure);
      // Template and status only: never the URL (ids), the headers (token, session) or the body.
      logger?.debug({ endpoint: route.endpoint, status, durationMs: Math.round(durationMs), outcome }, 'OneFile call');
      onRequest?.({ endpoint: route.endpoint, status, statusClass: statusClass(status), durationMs, outcome });
    }
  }

  async function penalise(route: Route, retryAfterMs: number | undefined): Promise<void> {
    try {
      await budget.penalise(customerKey, retryAfterMs);
    } catch (error) {
      // The 429 itself is what the caller must hear about; a failed penalty only loses the shared back-off.
      logger?.warn({ endpoint: route.endpoint, err: error }, 'could not push the shared OneFile budget back');
    }
  }

  /** POST /Authentication with the customer token; run by the session store once across all processes. */
  async function login(): Promise<string> {
    const result = await attempt(
      AUTHENTICATION,
      { 'X-CustomerToken': customerToken },
      { signal: clientSignal },
      (response) => sessionBody(AUTHENTICATION.endpoint, response),
      false,
    );
    return result as string;
  }

  const combined = (callSignal: AbortSignal | undefined): AbortSignal | undefined => {
    const signals = [clientSignal, callSignal].filter((s): s is AbortSignal => s !== undefined);
    return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  };

  return {
    customerKey,
    callsMade: () => calls,

    async probe(route, auth, callOptions) {
      const options = { ...callOptions, signal: combined(callOptions.signal) };
      const raw = (response: WireResponse) => response;
      if (auth !== 'shared-session') {
        const headers: Record<string, string> = auth === 'customer-token' ? { 'X-CustomerToken': customerToken } : { 'X-TokenID': auth.session };
        return attempt(route, headers, options, raw, false, true) as Promise<WireResponse>;
      }
      // The shared session is renewed on a 401 as for any call: a stale one says nothing about OneFile.
      for (let tries = 1; ; tries += 1) {
        const session = await sessions.get(customerKey, login);
        const result = await attempt(route, { 'X-TokenID': session }, options, raw, tries === 1, true);
        if (result !== RETRY_AUTH) return result;
        await sessions.invalidate(customerKey, session);
      }
    },

    async call(route, callOptions, parse) {
      const withSignal = { ...callOptions, signal: combined(callOptions.signal) };
      for (let tries = 1; ; tries += 1) {
        const session = await sessions.get(customerKey, login);
        const result = await attempt(route, { 'X-TokenID': session }, withSignal, parse, tries === 1);
        if (result !== RETRY_AUTH) return result;
        logger?.info({ endpoint: route.endpoint, customerKey }, 'OneFile refused the session (401): logging in again');
        await sessions.invalidate(customerKey, session);
      }
    },
  };
}
