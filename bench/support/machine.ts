import { cpus, loadavg, totalmem } from 'node:os';

/** One line about where a benchmark ran, for RESULTS.md. */
export function machineLine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 1024 ** 3)} GB RAM, Node ${process.version}, `
    + `${process.platform}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}

export const SHARED_MACHINE_CAVEAT = 'The machine was shared with other engineers\' test runs while this ran (see the load average): '
  + 'CPU figures are from a busy box, and the ratios to the budget are what matter.';

/** The command as run, without --out and its value. */
export function commandLine(script: string): string {
  const argv = process.argv.slice(2);
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') i++;
    else if (!argv[i]!.startsWith('--out=')) flags.push(argv[i]!);
  }
  return `npm run ${script}${flags.length ? ` -- ${flags.join(' ')}` : ''}`;
}

/** The head of a RESULTS.md: what was run, when, where. */
export function resultsHeader(title: string, script: string, machineAtStart: string): string {
  return [
    `# ${title}: one run`,
    '',
    `Printed by \`${commandLine(script)}\`, finished ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    `Machine: ${machineAtStart} (at the start). ${SHARED_MACHINE_CAVEAT}`,
    '',
  ].join('\n');
}
