import type { Command } from 'commander';
import { decideEnrol } from '../eportfolio/onefile/enrol-input.js';
import { readLinksState } from '../eportfolio/onefile/links-refresh.js';
import { readOneFileSettings } from '../pics/index.js';
import { CliError, action, withContext, withJson } from './context.js';
import { enrolChoices, withEnrolChoices } from './enrol-options.js';
import { fields, print, printJson, table } from './output.js';

/**
 * `preview <ident>`: the enrol preview (E8's friendly form) — what Create in OneFile would send and every
 * problem a PICS user must fix first. Reads PICS and the worker's links only; nothing goes to OneFile, so it
 * notes when the links are older than links.maxAgeHours (the enrol refreshes them first).
 */
export function registerPreview(program: Command): void {
  withJson(withEnrolChoices(program.command('preview').argument('<ident>', 'PICS learner ident')
    .description('what enrolling this learner would send to OneFile, and every problem (no OneFile call); exit 1 when it cannot be enrolled')))
    .action(action(async (ident: string, options: { json?: boolean; organisation?: number; pathway?: Record<number, number> }) => {
      await withContext(async ({ config, db, producer }) => {
        const learnerId = await producer.resolveLearnerIdent(ident);
        const settings = await readOneFileSettings(db);
        if (!settings) throw new CliError('pics.onefile_settings has no row: set up the OneFile integration in PICS first');
        const choices = enrolChoices(options);
        const { decision, resuming } = await decideEnrol(db, learnerId, settings, choices);
        const organisationId = choices.organisationId ?? settings.organisationId;
        const links = organisationId ? await readLinksState(db, organisationId, config.links.maxAgeHours) : null;
        if (decision.kind !== 'plan') process.exitCode = 1;
        if (options.json) return printJson({ learnerId, ident, resuming, ...decision, links });
        if (links?.note) print(`note: ${links.note}\n`);

        if (decision.kind === 'refused') return print(`learner ${ident} cannot be enrolled: ${decision.reason}`);
        if (decision.kind === 'invalid') {
          print(`learner ${ident} cannot be enrolled until these are fixed in PICS:`);
          return print(table(decision.problems, [['field', (p) => p.field], ['problem', (p) => p.message]]));
        }
        const plan = decision.plan;
        print(`learner ${ident} (#${learnerId}) is ready to enrol${resuming ? ' (resuming an enrol that stopped part-way)' : ''} into OneFile organisation ${plan.organisationId}`);
        print('\nLearner (POST /User)');
        print(fields(Object.entries(plan.learner)));
        print('\nEmployer (placement)');
        print(fields([['organisation', `${plan.employer.name} (${plan.employer.ident ?? `#${plan.employer.organisationId}`})`],
          ['OneFile id', plan.employer.oneFileId ?? 'found by name or created']]));
        print(`\nClassroom: ${plan.classroomName}`);
        print('\nOfficers (assessors)');
        print(table(plan.officers, [['officer', (o) => o.ident ?? `#${o.officerId}`], ['name', (o) => `${o.firstName} ${o.lastName}`],
          ['OneFile id', (o) => o.oneFileId ?? 'matched or created'], ['why', (o) => o.reasons.join(', ')]]));
        print('\nLearning aims');
        print(table(plan.aims, [['qualification', (a) => a.qualificationTitle], ['standard', (a) => a.standardId],
          ['start', (a) => a.fields.StartDate], ['planned end', (a) => a.fields.PlannedEnd]]));
        print('\nNot linked (reported, not failed)');
        print(table(plan.notLinked, [['qualification', (n) => n.title], ['reason', (n) => n.reason]]));
        print('\nReviews');
        print(table(plan.reviews, [['review', (r) => `#${r.reviewId}`], ['scheduled', (r) => r.scheduledFor], ['ends', (r) => r.endTime],
          ['assessor officer', (r) => `#${r.assessorOfficerId}`], ['visit type', (r) => r.visitTypeId]]));
      });
    }));
}
