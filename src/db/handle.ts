/**
 * The type of the database handle the worker passes around (`Kysely<DB>`). Code outside pics/, db/, store/ and
 * demo/ imports it from here, not from the generated types.ts: the PICS tables' own types are for pics/ alone,
 * which maps them to the domain's records (.dependency-cruiser.cjs holds the code to this).
 */
export type { DB } from './types.js';
