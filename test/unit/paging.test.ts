import { describe, expect, it } from '@jest/globals';
import { OneFileBadResponseError } from '../../src/onefile/errors.js';
import { pagedSearch } from '../../src/onefile/paging.js';

// Issue 17 item 4: a search is a bounded loop. OneFile's pages carry no count, so a OneFile that ignored the
// page number, or a search that never ends, would otherwise be followed for ever.

const rowsOf = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: from + i }));
const guard = { endpoint: 'POST /User/Search/{page}/{size}', idOf: (r: { id: number }) => r.id };

describe('paged searches', () => {
  it('read every page up to the first short one', async () => {
    const pages: number[] = [];
    const rows = await pagedSearch(async (page, size) => { pages.push(page); return page < 3 ? rowsOf(page * 100, size) : rowsOf(900, 1); }, 2, guard).all();
    expect(pages).toEqual([1, 2, 3]);
    expect(rows.map((r) => r.id)).toEqual([100, 101, 200, 201, 900]);
  });

  it('stop with a clear error when a full page repeats the one before (the page number ignored)', async () => {
    let calls = 0;
    const search = pagedSearch(async (_page, size) => { calls++; return rowsOf(1, size); }, 3, guard);
    await expect(search.all()).rejects.toThrow(/field page: expected a new page for each page number, got "page 2 repeats page 1"/);
    expect(calls).toBe(2);
  });

  it('stop with a clear error past the page cap, never returning a shortened list', async () => {
    let calls = 0;
    const search = pagedSearch(async (page, size) => { calls++; return rowsOf(page * 10, size); }, 2, { ...guard, maxPages: 5 });
    const error = await search.all().then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(OneFileBadResponseError);
    expect(String(error)).toMatch(/within 5 pages/);
    expect(calls).toBe(5);
  });
});
