/*
 * OneFile's paged searches (`POST /{Resource}/Search/{page}/{size}`, page from 1) answer a bare array with no
 * count or next link: the last page is the first one shorter than the page size (204 / [] included). One
 * call per page, made only when the caller asks for the next page, so a caller that stops early spends nothing more.
 */

export interface PagedSearch<T> extends AsyncIterable<T[]> {
  /** Every row of every page. */
  all(): Promise<T[]>;
}

export function pagedSearch<T>(fetchPage: (page: number, size: number) => Promise<T[]>, pageSize: number): PagedSearch<T> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`page size must be a positive integer, got ${pageSize}`);

  async function* pages(): AsyncGenerator<T[], void, undefined> {
    for (let page = 1; ; page++) {
      const rows = await fetchPage(page, pageSize);
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
