import { randomUUID } from 'node:crypto';
import type { SimClock } from './clock.js';

interface Session { customerId: number; expiresAt: number }

export type SessionLookup = { customerId: number } | 'expired' | 'unknown';

/**
 * X-TokenID sessions. They live `ttlMs` of simulated time (24 h by default, DOC-AUTH). A new login leaves
 * earlier sessions valid unless `singleSession` is set (whether OneFile revokes them is an open question).
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private opened = 0;
  // Every session handed out, kept after expiry or a reset: tests look for each one in logs and Redis, and a
  // short-lived session is as secret as a long one.
  private readonly everIssued: string[] = [];

  constructor(private readonly clock: SimClock, public ttlMs: number, public singleSession = false) {}

  open(customerId: number): string {
    if (this.singleSession) {
      for (const [token, s] of this.sessions) if (s.customerId === customerId) this.sessions.delete(token);
    }
    // Expired sessions are only kept to answer "expired"; drop them now and then so the map stays small.
    if (++this.opened % 1000 === 0) this.prune();
    const token = randomUUID();
    this.everIssued.push(token);
    this.sessions.set(token, { customerId, expiresAt: this.clock.now() + this.ttlMs });
    return token;
  }

  find(token: string): SessionLookup {
    const s = this.sessions.get(token);
    if (!s) return 'unknown';
    return s.expiresAt > this.clock.now() ? { customerId: s.customerId } : 'expired';
  }

  /** Forced session expiry: every session handed out so far stops working at once. */
  expireAll(): void {
    for (const s of this.sessions.values()) s.expiresAt = Number.NEGATIVE_INFINITY;
  }

  /** Every session opened since start-up, oldest first. */
  issued(): readonly string[] {
    return [...this.everIssued];
  }

  clear(): void {
    this.sessions.clear();
  }

  get activeCount(): number {
    const now = this.clock.now();
    let n = 0;
    for (const s of this.sessions.values()) if (s.expiresAt > now) n++;
    return n;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [token, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(token);
  }
}
