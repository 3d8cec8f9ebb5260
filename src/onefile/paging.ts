import { OneFileBadResponseError } from './errors.js';

/*
 * OneFile's paged searches (`POST /{Resource}/Search/{page}/{size}`, page from 1) answer a bare array with no
 * count or next link: the last page is the first one shorter than the page size (204 / [] included). One
 * call per page, made only when the caller asks for the next page, so a caller that stops early spends nothing more.
 */

export interface PagedSearch<T> extends AsyncIterable<T[]> {
  /** Every row of every page. */
  all(): Promise<T[]>;
}

/** 100,000 rows at the default page size: far past any organisation's users, standards or a learner's reviews. */
export const MAX_SEARCH_PAGES = 1_000;

export interface PagingGuard<T> {
  /** Route template, for the error. */
  endpoint: string;
  /** A search still full after this many pages is refused rather than followed for ever. */
  maxPages?: number;
  /** A row's identity: a full page with the same rows as the one before means OneFile ignored the page number. */
  idOf: (row: T) => unknown;
}

export function pagedSearch<T>(fetchPage: (page: number, size: number) => Promise<T[]>, pageSize: number, guard?: PagingGuard<T>): PagedSearch<T> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`page size must be a positive integer, got ${pageSize}`);
  const maxPages = guard?.maxPages ?? MAX_SEARCH_PAGES;
  const refuse = (expected: string, received: string) =>
    new OneFileBadResponseError({ endpoint: guard?.endpoint ?? 'search', field: 'page', expected, received });

  // Both stops fail the call instead of returning what was read: a shortened list would look complete.
  async function* pages(): AsyncGenerator<T[], void, undefined> {
    let previous: string | null = null;
    for (let page = 1; ; page++) {
      if (page > maxPages) throw refuse(`the last page within ${maxPages} pages`, `page ${maxPages} still full`);
      const rows = await fetchPage(page, pageSize);
      if (guard && rows.length === pageSize) {
        const ids = JSON.stringify(rows.map(guard.idOf));
        if (ids === previous) throw refuse('a new page for each page number', `page ${page} repeats page ${page - 1}`);
        previous = ids;
      }
      if (rows.length > 0) yield rows;
      if (rows.length < pageSize) return;
    }
  }

  return {
    [Symbol.asyncIterator]: pages,
    async all() {
      const rows: T[] = [];
      for await (const page of pages()) rows.push(...page);
      return rows;
    },
  };
}
