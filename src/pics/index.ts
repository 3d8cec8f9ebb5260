/**
 * The PICS adapter: every query on pics.* lives in this folder and nowhere else, so a site whose PICS tables
 * are named differently changes only these files. Functions take an executor (the pool or a transaction).
 */
export * from './columns.js';
export * from './settings.js';
export * from './learner-graph.js';
export * from './learners.js';
export * from './qualifications.js';
export * from './writes.js';
