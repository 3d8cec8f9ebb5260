import { ok, type ApiResult } from '../result.js';
import type { Ctx } from '../routes.js';

/** POST /Placement and /Classroom answer a bare id or the new record, as configured (SPEC: accept both). */
export function createdAnswer(ctx: Ctx, record: { ID: number }): ApiResult {
  return ok(ctx.sim.options.createAnswer === 'id' ? record.ID : record);
}
