/*
 * What the queue dashboard may show of a job: ids and outcomes, never personal data or a secret. Job data
 * carry ids only already (SPEC), so these are a second line of defence: an allow-list for data and return
 * values, and a scrubber for every string of every answer — failure reasons, stack traces, logs, the flow
 * view's ignored child failures, and any field a bull-board release adds — since free text can quote what a
 * user typed into PICS (an invalid email, an NI number) or what OneFile echoed back.
 */

export const REDACTED = '[redacted]';

/** Job-data keys that hold ids or enums (src/queues/payloads.ts); anything else is hidden. */
const DATA_KEYS = new Set(['learnerId', 'runId', 'organisationId', 'pathways', 'reason', 'step', 'afterId']);

/** Return-value keys whose string values are outcomes, not data. */
const OUTCOME_STRING_KEYS = new Set(['status', 'kind', 'outcome', 'skipped']);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function dashboardData(data: unknown): unknown {
  if (!isPlainObject(data)) return data === undefined || data === null ? data : REDACTED;
  return Object.fromEntries(Object.entries(data).map(([key, value]) => {
    if (!DATA_KEYS.has(key)) return [key, REDACTED];
    if (key === 'pathways') return [key, isPlainObject(value) ? onlyNumbers(value) : REDACTED];
    return [key, typeof value === 'number' || (typeof value === 'string' && /^[a-z-]{1,20}$/.test(value)) ? value : REDACTED];
  }));
}

function onlyNumbers(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [/^\d+$/.test(k) ? k : REDACTED, typeof v === 'number' ? v : REDACTED]));
}

/** Counts, flags, dates and outcome words survive; any other string (a reason, a name) is hidden. */
export function dashboardReturnValue(value: unknown, key = ''): unknown {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (OUTCOME_STRING_KEYS.has(key) && value.length <= 40 && !looksPersonal(value)) return value;
    return ISO_DATE.test(value) ? value : REDACTED;
  }
  if (Array.isArray(value)) return { count: value.length };
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, dashboardReturnValue(v, k)]));
  return REDACTED;
}

const EMAIL = /[^\s"'<>()[\]{},;:]+@[^\s"'<>()[\]{},;:]+\.[^\s"'<>()[\]{},;:]+/g;
// Any two letters, not only HMRC's valid prefixes: a mistyped NI number (the example QQ…) is personal data too.
const NI_NUMBER = /\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/gi;
const DATE_OF_BIRTH = /(date of birth|DOB)\s*:?\s*\S+/gi;
const QUOTED_AFTER_FIELD = /((?:email|NI number|name|telephone|mobile|phone|postcode|address)[^"'\n]{0,20})(["'])[^"'\n]*\2/gi;

function looksPersonal(text: string): boolean {
  return new RegExp(EMAIL.source).test(text) || new RegExp(NI_NUMBER.source, 'i').test(text);
}

/** Masks personal values in free text while keeping the sentence (and so the reason) readable. */
export function scrubText(text: string): string {
  return text
    .replace(QUOTED_AFTER_FIELD, (_m, field: string, quote: string) => `${field}${quote}${REDACTED}${quote}`)
    .replace(EMAIL, REDACTED)
    .replace(NI_NUMBER, REDACTED)
    .replace(DATE_OF_BIRTH, (_m, label: string) => `${label} ${REDACTED}`);
}

/**
 * Walks a dashboard API answer and scrubs every string in it, keys included, at any depth: by default, not
 * by a list of the fields known today to hold free text (that list missed the flow view's
 * ignoredChildFailureReasons).
 */
export function scrubDashboardBody(body: unknown): unknown {
  if (typeof body === 'string') return scrubText(body);
  if (Array.isArray(body)) return body.map(scrubDashboardBody);
  if (!isPlainObject(body)) return body;
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [scrubText(key), scrubDashboardBody(value)]));
}
