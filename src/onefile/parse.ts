import { DateTime } from 'luxon';
import { fromOneFileDate } from '../domain/dates.js';
import { OneFileBadResponseError } from './errors.js';
import type { WireResponse } from './http.js';

/*
 * Reading OneFile's answers: lenient about the documented variants (key case, numbers sent as strings,
 * 'true' for true, dates with or without Z, a bare id or {ID}, a quoted session), strict about what the
 * worker relies on. An answer it cannot use becomes OneFileBadResponseError naming the endpoint and field.
 */

type Bad = ConstructorParameters<typeof OneFileBadResponseError>[0];

function bad(endpoint: string, field: string, expected: string, received: unknown, extra: Partial<Bad> = {}): never {
  throw new OneFileBadResponseError({ endpoint, field, expected, received, ...extra });
}

const INTEGER = /^\s*-?\d{1,15}\s*$/;
const DECIMAL = /^\s*-?\d+(\.\d+)?\s*$/;
const HAS_ZONE = /[zZ]|[+-]\d\d:?\d\d$/;

/** One JSON object of an answer, read field by field with its keys matched regardless of case. */
export class RecordReader {
  private readonly values = new Map<string, unknown>();

  private constructor(
    readonly endpoint: string,
    /** Where the record sits in the answer: '' for the whole body, '[3]' for the fourth row. */
    private readonly at: string,
    record: Record<string, unknown>,
  ) {
    for (const [key, value] of Object.entries(record)) this.values.set(key.toLowerCase(), value);
  }

  static of(endpoint: string, value: unknown, at = ''): RecordReader {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      bad(endpoint, at || 'body', 'a JSON object', value);
    }
    return new RecordReader(endpoint, at, value as Record<string, unknown>);
  }

  /** The field's name as errors show it, e.g. "[3].ID". */
  field(name: string): string {
    return this.at ? `${this.at}.${name}` : name;
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  private raw(name: string): unknown {
    const value = this.values.get(name.toLowerCase());
    return value === undefined ? null : value;
  }

  private fail(name: string, expected: string): never {
    return bad(this.endpoint, this.field(name), expected, this.values.get(name.toLowerCase()));
  }

  /** A record's own id: present, a positive integer. */
  id(name = 'ID'): number {
    const value = this.int(name);
    if (value === null || value <= 0) this.fail(name, 'a positive integer');
    return value;
  }

  int(name: string): number | null {
    const value = this.raw(name);
    if (value === null || value === '') return null;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (typeof value === 'string' && INTEGER.test(value)) return Number(value);
    return this.fail(name, 'an integer');
  }

  number(name: string): number | null {
    const value = this.raw(name);
    if (value === null || value === '') return null;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
    return this.fail(name, 'a number');
  }

  string(name: string): string | null {
    const value = this.raw(name);
    if (value === null) return null;
    if (typeof value === 'string') return value;
    return this.fail(name, 'a string');
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === null || value.trim() === '') this.fail(name, 'a non-empty string');
    return value;
  }

  /** true/false, also sent as "true"/"false" (onefile-api.md §7.6, §7.12). */
  bool(name: string): boolean | null {
    const value = this.raw(name);
    if (value === null || value === '') return null;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
    return this.fail(name, 'a boolean');
  }

  /** A calendar date (DOB, start date …) → 'YYYY-MM-DD' as the UK reads it (domain/dates.ts). */
  date(name: string): string | null {
    const value = this.raw(name);
    if (value === null || value === '') return null;
    if (typeof value !== 'string' || !parseIso(value)) return this.fail(name, 'an ISO date');
    return fromOneFileDate(value);
  }

  /** An instant (ScheduledFor, StartedOn …) → ISO UTC ending in Z; a value without a zone is UTC. */
  instant(name: string): string | null {
    const value = this.raw(name);
    if (value === null || value === '') return null;
    const parsed = typeof value === 'string' ? parseIso(value) : null;
    if (!parsed) return this.fail(name, 'an ISO date-time');
    return parsed.toUTC().toISO()!;
  }
}

function parseIso(value: string): DateTime | null {
  const parsed = DateTime.fromISO(value.trim(), { zone: 'utc', setZone: HAS_ZONE.test(value.trim()) });
  return parsed.isValid ? parsed : null;
}

/** The answer as JSON; an HTML error page, a truncated body or no body is unusable. */
export function jsonBody(endpoint: string, response: WireResponse): unknown {
  const text = response.body.trim();
  if (response.contentType === 'text/html' || text === '') return bad(endpoint, 'body', 'JSON', response.body);
  try {
    return JSON.parse(text);
  } catch {
    return bad(endpoint, 'body', 'JSON', response.body);
  }
}

export function objectBody<T>(endpoint: string, response: WireResponse, read: (r: RecordReader) => T): T {
  return read(RecordReader.of(endpoint, jsonBody(endpoint, response)));
}

/** A page of a search: 204 (or `200 []`) is no rows; more rows than asked for would break the paging. */
export function rowsBody<T>(
  endpoint: string,
  response: WireResponse,
  pageSize: number,
  read: (r: RecordReader) => T,
): T[] {
  if (response.status === 204) return [];
  const body = jsonBody(endpoint, response);
  if (!Array.isArray(body)) return bad(endpoint, 'body', 'a JSON array of rows', body);
  if (body.length > pageSize) return bad(endpoint, 'body', `at most ${pageSize} rows (the page size)`, `${body.length} rows`);
  return body.map((row, i) => read(RecordReader.of(endpoint, row, `[${i}]`)));
}

/** The id of a created record: a bare id (`123`, `"123"`) or a JSON object with `ID` (SPEC: accept both). */
export function createdId(endpoint: string, response: WireResponse): number {
  const text = response.body.trim();
  if (/^\d{1,15}$/.test(text)) return positive(endpoint, Number(text));
  const body = jsonBody(endpoint, response);
  if (typeof body === 'number' || typeof body === 'string') {
    const value = typeof body === 'string' && /^\d{1,15}$/.test(body.trim()) ? Number(body) : body;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return positive(endpoint, value);
    return bad(endpoint, 'ID', 'a positive integer', body);
  }
  return RecordReader.of(endpoint, body).id();
}

function positive(endpoint: string, id: number): number {
  return id > 0 ? id : bad(endpoint, 'ID', 'a positive integer', id);
}

/**
 * The session from POST /Authentication: plain text, or a JSON string (quotes stripped). It is a credential,
 * so errors describe it without showing it; an HTML page or anything with spaces is not a session.
 */
export function sessionBody(endpoint: string, response: WireResponse): string {
  let text = response.body.trim();
  if (text.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      text = typeof parsed === 'string' ? parsed.trim() : '';
    } catch {
      text = '';
    }
  }
  if (response.contentType === 'text/html' || !/^[\x21-\x7e]{1,2048}$/.test(text) || /[<>"{}]/.test(text)) {
    return bad(endpoint, 'session', 'a session token (plain text or a JSON string)', response.body, { sensitive: true });
  }
  return text;
}

/** A 2xx answer with nothing the worker needs (partial updates, assignments): 204, or any 2xx body. */
export function noContent(): void {}
