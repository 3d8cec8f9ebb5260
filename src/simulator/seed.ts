import { ApiError, badRequest } from './errors.js';
import { Body, coerce, readFields } from './fields.js';
import { ENVIRONMENTS, type Environment } from './schemas.js';
import type { SimState, Table } from './state.js';
import type { Schema } from './fields.js';

type SeedRow = Record<string, unknown>;

/**
 * Records to put into the simulator, as OneFile would show them (PascalCase, keys matched without regard to
 * case, dates as ISO strings). A row whose ID exists is merged into it, so a seed can also change state, e.g.
 * mark a review started or a learning aim's criteria completed. References are not checked: tests may build
 * states the API itself would refuse (two assessors sharing one MISID, for instance).
 */
export interface SeedInput {
  /** `Token` registers one token for every environment; `Tokens` sets them one by one. */
  customers?: Array<{ ID: number; Name: string; Token?: string; Tokens?: Partial<Record<Environment, string>> }>;
  organisations?: SeedRow[];
  users?: SeedRow[];
  classrooms?: SeedRow[];
  placements?: SeedRow[];
  standards?: SeedRow[];
  learningAims?: SeedRow[];
  reviews?: SeedRow[];
  visits?: SeedRow[];
  assignments?: SeedRow[];
}

const TABLES = ['organisations', 'users', 'classrooms', 'placements', 'standards', 'learningAims', 'reviews',
  'visits', 'assignments'] as const satisfies readonly (keyof SimState & keyof SeedInput)[];

/** Applies `input` to `state`; answers how many rows of each kind it wrote. */
export function applySeed(state: SimState, input: unknown): Record<string, number> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badRequest('A seed is a JSON object.');
  const seed = input as Record<string, unknown>;
  const unknown = Object.keys(seed).filter((k) => k !== 'customers' && !(TABLES as readonly string[]).includes(k));
  if (unknown.length > 0) throw badRequest(`Unknown seed section(s): ${unknown.join(', ')}.`);
  const counts: Record<string, number> = {};

  for (const raw of rows(seed, 'customers')) {
    const body = Body.from(raw);
    const ID = coerce('int', body.get('ID'), 'ID');
    if (ID === null) throw badRequest('A seeded customer needs an ID.');
    const existing = state.customers.get(ID as number);
    const tokens = { ...existing?.Tokens };
    const one = body.get('Token');
    if (typeof one === 'string') for (const env of ENVIRONMENTS) tokens[env] = one;
    const many = body.get('Tokens');
    if (typeof many === 'object' && many !== null) {
      for (const [env, token] of Object.entries(many)) {
        if (!(ENVIRONMENTS as readonly string[]).includes(env) || typeof token !== 'string') {
          throw badRequest(`Customer ${ID}: Tokens must map live/beta/practice to strings.`);
        }
        tokens[env as Environment] = token;
      }
    }
    const name = coerce('string', body.get('Name'), 'Name') ?? existing?.Name ?? `Customer ${ID}`;
    state.customers.set(ID as number, { ID: ID as number, Name: name as string, Tokens: tokens });
  }
  counts.customers = rows(seed, 'customers').length;

  for (const key of TABLES) {
    const table = state[key] as unknown as Table<Schema>;
    for (const raw of rows(seed, key)) {
      const body = Body.from(raw);
      const id = coerce('int', body.get('ID'), 'ID');
      table.upsert(readFields(table.schema, body), id === null ? undefined : (id as number));
    }
    counts[key] = rows(seed, key).length;
  }
  return counts;
}

function rows(seed: Record<string, unknown>, key: string): SeedRow[] {
  const list = seed[key];
  if (list === undefined) return [];
  if (!Array.isArray(list) || list.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
    throw new ApiError(400, `Seed section ${key} must be an array of objects.`);
  }
  return list as SeedRow[];
}
