import type { AddressInfo } from 'node:net';
import type { SimClock } from './clock.js';
import type { DuplicateReport } from './duplicates.js';
import type { FaultUpdate } from './faults.js';
import { resolveOptions, type SimulatorOptions } from './options.js';
import type { SeedInput } from './seed.js';
import { API_PREFIX, buildServer } from './server.js';
import { Simulator } from './simulator.js';
import type { SaDuplicateReport } from './smartassessor/duplicates.js';
import type { SaSeedInput } from './smartassessor/seed.js';
import { SA_PATH } from './smartassessor/service.js';
import type { SaRequestLogEntry, SaState } from './smartassessor/state.js';
import type { SimState } from './state.js';
import type { StatsSnapshot } from './stats.js';

export type { SimulatorOptions } from './options.js';
export type { FaultUpdate, FaultSettings, BadAnswerRule, BadAnswerKind, Latency } from './faults.js';
export type { SeedInput } from './seed.js';
export type { StatsSnapshot } from './stats.js';
export type { DuplicateReport } from './duplicates.js';
export type { SaDuplicateReport, SaRequestLogEntry, SaSeedInput };

/** The simulated Smart Assessor (SOAP 1.2) on the same server: same faults (`SOAP <operation>`) and stats. */
export interface SmartAssessorSimHandle {
  /** e.g. `http://127.0.0.1:41234/smartassessor`: what pics.smartassessor_settings.base_url points at; WSDL at `?wsdl`. */
  url: string;
  state: SaState;
  /** Every SOAP call received, oldest first, with the envelope (ApiKey redacted) and the parsed record. */
  requests(): SaRequestLogEntry[];
  clearRequests(): void;
  duplicates(): SaDuplicateReport;
  seed(input: 'demo' | SaSeedInput): Record<string, number>;
  reset(seed?: 'demo' | 'empty' | SaSeedInput): void;
}

/** A running simulator, for tests and benchmarks in the same process. */
export interface SimulatorHandle {
  /** e.g. `http://127.0.0.1:41234/api/v2.1`: what the worker's base-URL override points at. */
  baseUrl: string;
  /** e.g. `http://127.0.0.1:41234`; the admin routes live under `${origin}/_admin`. */
  origin: string;
  port: number;
  /** The records themselves, to read or change directly. */
  state: SimState;
  /** The simulated clock (the "now" behind LastModified, session lifetimes and rate windows). */
  clock: SimClock;
  stats(): StatsSnapshot;
  resetStats(): void;
  setFaults(update: FaultUpdate): void;
  /** Adds or merges records (see SeedInput), or the demo data. */
  seed(input: 'demo' | SeedInput): Record<string, number>;
  duplicates(): DuplicateReport;
  /** Every X-TokenID session handed out since start-up (resets included), oldest first: the secrets to look for. */
  sessionsIssued(): readonly string[];
  smartAssessor: SmartAssessorSimHandle;
  /** Back to the start-up state (or to `seed`), with sessions, budgets, faults and stats cleared. */
  reset(seed?: 'demo' | 'empty' | SeedInput): void;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const resolved = resolveOptions(options);
  const sim = new Simulator(resolved);
  const app = buildServer(sim);
  await app.listen({ port: resolved.port, host: resolved.host });
  const { port } = app.server.address() as AddressInfo;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  const origin = `http://${host}:${port}`;
  return {
    baseUrl: origin + API_PREFIX,
    origin,
    port,
    state: sim.state,
    clock: sim.clock,
    stats: () => sim.stats.snapshot(),
    resetStats: () => sim.stats.reset(),
    setFaults: (update) => sim.setFaults(update),
    seed: (input) => sim.seed(input),
    duplicates: () => sim.duplicates(),
    sessionsIssued: () => sim.sessions.issued(),
    smartAssessor: {
      url: origin + SA_PATH,
      state: sim.smartAssessor.state,
      requests: () => [...sim.smartAssessor.state.requests],
      clearRequests: () => void (sim.smartAssessor.state.requests.length = 0),
      duplicates: () => sim.smartAssessor.duplicates(),
      seed: (input) => sim.smartAssessor.seed(input),
      reset: (seed) => sim.smartAssessor.reset(seed),
    },
    reset: (seed) => sim.reset(seed),
    close: () => app.close(),
  };
}
