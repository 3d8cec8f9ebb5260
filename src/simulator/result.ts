/**
 * A handler's answer before it is written: kept as data so the fault injector can spoil it (truncate it,
 * swap its types …) on its way out.
 */
export interface ApiResult {
  status: number;
  /** Sent as JSON (a bare number is sent as a bare id, as OneFile does for new reviews and visits). */
  json?: unknown;
  /** Sent verbatim with `contentType`. */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export const JSON_TYPE = 'application/json; charset=utf-8';

export const ok = (json: unknown): ApiResult => ({ status: 200, json });
export const noContent: ApiResult = { status: 204 };
export const message = (status: number, text: string, headers?: Record<string, string>): ApiResult =>
  ({ status, json: { Message: text }, ...(headers && { headers }) });

/** The body and content type that `r` puts on the wire (undefined body = none). */
export function wireBody(r: ApiResult): { body: string | undefined; contentType: string | undefined } {
  if (r.json !== undefined) return { body: JSON.stringify(r.json), contentType: JSON_TYPE };
  if (r.text !== undefined) return { body: r.text, contentType: r.contentType ?? 'text/plain; charset=utf-8' };
  return { body: undefined, contentType: undefined };
}
