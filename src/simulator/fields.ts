import { parseDate, parseDateTime } from './dates.js';
import { badRequest } from './errors.js';

/**
 * Record shapes are declared once as field → kind tables; the same table parses request bodies (keys
 * matched case-insensitively, values coerced the way a lenient ASP.NET binder would) and types the record.
 */
export type FieldKind = 'int' | 'decimal' | 'string' | 'bool' | 'date' | 'datetime';
export type Schema = Readonly<Record<string, FieldKind>>;
type KindType<K extends FieldKind> = K extends 'int' | 'decimal' ? number : K extends 'bool' ? boolean : string;
export type Fields<S extends Schema> = { -readonly [K in keyof S]: KindType<S[K]> | null };

/** A request body read with case-insensitive keys (`organisationID` finds `OrganisationID`). */
export class Body {
  private constructor(private readonly map: Map<string, unknown>, readonly isObject: boolean) {}

  static from(raw: unknown): Body {
    const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
    const map = new Map<string, unknown>();
    if (isObject) for (const [k, v] of Object.entries(raw)) map.set(k.toLowerCase(), v);
    return new Body(map, isObject);
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }

  get(name: string): unknown {
    return this.map.get(name.toLowerCase());
  }
}

const INT = /^\s*-?\d+\s*$/;
const NUM = /^\s*-?\d+(\.\d+)?\s*$/;

export function coerce(kind: FieldKind, value: unknown, name: string): number | string | boolean | null {
  if (value === null || value === undefined) return null;
  if (value === '' && kind !== 'string') return null;
  let out: number | string | boolean | undefined;
  switch (kind) {
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) out = value;
      else if (typeof value === 'string' && INT.test(value)) out = Number(value);
      break;
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) out = value;
      else if (typeof value === 'string' && NUM.test(value)) out = Number(value);
      break;
    case 'string':
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out = String(value);
      break;
    case 'bool':
      if (typeof value === 'boolean') out = value;
      else if (value === 'true' || value === 'True' || value === 1) out = true;
      else if (value === 'false' || value === 'False' || value === 0) out = false;
      break;
    case 'date':
      if (typeof value === 'string') out = parseDate(value);
      break;
    case 'datetime':
      if (typeof value === 'string') out = parseDateTime(value);
      break;
  }
  if (out === undefined) {
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    throw badRequest(`The value '${shown}' is not valid for ${name}.`);
  }
  return out;
}

/** The fields of `schema` present in `body` (all of them, or only `keys`), coerced; absent ones are left out. */
export function readFields<S extends Schema>(
  schema: S, body: Body, keys: readonly (keyof S & string)[] = Object.keys(schema),
): Partial<Fields<S>> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (body.has(key)) out[key] = coerce(schema[key]!, body.get(key), key);
  }
  return out as Partial<Fields<S>>;
}

/** A record of `schema` with every field null. */
export function blank<S extends Schema>(schema: S): Fields<S> {
  const out: Record<string, null> = {};
  for (const key of Object.keys(schema)) out[key] = null;
  return out as Fields<S>;
}
