import type { BadAnswerRule } from './faults.js';
import { JSON_TYPE, wireBody, type ApiResult } from './result.js';

// What a misbehaving gateway or a half-deployed release sends back, for the worker's answer-validation tests.

const HTML_PAGE = '<!DOCTYPE html><html><head><title>Runtime Error</title></head><body><h1>Server Error in ' +
  "'/' Application.</h1><p>An application error occurred on the server.</p></body></html>";

export function spoil(r: ApiResult, rule: BadAnswerRule): ApiResult {
  switch (rule.kind) {
    case 'html-200':
    case 'html-500':
      return { status: rule.kind === 'html-200' ? 200 : 500, text: HTML_PAGE, contentType: 'text/html; charset=utf-8' };
    case 'truncated-json': {
      const { body, contentType } = wireBody(r);
      if (body === undefined) return r;
      // Cut short as a dropped proxy stream would leave it: never valid JSON, not even for a bare id.
      const cut = body.length > 1 ? body.slice(0, Math.ceil(body.length / 2)) : '';
      return { ...r, json: undefined, text: /^[\d"]/.test(body) ? `${cut}{` : cut, contentType: contentType! };
    }
    case 'oversized': {
      // Still the right answer, only huge (white space is valid JSON padding): the worker must refuse it for
      // its size alone, before reading it all.
      const { body, contentType } = wireBody(r);
      const bytes = rule.bytes ?? 17 * 1024 * 1024;
      const text = body ?? '';
      return { ...r, json: undefined, text: text + ' '.repeat(Math.max(0, bytes - Buffer.byteLength(text))), contentType: contentType ?? JSON_TYPE };
    }
    case 'wrong-types':
      return r.json === undefined ? r : { ...r, json: wrongTypes(r.json) };
    case 'missing-fields': {
      if (r.json === undefined) return r;
      const fields = rule.fields ?? ['ID'];
      if (typeof r.json !== 'object' || r.json === null) return { ...r, json: undefined, text: '' };
      return { ...r, json: dropFields(r.json, fields) };
    }
  }
}

/** Numbers become non-numeric strings, strings become numbers, booleans become strings. */
function wrongTypes(v: unknown): unknown {
  if (typeof v === 'number') return `#${v}`;
  if (typeof v === 'string') return 0;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(wrongTypes);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, wrongTypes(x)]));
  return v;
}

function dropFields(v: object, fields: string[]): unknown {
  if (Array.isArray(v)) return v.map((row: unknown) => (typeof row === 'object' && row !== null ? dropFields(row, fields) : row));
  return Object.fromEntries(Object.entries(v).filter(([k]) => !fields.includes(k)));
}
