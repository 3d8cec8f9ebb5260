import { badRequest } from './errors.js';
import { coerce, type FieldKind } from './fields.js';
import { noContent, ok, type ApiResult } from './result.js';
import type { Ctx, RouteDef } from './routes.js';

/**
 * Both search forms of a resource: `POST /{Resource}/Search` (every match) and
 * `POST /{Resource}/Search/{page}/{size}` (page from 1). Matches come in ID order, so pages are stable; an
 * empty answer is 204 with no body (onefile-api.md §3.4), or `200 []` with options.emptySearch.
 */
export function searchRoutes<T extends { ID: number }>(
  resource: string, find: (ctx: Ctx) => T[], row: (r: T, ctx: Ctx) => unknown,
): RouteDef[] {
  const answer = (ctx: Ctx, paged: boolean): ApiResult => {
    let matches = find(ctx);
    if (!ascending(matches)) matches = matches.sort((a, b) => a.ID - b.ID);
    if (paged) {
      const page = pageParam(ctx.params.page, 'page');
      const size = pageParam(ctx.params.size, 'size');
      matches = matches.slice((page - 1) * size, page * size);
    }
    if (matches.length === 0) return ctx.sim.options.emptySearch === '204' ? noContent : ok([]);
    return ok(matches.map((r) => row(r, ctx)));
  };
  return [
    { method: 'POST', path: `/${resource}/Search`, handle: (ctx) => answer(ctx, false) },
    { method: 'POST', path: `/${resource}/Search/{page}/{size}`, handle: (ctx) => answer(ctx, true) },
  ];
}

function ascending(rows: { ID: number }[]): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i - 1]!.ID > rows[i]!.ID) return false;
  return true;
}

function pageParam(raw: string | undefined, name: string): number {
  const n = /^\d{1,9}$/.test(raw ?? '') ? Number(raw) : 0;
  if (n < 1) throw badRequest(`The ${name} must be a whole number from 1, got '${raw ?? ''}'.`);
  return n;
}

/** A search filter from the body: undefined when absent or null (no filtering on it). */
export function filter<K extends FieldKind>(ctx: Ctx, name: string, kind: K): (K extends 'int' | 'decimal' ? number : K extends 'bool' ? boolean : string) | undefined {
  const v = coerce(kind, ctx.body.get(name), name);
  return (v === null ? undefined : v) as never;
}

/** Text filters match whole values, trimmed and regardless of case (as a SQL Server CI collation would). */
export const sameText = (a: string | null, b: string): boolean => (a ?? '').trim().toLowerCase() === b.trim().toLowerCase();
