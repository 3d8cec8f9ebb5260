import { InvalidArgumentError, type Command } from 'commander';
import type { EnrolChoices } from '../rules/enrol-plan.js';

/** --organisation and --pathway, shared by `enqueue enrol` and `preview` (the same choices PICSWeb offers). */

export const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
};

function pathway(value: string, previous: Record<number, number> = {}): Record<number, number> {
  const match = /^\s*(\d+)\s*=\s*(\d+)\s*$/.exec(value);
  if (!match) throw new InvalidArgumentError('must be <qualificationId>=<standardId>, e.g. 3=41301');
  return { ...previous, [positiveInt(match[1]!)]: positiveInt(match[2]!) };
}

export function withEnrolChoices(command: Command): Command {
  return command
    .option('--organisation <id>', 'OneFile organisation (default: the one in pics.onefile_settings)', positiveInt)
    .option('--pathway <qualificationId=standardId>', 'the OneFile standard for a qualification with several pathways (repeatable)', pathway);
}

export function enrolChoices(options: { organisation?: number; pathway?: Record<number, number> }): EnrolChoices {
  return {
    ...(options.organisation ? { organisationId: options.organisation } : {}),
    ...(options.pathway ? { pathways: options.pathway } : {}),
  };
}
