import got, { RequestError } from 'got';
import type { Route } from './endpoints.js';
import { OneFileBadResponseError, OneFileTransientError } from './errors.js';

/*
 * The one got instance the client speaks through (anchors §4.6). got's defaults do not fit OneFile:
 * - no timeout by default → an explicit request timeout;
 * - retries on by default (incl. 429, honouring Retry-After) → off, so every attempt passes the shared budget;
 * - throws on 4xx/5xx → off: the client maps statuses itself (a 401 re-login, a 429 penalty, typed errors);
 * - redirects followed → off: a redirect to a login page is not an answer, and must not carry X-TokenID away.
 * Bodies are read as text so the client can accept the documented variants (bare id, quoted session …).
 * got has no size limit of its own: a body larger than `maxResponseBytes` (by its Content-Length, or as it
 * streams in) is cut off through an abort of our own, so a runaway answer cannot fill the worker's memory.
 */

export interface WireRequest extends Route {
  headers: Record<string, string>;
  /** Sent as JSON (PascalCase, as the caller built it); absent = empty body. */
  json?: unknown;
  signal?: AbortSignal | undefined;
}

export interface WireResponse {
  status: number;
  /** Lower-cased media type without parameters, '' when absent. */
  contentType: string;
  retryAfter: string | undefined;
  body: string;
}

export type OneFileHttp = (request: WireRequest) => Promise<WireResponse>;

export interface OneFileHttpOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Largest response body accepted; a larger one fails as a bad response. */
  maxResponseBytes: number;
}

/** The abort reason of a body cut off for its size (never the caller's own abort). */
class BodyTooLarge {
  constructor(readonly bytes: number) {}
}

export function createOneFileHttp({ baseUrl, timeoutMs, maxResponseBytes }: OneFileHttpOptions): OneFileHttp {
  const instance = got.extend({
    prefixUrl: baseUrl,
    timeout: { request: timeoutMs },
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    responseType: 'text',
    headers: { accept: 'application/json, text/plain;q=0.9', 'user-agent': 'pics-onefile-worker' },
  });

  return async ({ method, path, endpoint, headers, json, signal }) => {
    const sizeGuard = new AbortController();
    const signals = signal ? AbortSignal.any([signal, sizeGuard.signal]) : sizeGuard.signal;
    try {
      const request = instance(path, {
        method,
        headers,
        ...(json === undefined ? {} : { json }),
        signal: signals,
      });
      request.on('downloadProgress', ({ transferred, total }: { transferred: number; total?: number }) => {
        const bytes = Math.max(transferred, total ?? 0);
        if (bytes > maxResponseBytes && !sizeGuard.signal.aborted) sizeGuard.abort(new BodyTooLarge(bytes));
      });
      const response = await request;
      const retryAfter = response.headers['retry-after'];
      return {
        status: response.statusCode,
        contentType: (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(),
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        body: response.body,
      };
    } catch (error) {
      if (sizeGuard.signal.reason instanceof BodyTooLarge && !signal?.aborted) {
        throw new OneFileBadResponseError({
          endpoint,
          field: 'body',
          expected: `at most ${maxResponseBytes} bytes (onefile.maxResponseBytes)`,
          received: `${sizeGuard.signal.reason.bytes} bytes or more`,
        });
      }
      throw transientFrom(endpoint, error, signal);
    }
  };
}

/** No answer at all (refused, dropped, timed out, aborted): worth retrying, and the cause is kept token-free. */
function transientFrom(endpoint: string, error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return new OneFileTransientError({ endpoint, reason: 'aborted', cause: signal.reason });
  if (!(error instanceof RequestError)) return error; // a bug of ours, not a network failure: let it surface
  const reason = error.name === 'TimeoutError' ? 'timeout' : error.code || 'network error';
  return new OneFileTransientError({ endpoint, reason, cause: error });
}
