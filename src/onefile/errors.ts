/*
 * Every failure of a OneFile call, as one hierarchy rooted at OneFileError (got's pattern: branch with
 * instanceof or `code`). Each error names the endpoint by its route template ("POST /User/{id}"), never by
 * its concrete URL or headers, so neither the customer token nor the session can reach a message or a log.
 * The mapping to job behaviour lives in src/jobs/error-policy.ts.
 */

import { WorkerError } from '../domain/errors.js';

export type OneFileErrorCode =
  | 'ONEFILE_AUTH'
  | 'ONEFILE_NOT_FOUND'
  | 'ONEFILE_VALIDATION'
  | 'ONEFILE_RATE_LIMITED'
  | 'ONEFILE_TRANSIENT'
  | 'ONEFILE_BAD_RESPONSE';

interface BaseOptions {
  /** Route template, e.g. "POST /User/Search/{page}/{size}". */
  endpoint: string;
  status?: number | undefined;
  cause?: unknown;
}

const MAX_TEXT = 300;

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

/**
 * got's errors carry `options` (with the X-CustomerToken / X-TokenID headers) and the response as enumerable
 * properties, and log serialisers walk `cause`; keep only the name, code and message of a foreign cause.
 */
function safeCause(cause: unknown): Error | undefined {
  if (cause === undefined) return undefined;
  if (cause instanceof OneFileError) return cause;
  if (!(cause instanceof Error)) return new Error(clip(String(cause)));
  const copy = new Error(cause.message);
  copy.name = cause.name;
  const { code } = cause as { code?: unknown };
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}

export abstract class OneFileError extends WorkerError {
  abstract readonly code: OneFileErrorCode;
  readonly endpoint: string;
  readonly status: number | undefined;

  protected constructor(detail: string, { endpoint, status, cause }: BaseOptions) {
    const safe = safeCause(cause);
    super(`${endpoint}: ${detail}`, safe ? { cause: safe } : undefined);
    this.endpoint = endpoint;
    this.status = status;
  }
}

/** 401/403: OneFile refused the session or the customer token (after the one re-login, this is permanent). */
export class OneFileAuthError extends OneFileError {
  override readonly name = 'OneFileAuthError';
  readonly code = 'ONEFILE_AUTH';
  readonly permanent = true;
  constructor(options: BaseOptions & { status: number }) {
    super(`${options.status} ${options.status === 403 ? 'forbidden' : 'unauthorised'}`, options);
  }
}

/** 404, or a 400 that says the id in the path does not exist. */
export class OneFileNotFoundError extends OneFileError {
  override readonly name = 'OneFileNotFoundError';
  readonly code = 'ONEFILE_NOT_FOUND';
  readonly permanent = true;
  constructor(options: BaseOptions & { message?: string | undefined }) {
    super(`${options.status ?? 404} not found${options.message ? `: ${clip(options.message)}` : ''}`, options);
  }
}

/** OneFile rejected what we sent (400 and other 4xx), with its own explanation. */
export class OneFileValidationError extends OneFileError {
  override readonly name = 'OneFileValidationError';
  readonly code = 'ONEFILE_VALIDATION';
  readonly permanent = true;
  /** OneFile's `Message` (or `message`), or the raw body text when it sent neither. */
  readonly oneFileMessage: string;
  constructor(options: BaseOptions & { message: string }) {
    const status = options.status ?? 400;
    super(`${status} rejected: ${clip(options.message) || '(no message)'}`, { ...options, status });
    this.oneFileMessage = clip(options.message);
  }
}

/** 429: over OneFile's limit. `retryAfterMs` when it sent Retry-After. */
export class OneFileRateLimitedError extends OneFileError {
  override readonly name = 'OneFileRateLimitedError';
  readonly code = 'ONEFILE_RATE_LIMITED';
  readonly permanent = false;
  readonly retryAfterMs: number | undefined;
  constructor(options: Omit<BaseOptions, 'status'> & { retryAfterMs?: number | undefined }) {
    const after = options.retryAfterMs === undefined ? 'no Retry-After' : `retry after ${options.retryAfterMs} ms`;
    super(`429 rate limited (${after})`, { ...options, status: 429 });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Worth retrying: 5xx, 408, a timeout, a refused or dropped connection. */
export class OneFileTransientError extends OneFileError {
  override readonly name = 'OneFileTransientError';
  readonly code = 'ONEFILE_TRANSIENT';
  readonly permanent = false;
  /** e.g. "503", "timeout", "ECONNRESET". */
  readonly reason: string;
  constructor(options: BaseOptions & { reason: string }) {
    super(options.status ? `${options.status} ${options.reason}` : options.reason, options);
    this.reason = options.reason;
  }
}

/** A response the client cannot use: names the endpoint and the field. */
export class OneFileBadResponseError extends OneFileError {
  override readonly name = 'OneFileBadResponseError';
  readonly code = 'ONEFILE_BAD_RESPONSE';
  readonly permanent = true;
  readonly field: string;
  constructor(
    options: BaseOptions & {
      field: string;
      expected: string;
      received: unknown;
      /** The value is a credential (the session from POST /Authentication): describe it without showing it. */
      sensitive?: boolean;
    },
  ) {
    const got = options.sensitive ? describeHidden(options.received) : describeValue(options.received);
    super(`field ${options.field}: expected ${options.expected}, got ${got}`, options);
    this.field = options.field;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  try {
    return clip(JSON.stringify(value) ?? String(value));
  } catch {
    return clip(String(value));
  }
}

function describeHidden(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters (hidden)`;
  return value === undefined ? 'nothing' : `a ${value === null ? 'null' : typeof value} (hidden)`;
}

/**
 * Retry-After in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Undefined when absent or unreadable,
 * so the caller falls back to its configured penalty.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** OneFile's explanation from an error body: `{"Message": …}`, `{"message": …}`, or the text itself. */
export function oneFileMessage(body: unknown): string {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return clip(body.trim());
    }
  }
  if (typeof parsed === 'string') return clip(parsed.trim());
  if (parsed && typeof parsed === 'object') {
    const { Message, message } = parsed as { Message?: unknown; message?: unknown };
    if (typeof Message === 'string') return clip(Message);
    if (typeof message === 'string') return clip(message);
  }
  return typeof body === 'string' ? clip(body.trim()) : '';
}

const NOT_FOUND_TEXT = /not\s+(be\s+)?found|does\s+not\s+exist|doesn't\s+exist|no\s+such/i;

/**
 * The typed error for a non-2xx answer. `endpoint` is the route template; a 400 counts as "not found" only
 * when the route addresses an id ("{id}", "{learnerId}" …) and OneFile's message says it does not exist.
 */
export function oneFileErrorFromResponse(response: {
  endpoint: string;
  status: number;
  body?: unknown;
  retryAfter?: string | undefined;
  nowMs?: number;
}): OneFileError {
  const { endpoint, status } = response;
  const message = oneFileMessage(response.body);
  if (status === 401 || status === 403) return new OneFileAuthError({ endpoint, status });
  if (status === 404) return new OneFileNotFoundError({ endpoint, status, message });
  if (status === 429) {
    return new OneFileRateLimitedError({ endpoint, retryAfterMs: parseRetryAfter(response.retryAfter, response.nowMs) });
  }
  if (status === 408 || status >= 500) return new OneFileTransientError({ endpoint, status, reason: 'server error' });
  if (status === 400 && /\{\w*id\}/i.test(endpoint) && NOT_FOUND_TEXT.test(message)) {
    return new OneFileNotFoundError({ endpoint, status, message });
  }
  if (status >= 400) return new OneFileValidationError({ endpoint, status, message });
  return new OneFileBadResponseError({ endpoint, status, field: 'status', expected: 'a 2xx answer', received: status });
}
