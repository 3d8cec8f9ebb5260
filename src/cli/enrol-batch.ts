import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { latestBatchIds } from '../store/enrol-batch.js';
import { action, CliError, withContext, withJson } from './context.js';
import { enrolChoices, positiveInt, withEnrolChoices } from './enrol-options.js';
import { fields, print, printJson } from './output.js';

/**
 * `enrol-batch …`: a cohort enrolled as one batch, as PICSWeb's POST /enrol-batches does (issue 21), and its
 * progress. Learners by PICS ident, on the command line or one per line in a file.
 */

type JsonOption = { json?: boolean };

function identsFrom(args: string[], file: string | undefined): string[] {
  const fromFile = file ? readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')) : [];
  const idents = [...args, ...fromFile];
  if (idents.length === 0) throw new CliError('name the cohort: learner idents as arguments, or --file with one ident a line', 2);
  return idents;
}

export function registerEnrolBatch(program: Command): void {
  const batch = program.command('enrol-batch').description('enrol a cohort as one batch, behind every click, and follow it');

  withJson(withEnrolChoices(batch.command('add')
    .argument('[idents...]', 'PICS learner idents')
    .option('--file <path>', 'a file of learner idents, one a line (# comments)')
    .description('queue the enrol of every learner named, as batch work (a learner already queued by a click stays a click)')))
    .action(action(async (args: string[], options: JsonOption & { file?: string; organisation?: number; pathway?: Record<number, number> }) => {
      const idents = identsFrom(args, options.file);
      await withContext(async ({ producer }) => {
        const ids = await Promise.all(idents.map((ident) => producer.resolveLearnerIdent(ident)));
        const answer = await producer.enqueueEnrolBatch([...new Set(ids)], enrolChoices(options), 'cli');
        if (options.json) return printJson(answer);
        const count = (what: string) => answer.learners.filter((m) => m.admitted === what).length;
        print(`batch ${answer.batchId}: ${count('queued')} queued, ${count('already-queued')} already queued, ${count('refused')} refused`);
        for (const m of answer.learners.filter((x) => x.refusal)) print(`  refused learner #${m.learnerId}: ${m.refusal!.message}`);
        print(`follow it: pics-worker enrol-batch status ${answer.batchId}`);
      });
    }));

  withJson(batch.command('status').argument('[batchId]', 'the batch (default: the latest ten)', positiveInt)
    .description("a batch's learners by state and its failures with what to fix (E8)"))
    .action(action(async (batchId: number | undefined, options: JsonOption) => {
      await withContext(async ({ db, producer }) => {
        const ids = batchId ? [batchId] : await latestBatchIds(db, 10);
        const all = await Promise.all(ids.map((id) => producer.enrolBatchProgress(id, batchId ? 200 : 0)));
        if (batchId && !all[0]) throw new CliError(`no enrol batch ${batchId}`);
        const found = all.filter((p) => p !== null);
        if (options.json) return printJson(batchId ? found[0] : found);
        if (found.length === 0) return print('no enrol batch yet');
        for (const p of found) {
          const s = p.states;
          print(fields([
            ['batch', `#${p.batchId} (${p.reason}), ${p.learners} learners${p.finished ? ', finished' : ''}`],
            ['asked', p.requestedAt],
            ['states', `${s.queued} queued, ${s.running} running, ${s.completed} completed, ${s.failed} failed, ${s.refused} refused, ${s['refused-when-asked']} refused when asked`],
          ]));
          for (const f of p.failures) print(`  learner #${f.learnerId} ${f.state}: ${f.message ?? f.code ?? ''}${f.problems.length ? ` (${f.problems.map((x) => x.message).join('; ')})` : ''}`);
          if (p.failuresTotal > p.failures.length && batchId) print(`  … and ${p.failuresTotal - p.failures.length} more`);
        }
      });
    }));
}
