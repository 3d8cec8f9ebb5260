import { describe, expect, it } from '@jest/globals';
import { REVIEW } from '../../src/simulator/schemas.js';
import { Table } from '../../src/simulator/state.js';

describe('Table', () => {
  const ids = (rows: Iterable<{ ID: number }>) => [...rows].map((r) => r.ID);

  it('counts new IDs up past any ID seeded by hand', () => {
    const t = new Table(REVIEW, 100);
    expect(t.insert({}).ID).toBe(100);
    expect(t.insert({}, 500).ID).toBe(500);
    expect(t.insert({}).ID).toBe(501);
    t.clear();
    expect(t.insert({}).ID).toBe(100);
  });

  it('keeps its index in step with inserts, merges that move a record, replacements and clear', () => {
    const t = new Table(REVIEW, 1, { indexBy: 'LearnerID' });
    t.insert({ LearnerID: 7 });
    t.insert({ LearnerID: 7 });
    t.insert({ LearnerID: 8 });
    expect(ids(t.where(7))).toEqual([1, 2]);
    t.upsert({ LearnerID: 8 }, 1);
    expect([ids(t.where(7)), ids(t.where(8))]).toEqual([[2], [3, 1]]);
    t.insert({ LearnerID: 9 }, 2);
    expect([ids(t.where(7)), ids(t.where(9))]).toEqual([[], [2]]);
    t.clear();
    expect(ids(t.where(8))).toEqual([]);
  });

  it('refuses where() on a table without an index', () => {
    expect(() => new Table(REVIEW, 1).where(1)).toThrow(/indexBy/);
  });
});
