// A benchmark says no with its exit code: every line of its report that gives a failing verdict (a target
// MISSED, a summary MISMATCH, duplicates, a run with PROBLEMS, a target NOT met) makes the process exit non-zero,
// listed on stderr. Read off the report text, so what the report says and what the exit code says cannot drift.

const FAILING = /\b(MISSED|MISMATCH|DUPLICATES|PROBLEMS|NOT MET|NOT flat|NOT bounded|NOT REACHED)\b/;

/** The report's lines that give a failing verdict. */
export function failingVerdicts(text: string): string[] {
  return text.split('\n').filter((line) => FAILING.test(line));
}

/** Sets a non-zero exit code (and says why on stderr) when the report holds a failing verdict. */
export function exitWithVerdicts(text: string): void {
  const failing = failingVerdicts(text);
  if (failing.length === 0) return;
  console.error(`\n${failing.length} failing verdict(s): exit code 1\n${failing.map((l) => `  ${l}`).join('\n')}`);
  process.exitCode = 1;
}
