import type { Migration } from 'kysely/migration';
import * as picsSchema from './0001-pics-schema.js';

/** Dev/test/demo only: the PICS tables as SPEC describes them. */
export const picsDevMigrations: Record<string, Migration> = {
  '0001-pics-schema': picsSchema,
};
