import { blank, type Fields, type Schema } from './fields.js';
import {
  ASSIGNMENT, CLASSROOM, LEARNING_AIM, ORGANISATION, PLACEMENT, REVIEW, STANDARD, USER, VISIT,
  type Customer, type Row, type User,
} from './schemas.js';

interface TableOptions<S extends Schema> {
  /** Fills defaults into a new record. */
  fill?: (row: Row<S>) => void;
  /**
   * A field to look records up by (a review's LearnerID …), so per-learner searches stay cheap however large
   * the table grows. Change that field through `upsert` (or a seed), not by assigning it on a row.
   */
  indexBy?: keyof S & string;
}

/** One kind of record, by ID. New IDs count up from `firstId` and always above any ID seeded by hand. */
export class Table<S extends Schema> {
  readonly rows = new Map<number, Row<S>>();
  private next: number;
  private readonly index?: Map<unknown, Map<number, Row<S>>>;

  constructor(readonly schema: S, private readonly firstId: number, private readonly opts: TableOptions<S> = {}) {
    this.next = firstId;
    if (opts.indexBy) this.index = new Map();
  }

  get(id: number): Row<S> | undefined {
    return this.rows.get(id);
  }

  get size(): number {
    return this.rows.size;
  }

  values(): IterableIterator<Row<S>> {
    return this.rows.values();
  }

  /** The records whose `indexBy` field equals `value`. */
  where(value: unknown): Iterable<Row<S>> {
    if (!this.index) throw new Error('where() needs a table built with indexBy');
    return this.index.get(value)?.values() ?? [];
  }

  /** Adds a record; fields left out are null, then the table's defaults fill what they cover. */
  insert(fields: Partial<Fields<S>>, id?: number): Row<S> {
    const ID = id ?? this.next;
    if (ID >= this.next) this.next = ID + 1;
    const row = { ID, ...blank(this.schema), ...fields } as Row<S>;
    this.opts.fill?.(row);
    const replaced = this.rows.get(ID);
    if (replaced) this.unindex(replaced);
    this.rows.set(ID, row);
    this.reindex(row);
    return row;
  }

  /** Merges `fields` into the record with this ID, or inserts it. */
  upsert(fields: Partial<Fields<S>>, id?: number): Row<S> {
    const existing = id === undefined ? undefined : this.rows.get(id);
    if (!existing) return this.insert(fields, id);
    this.unindex(existing);
    Object.assign(existing, fields);
    this.reindex(existing);
    return existing;
  }

  /** Deletes a record, as a OneFile user deleting it would; its ID is never handed out again. */
  remove(id: number): Row<S> | undefined {
    const row = this.rows.get(id);
    if (!row) return undefined;
    this.unindex(row);
    this.rows.delete(id);
    return row;
  }

  clear(): void {
    this.rows.clear();
    this.index?.clear();
    this.next = this.firstId;
  }

  private reindex(row: Row<S>): void {
    if (!this.index) return;
    const key = row[this.opts.indexBy!];
    let bucket = this.index.get(key);
    if (!bucket) this.index.set(key, (bucket = new Map()));
    bucket.set(row.ID, row);
  }

  private unindex(row: Row<S>): void {
    this.index?.get(row[this.opts.indexBy!])?.delete(row.ID);
  }
}

/**
 * Everything the simulated OneFile holds, in memory. `now` is the simulated clock, used for CreatedOn and
 * LastModified stamps.
 */
export class SimState {
  readonly customers = new Map<number, Customer>();
  readonly organisations = new Table(ORGANISATION, 5800, { fill: (o) => {
    o.KeychainCreationForNewUserActive ??= false;
    o.KeychainEmailSuppression ??= true;
  } });
  readonly users = new Table(USER, 1_300_000, { fill: (u) => this.fillUser(u) });
  readonly classrooms = new Table(CLASSROOM, 16_000, { fill: (c) => { c.Archive ??= false; } });
  readonly placements = new Table(PLACEMENT, 19_000, { fill: (p) => { p.Active ??= true; } });
  readonly standards = new Table(STANDARD, 70_000, { fill: (s) => { s.TotalCriteria ??= 100; } });
  readonly learningAims = new Table(LEARNING_AIM, 2_000_000, { indexBy: 'UserID', fill: (a) => {
    const standard = a.StandardID === null ? undefined : this.standards.get(a.StandardID);
    a.Title ??= standard?.Title ?? null;
    a.Status ??= 0;
    a.TotalCriteria ??= standard?.TotalCriteria ?? 100;
    a.CompletedCriteria ??= 0;
  } });
  readonly reviews = new Table(REVIEW, 4_100_000, { indexBy: 'LearnerID', fill: (r) => {
    r.Status ??= 0;
    r.CreatedOn ??= this.now();
  } });
  readonly visits = new Table(VISIT, 560_000, { fill: (v) => { v.VisitTypeID ??= 0; v.SMSReminder ??= false; } });
  readonly assignments = new Table(ASSIGNMENT, 1);
  /** Usernames in use (upper case): OneFile makes one up when the client sends none; they must not collide. */
  private readonly usernames = new Set<string>();

  constructor(readonly now: () => string) {}

  private fillUser(u: User): void {
    u.CreatedOn ??= this.now();
    u.LastModified ??= u.CreatedOn;
    u.Archived ??= false;
    if (u.Username === null) {
      const base = `${u.FirstName?.[0] ?? ''}${u.LastName ?? 'USER'}`.toUpperCase().replace(/[^A-Z0-9]/g, '') || 'USER';
      let name = base;
      for (let n = 2; this.usernames.has(name); n++) name = `${base}${n}`;
      u.Username = name;
    }
    this.usernames.add(u.Username.toUpperCase());
  }

  usernameTaken(name: string): boolean {
    return this.usernames.has(name.toUpperCase());
  }

  customerByToken(token: string, environment: keyof Customer['Tokens']): Customer | undefined {
    for (const c of this.customers.values()) if (c.Tokens[environment] === token) return c;
    return undefined;
  }

  clear(): void {
    this.customers.clear();
    for (const t of [this.organisations, this.users, this.classrooms, this.placements, this.standards,
      this.learningAims, this.reviews, this.visits, this.assignments]) t.clear();
    this.usernames.clear();
  }
}

/** A learning aim as OneFile shows it: with Progress worked out from its criteria counts. */
export function aimView(a: Row<typeof LEARNING_AIM>): Row<typeof LEARNING_AIM> & { Progress: number } {
  const total = a.TotalCriteria ?? 0;
  const progress = total > 0 ? Math.round(((a.CompletedCriteria ?? 0) / total) * 10000) / 100 : 0;
  return { ...a, Progress: progress };
}
