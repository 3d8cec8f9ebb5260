import { describe, expect, it } from '@jest/globals';
import {
  OneFileAuthError,
  OneFileBadResponseError,
  OneFileError,
  OneFileNotFoundError,
  OneFileRateLimitedError,
  OneFileTransientError,
  OneFileValidationError,
  oneFileErrorFromResponse,
  oneFileMessage,
  parseRetryAfter,
} from '../../src/onefile/errors.js';

describe('OneFile errors', () => {
  it('all share one root with endpoint, status and code', () => {
    const error = new OneFileAuthError({ endpoint: 'GET /Customer', status: 401 });
    expect(error).toBeInstanceOf(OneFileError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'OneFileAuthError', code: 'ONEFILE_AUTH', endpoint: 'GET /Customer', status: 401 });
    expect(error.message).toBe('GET /Customer: 401 unauthorised');
  });

  it('names the endpoint and the field of an unusable response', () => {
    const error = new OneFileBadResponseError({ endpoint: 'POST /User', field: 'ID', expected: 'a positive integer', received: 'abc' });
    expect(error.message).toBe('POST /User: field ID: expected a positive integer, got "abc"');
    expect(error.field).toBe('ID');
  });

  it('describes a credential it could not use without showing it', () => {
    const session = 'c2Vzc2lvbi1zZWNyZXQ';
    const error = new OneFileBadResponseError({
      endpoint: 'POST /Authentication',
      field: 'body',
      expected: 'a session string without spaces',
      received: session,
      sensitive: true,
    });
    expect(error.message).not.toContain(session);
    expect(error.message).toContain('a string of 19 characters (hidden)');
  });

  it('keeps only name, code and message of a foreign cause (got errors carry request headers)', () => {
    const gotLike = Object.assign(new Error('Timeout awaiting request for 30000ms'), {
      name: 'TimeoutError',
      code: 'ETIMEDOUT',
      options: { headers: { 'X-TokenID': 'session-secret', 'X-CustomerToken': 'token-secret' } },
    });
    const error = new OneFileTransientError({ endpoint: 'GET /User/{id}', reason: 'timeout', cause: gotLike });
    const cause = error.cause as Error & { code?: string };
    expect(cause).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT', message: gotLike.message });
    expect(JSON.stringify({ ...cause, message: cause.message })).not.toMatch(/secret/);
    expect(Object.keys(cause)).not.toContain('options');
  });
});

describe('oneFileErrorFromResponse', () => {
  const map = (status: number, body?: unknown, endpoint = 'POST /User/{id}', retryAfter?: string) =>
    oneFileErrorFromResponse({ endpoint, status, body, retryAfter, nowMs: Date.parse('2026-09-01T10:00:00Z') });

  it('maps 401 and 403 to OneFileAuthError', () => {
    expect(map(401)).toBeInstanceOf(OneFileAuthError);
    expect(map(403)).toMatchObject({ code: 'ONEFILE_AUTH', status: 403 });
  });

  it('maps 404, and a 400 saying the id does not exist, to OneFileNotFoundError', () => {
    expect(map(404)).toBeInstanceOf(OneFileNotFoundError);
    expect(map(400, '{"Message":"User not found"}')).toBeInstanceOf(OneFileNotFoundError);
    expect(map(400, { message: 'Learning aim 12 does not exist' }, 'GET /LearningAim/{id}')).toBeInstanceOf(
      OneFileNotFoundError,
    );
    // No id in the route: a "not found" text is about the body (e.g. an organisation), so it is validation.
    expect(map(400, '{"Message":"Organisation not found"}', 'POST /User')).toBeInstanceOf(OneFileValidationError);
  });

  it('maps other 400s to OneFileValidationError carrying OneFile’s message from Message or message', () => {
    const upper = map(400, '{"Message":"Email is invalid"}', 'POST /User');
    expect(upper).toBeInstanceOf(OneFileValidationError);
    expect((upper as OneFileValidationError).oneFileMessage).toBe('Email is invalid');
    expect(upper.message).toBe('POST /User: 400 rejected: Email is invalid');
    expect((map(400, { message: 'bad date' }) as OneFileValidationError).oneFileMessage).toBe('bad date');
    expect((map(422, 'plain text reason') as OneFileValidationError).oneFileMessage).toBe('plain text reason');
  });

  it('maps 429 to OneFileRateLimitedError with Retry-After in seconds or as a date', () => {
    expect(map(429, undefined, 'GET /Customer', '30')).toMatchObject({ retryAfterMs: 30_000, status: 429 });
    expect(map(429, undefined, 'GET /Customer', 'Tue, 01 Sep 2026 10:00:05 GMT')).toMatchObject({ retryAfterMs: 5_000 });
    const bare = map(429) as OneFileRateLimitedError;
    expect(bare).toBeInstanceOf(OneFileRateLimitedError);
    expect(bare.retryAfterMs).toBeUndefined();
  });

  it('maps 5xx and 408 to OneFileTransientError', () => {
    for (const status of [500, 502, 503, 504, 408]) expect(map(status)).toBeInstanceOf(OneFileTransientError);
  });

  it('treats an unexpected non-error status as a bad response', () => {
    expect(map(302)).toMatchObject({ code: 'ONEFILE_BAD_RESPONSE', field: 'status' });
  });
});

describe('helpers', () => {
  it('parseRetryAfter reads seconds, dates, and gives up on nonsense', () => {
    expect(parseRetryAfter('2')).toBe(2_000);
    expect(parseRetryAfter(' 1.5 ')).toBe(1_500);
    expect(parseRetryAfter('Tue, 01 Sep 2026 09:59:00 GMT', Date.parse('2026-09-01T10:00:00Z'))).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('oneFileMessage reads Message, message, a JSON string, or raw text', () => {
    expect(oneFileMessage('{"Message":"a"}')).toBe('a');
    expect(oneFileMessage({ message: 'b' })).toBe('b');
    expect(oneFileMessage('"c"')).toBe('c');
    expect(oneFileMessage('<html>oops</html>')).toBe('<html>oops</html>');
    expect(oneFileMessage(undefined)).toBe('');
  });
});
