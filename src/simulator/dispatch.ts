import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { spoil } from './bad-answers.js';
import { learnerOfCall } from './call-learner.js';
import { ApiError } from './errors.js';
import type { FaultPlan } from './faults.js';
import { Body } from './fields.js';
import { message, wireBody, type ApiResult } from './result.js';
import type { RouteDef } from './routes.js';
import type { Customer } from './schemas.js';
import type { Simulator } from './simulator.js';

const DENIED = 'Authorization has been denied for this request.';

/**
 * One API call, in the order OneFile's front door would meet it: the network (drops, latency), then who is
 * calling, then the rate limit, then the handler, then anything that spoils the answer on its way back.
 */
export async function serve(sim: Simulator, def: RouteDef, endpoint: string, req: FastifyRequest, reply: FastifyReply) {
  const plan = sim.faults.plan(endpoint, () => learnerOfCall(sim, endpoint, req.params as Record<string, string>, Body.from(req.body)));
  if (plan?.drop === 'before') return drop(sim, endpoint, reply);
  if (plan && plan.delayMs > 0 && plan.delayWhen === 'before') await sleep(plan.delayMs);
  const result = answer(sim, def, endpoint, req, plan);
  if (plan && plan.delayMs > 0 && plan.delayWhen === 'after') {
    const write = isWrite(endpoint);
    if (write) sim.stats.writesAwaitingAnswer++;
    await lateAnswer(req, plan.delayMs);
    if (write) sim.stats.writesAwaitingAnswer--;
  }
  if (plan && plan.slowMs > 0) await sleep(plan.slowMs);
  if (plan?.drop === 'after') return drop(sim, endpoint, reply);
  // The caller went away while its answer waited (a client killed mid-call): the call was made, never answered.
  // (The socket, not the request: a request whose body has been read counts as destroyed while its socket lives.)
  if (req.raw.socket?.destroyed) {
    sim.stats.record(endpoint, 'abandoned');
    return reply;
  }
  return send(sim, endpoint, reply, result);
}

/** A call that changes OneFile: a POST that is neither a search nor a login. */
const isWrite = (endpoint: string): boolean => endpoint.startsWith('POST ') && !endpoint.includes('/Search') && endpoint !== 'POST /Authentication';

/** Holds an answer back `ms`, or until the caller's connection closes (it died waiting: nobody to answer). */
export async function lateAnswer(req: FastifyRequest, ms: number): Promise<void> {
  const socket = req.raw.socket;
  if (!socket || socket.destroyed) return;
  const gone = new AbortController();
  const onClose = () => gone.abort();
  socket.once('close', onClose);
  try {
    await sleep(ms, undefined, { signal: gone.signal });
  } catch {
    // the caller went away: serve() counts the call as abandoned
  } finally {
    socket.off('close', onClose);
  }
}

function answer(sim: Simulator, def: RouteDef, endpoint: string, req: FastifyRequest, plan: FaultPlan | null): ApiResult {
  const caller = identify(sim, def, req);
  if (!('ID' in caller)) return caller;
  if (sim.faults.takeForced429()) {
    sim.stats.forced429++;
    // A forced burst has no window to wait for: Retry-After says one second, the shortest honest pause.
    return tooMany(sim, 1000 * sim.clock.speed);
  }
  // Authentication calls count against the customer too: logging in is an API call like any other.
  const wait = sim.takeBudget(caller.ID);
  if (wait > 0) {
    sim.stats.overLimit++;
    return tooMany(sim, wait);
  }
  if (plan?.error?.when === 'before') return faultAnswer(sim, plan.error.status);
  let result: ApiResult;
  try {
    result = def.handle({ sim, customer: caller, params: req.params as Record<string, string>, body: Body.from(req.body) });
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    result = message(e.status, e.message);
  }
  const bad = sim.faults.takeBadAnswer(endpoint);
  if (bad) result = spoil(result, bad);
  if (plan?.error?.when === 'after') return faultAnswer(sim, plan.error.status);
  return result;
}

function identify(sim: Simulator, def: RouteDef, req: FastifyRequest): Customer | ApiResult {
  if (def.auth === 'customer-token') {
    const token = headerOf(req, 'x-customertoken');
    const customer = token === undefined ? undefined : sim.state.customerByToken(token, sim.options.environment);
    return customer ?? message(401, token === undefined ? 'X-CustomerToken is missing.' : 'The customer token is not valid.');
  }
  // Which status OneFile gives a refused session is unknown (onefile-api.md §2): options.refusedSessionStatus.
  const refused = sim.options.refusedSessionStatus;
  const token = headerOf(req, 'x-tokenid');
  if (token === undefined) return message(refused, DENIED);
  const session = sim.sessions.find(token);
  if (session === 'expired') return message(refused, `${DENIED} The session has expired.`);
  if (session === 'unknown') return message(refused, DENIED);
  return sim.state.customers.get(session.customerId) ?? message(refused, DENIED);
}

function tooMany(sim: Simulator, waitSimMs: number): ApiResult {
  // Retry-After is in real seconds: the client waits in real time, whatever the simulator's speed.
  const seconds = Math.max(1, Math.ceil(sim.clock.toRealMs(waitSimMs) / 1000));
  return message(429, 'API rate limit exceeded.', sim.options.retryAfter ? { 'retry-after': String(seconds) } : undefined);
}

const serverError = (status: number): ApiResult => message(status, 'An error has occurred.');
// An injected 429 is OneFile's limit answering at that call: as a forced burst, one second's Retry-After.
const faultAnswer = (sim: Simulator, status: number): ApiResult => (status === 429 ? tooMany(sim, 1000 * sim.clock.speed) : serverError(status));

function headerOf(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

export function send(sim: Simulator, endpoint: string, reply: FastifyReply, r: ApiResult) {
  sim.stats.record(endpoint, r.status);
  reply.code(r.status);
  if (r.headers) reply.headers(r.headers);
  const { body, contentType } = wireBody(r);
  if (contentType) reply.header('content-type', contentType);
  return reply.send(body);
}

function drop(sim: Simulator, endpoint: string, reply: FastifyReply) {
  sim.stats.record(endpoint, 'dropped');
  reply.hijack();
  reply.raw.socket?.destroy();
  return reply;
}
