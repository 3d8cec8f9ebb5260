// A running daily sync's progress for PICSWeb: learners done of total, and when it should finish. The run
// is paced by the shared OneFile call budget, so its finish follows from the calls still to make.

export interface RunProgressInput {
  learnersTotal: number;
  learnersSynced: number;
  learnersFailed: number;
  callsMade: number;
  /** Calls per minute the shared budget spends (callsPerMinute × headroom). */
  budgetPerMinute: number;
  now: Date;
}

export interface RunProgress {
  learnersDone: number;
  learnersTotal: number;
  /** 0–1; null while the run has not counted its learners yet. */
  fraction: number | null;
  /** From the calls each learner has taken so far and the budget; null until a learner is done. */
  estimatedFinishAt: Date | null;
}

export function runProgress(input: RunProgressInput): RunProgress {
  const done = input.learnersSynced + input.learnersFailed;
  const total = input.learnersTotal;
  const fraction = total > 0 ? Math.min(1, done / total) : null;
  if (done === 0 || total === 0 || input.budgetPerMinute <= 0) return { learnersDone: done, learnersTotal: total, fraction, estimatedFinishAt: null };
  const remaining = Math.max(0, total - done);
  const callsPerLearner = input.callsMade / done;
  const minutesLeft = (remaining * callsPerLearner) / input.budgetPerMinute;
  return { learnersDone: done, learnersTotal: total, fraction, estimatedFinishAt: new Date(input.now.getTime() + minutesLeft * 60_000) };
}
