/** What a test or benchmark reads back: calls per endpoint template and status, and the limit's refusals. */
export interface StatsSnapshot {
  total: number;
  /** Calls refused because the customer was over its limit (forced bursts are counted apart). */
  overLimit: number;
  forced429: number;
  /** Connections the fault injector dropped without an answer. */
  dropped: number;
  /** Calls made (a write applied) whose caller had gone before the answer was sent: killed between the two. */
  abandoned: number;
  /** Writes made whose answer is still held back (latency.when: after) at this moment. */
  writesAwaitingAnswer: number;
  /**
   * e.g. `{"POST /User/Search/{page}/{size}": {"200": 3, "204": 1}}`; a dropped call counts under "dropped", one
   * whose caller was gone before its answer under "abandoned".
   */
  byEndpoint: Record<string, Record<string, number>>;
}

export class Stats {
  private byEndpoint = new Map<string, Map<string, number>>();
  total = 0;
  overLimit = 0;
  forced429 = 0;
  dropped = 0;
  abandoned = 0;
  writesAwaitingAnswer = 0;

  record(endpoint: string, status: number | 'dropped' | 'abandoned'): void {
    this.total++;
    if (status === 'dropped') this.dropped++;
    if (status === 'abandoned') this.abandoned++;
    let counts = this.byEndpoint.get(endpoint);
    if (!counts) this.byEndpoint.set(endpoint, (counts = new Map()));
    const key = String(status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  snapshot(): StatsSnapshot {
    const byEndpoint: StatsSnapshot['byEndpoint'] = {};
    for (const [endpoint, counts] of this.byEndpoint) byEndpoint[endpoint] = Object.fromEntries(counts);
    return { total: this.total, overLimit: this.overLimit, forced429: this.forced429, dropped: this.dropped, abandoned: this.abandoned,
      writesAwaitingAnswer: this.writesAwaitingAnswer, byEndpoint };
  }

  reset(): void {
    this.byEndpoint = new Map();
    this.total = this.overLimit = this.forced429 = this.dropped = this.abandoned = 0;
  }
}
