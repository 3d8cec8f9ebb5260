/*
 * What a log line may hold of an object: every secret-named key censored at any depth (pino's own redact
 * paths cannot say "at any depth"), and every Error reduced to what explains it. got's errors carry
 * `options` (headers with X-CustomerToken / X-TokenID, the JSON body), `request`, `response` and `timings`,
 * and pino's standard serializer copies every enumerable property: those are never read here.
 */

export const CENSORED = '[redacted]';

/** Key names (lower-cased, without "-" and "_") whose values are secrets or carry them. */
const SECRET_KEYS = new Set([
  'token', 'tokenid', 'xtokenid', 'customertoken', 'xcustomertoken', 'session', 'sessionid', 'sessiontoken',
  'password', 'passwd', 'secret', 'clientkey', 'apikey', 'authorization', 'proxyauthorization', 'cookie', 'setcookie',
  'headers', 'rawheaders', 'connectionstring', 'url',
]);
const SECRET_SUFFIXES = ['token', 'password', 'secret', 'apikey', 'clientkey', 'url'];

export function isSecretKey(key: string): boolean {
  const name = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEYS.has(name) || SECRET_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/** got's request state, never logged; `input` is the URL it was given. */
const ERROR_NEVER = new Set(['options', 'request', 'response', 'timings', 'input', 'config', 'raw']);

const MAX_DEPTH = 8;

/** `scheme://user:password@host` → `scheme://[redacted]@host`: a connection string in a message keeps its password. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, `$1${CENSORED}@`);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The error as a log shows it: type, message, stack, code, its own scalar fields, cause and errors, all censored. */
export function serializeError(error: Error, seen: WeakSet<object> = new WeakSet(), depth = 0): Record<string, unknown> {
  seen.add(error);
  const out: Record<string, unknown> = {
    type: error.constructor?.name && error.constructor.name !== 'Object' ? error.constructor.name : error.name,
    message: maskUrlCredentials(String(error.message)),
  };
  if (typeof error.stack === 'string') out.stack = maskUrlCredentials(error.stack);
  for (const [key, value] of Object.entries(error)) {
    if (ERROR_NEVER.has(key) || key === 'message' || key === 'stack' || key === 'cause' || key === 'errors') continue;
    if (isSecretKey(key)) out[key] = CENSORED;
    else if (typeof value === 'string') out[key] = maskUrlCredentials(value);
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  // got's HTTPError keeps the status on its (unlogged) response: the status alone is worth keeping.
  const statusCode = (error as { response?: { statusCode?: unknown } }).response?.statusCode;
  if (typeof statusCode === 'number') out.statusCode = statusCode;
  if (error.cause !== undefined) out.cause = censor(error.cause, seen, depth + 1);
  const { errors } = error as { errors?: unknown };
  if (Array.isArray(errors)) out.errors = censor(errors, seen, depth + 1);
  return out;
}

/**
 * A copy of `value` safe to log: secret keys censored at any depth, errors serialised as above, and class
 * instances other than Date named rather than walked (a got Options, a socket, a pool hold state, not data).
 */
export function censor(value: unknown, seen: WeakSet<object> = new WeakSet(), depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' ? maskUrlCredentials(value) : value;
  }
  if (seen.has(value)) return '[circular]';
  if (depth > MAX_DEPTH) return '[too deep]';
  if (value instanceof Error) return serializeError(value, seen, depth);
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => censor(item, seen, depth + 1));
    if (!isPlainObject(value)) return `[${value.constructor?.name ?? 'object'}]`;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = isSecretKey(key) && child !== undefined && child !== null ? CENSORED : censor(child, seen, depth + 1);
    }
    return out;
  } finally {
    seen.delete(value); // the same object twice side by side is not a cycle
  }
}
