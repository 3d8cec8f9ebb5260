import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/types.js';
import {
  PicsConflictError, setLearnerOneFileId, setLearnerSmartAssessorId, setLearningAimId, setOfficerOtherSystemId, setOrganisationAdditionalId,
  setReviewOneFileId,
} from '../../src/pics/index.js';
import { seedDemoPics } from '../../src/demo/seed-pics.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

// E7 and every id write-back: an ePortfolio id goes into a PICS row only while the column is blank (null, or
// '' in a text column) or already holds that same id; anything else is a PicsConflictError, the row unchanged.

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await seedDemoPics(t.db);
});
afterAll(async () => {
  await t.drop();
});

type Writer = (db: Kysely<DB>, rowId: number, value: never) => Promise<void>;
const cases: Array<[string, Writer, 'pics.learner' | 'pics.officer' | 'pics.organisation' | 'pics.learner_qualification' | 'pics.review', string, number | string, number | string]> = [
  ['learner OneFile id', setLearnerOneFileId as Writer, 'pics.learner', 'onefile_id', 7001, 7002],
  ['learner Smart Assessor id', setLearnerSmartAssessorId as Writer, 'pics.learner', 'smartassessor_id', 'SA-1', 'SA-2'],
  ['officer Other System ID', setOfficerOtherSystemId as Writer, 'pics.officer', 'other_system_id', '8001', '8002'],
  ['organisation Additional ID', setOrganisationAdditionalId as Writer, 'pics.organisation', 'additional_id', '9001', '9002'],
  ['learning aim id', setLearningAimId as Writer, 'pics.learner_qualification', 'onefile_learning_aim_id', 6001, 6002],
  ['review OneFile id', setReviewOneFileId as Writer, 'pics.review', 'onefile_system_id', 5001, 5002],
];

describe('id write-backs to PICS', () => {
  it.each(cases)('%s: written when blank, again when the same, refused when different', async (_what, write, table, column, value, other) => {
    const row = await t.db.selectFrom(table as 'pics.review').select('id').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    const blank = typeof value === 'string' ? '' : null;
    await t.db.updateTable(table as 'pics.review').set({ [column]: blank } as never).where('id', '=', row.id).execute();
    const stored = async () => (await t.db.selectFrom(table as 'pics.review').select(column as 'onefile_system_id').where('id', '=', row.id).executeTakeFirstOrThrow())[column as 'onefile_system_id'];

    await write(t.db, row.id, value as never);
    expect(await stored()).toBe(value);
    await write(t.db, row.id, value as never); // a retried job writing what it wrote before
    await expect(write(t.db, row.id, other as never)).rejects.toThrow(PicsConflictError);
    expect(await stored()).toBe(value);
  });
});
