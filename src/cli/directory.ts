import type { Command } from 'commander';
import { findOfficerIdByIdent, findOrganisationIdByIdent } from '../pics/links.js';
import {
  DirectoryError, enqueueDirectoryRefresh, linkOfficerToDirectoryEntry, linkOrganisationToDirectoryEntry, readDirectory, type LinkResult,
} from '../producer/directory.js';
import type { DirectoryKind } from '../store/directory.js';
import { positiveInt } from './enrol-options.js';
import { CliError, action, withContext, withJson } from './context.js';
import { fields, print, printJson, table } from './output.js';

/**
 * `directory …`: PICSWeb's Look Up OneFile ID / Look Up Smart Assessor ID (A1) for operators: refresh the
 * list of the enabled ePortfolio's assessors and employers, read it, and save a chosen id on an officer or
 * an organisation. The same producer API PICSWeb calls; nothing is sent to the ePortfolio by a link.
 */

type JsonOption = { json?: boolean };

const PRODUCT = { onefile: 'OneFile', smartassessor: 'Smart Assessor', none: 'no ePortfolio' } as const;

/** The user's mistakes (unknown id, already linked …) are messages, not crashes. */
async function asUserError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof DirectoryError) throw new CliError(error.message, 1);
    throw error;
  }
}

function printLink(what: string, ident: string, kind: DirectoryKind, result: LinkResult, options: JsonOption): void {
  if (options.json) return printJson({ ...result, ident });
  print(`${what} ${ident} is now linked to ${PRODUCT[result.provider]} ${kind} ${result.externalId}`
    + (result.previous && result.previous !== result.externalId ? ` (it held ${result.previous} before)` : ''));
}

function kindOf(value: string): DirectoryKind {
  if (value === 'assessor' || value === 'employer') return value;
  throw new CliError(`the list is "assessor" or "employer", not ${JSON.stringify(value)}`, 2);
}

export function registerDirectory(program: Command): void {
  const directory = program.command('directory').description("the enabled ePortfolio's assessors and employers, and links to them (A1)");

  withJson(directory.command('refresh').description('queue a fresh read of every assessor and employer from the ePortfolio'))
    .action(action(async (options: JsonOption) => {
      await withContext(async ({ producer }) => {
        const enqueued = await enqueueDirectoryRefresh(producer.queues, 'cli');
        if (options.json) return printJson(enqueued);
        print(enqueued.queued ? `queued the directory refresh: job ${enqueued.jobId}` : `the directory refresh is already ${enqueued.state}: job ${enqueued.jobId}`);
      });
    }));

  withJson(directory.command('list').argument('<list>', 'assessor or employer').description('the look-up list, with the PICS records already linked to each entry')
    .option('--search <text>', 'only entries whose name, email or MIS id contains this')
    .option('--archived', 'include archived entries')
    .option('--centre <id>', 'multi-centre: only this OneFile centre (organisation)', positiveInt))
    .action(action(async (list: string, options: JsonOption & { search?: string; archived?: boolean; centre?: number }) => {
      const kind = kindOf(list);
      await withContext(async ({ db }) => {
        const view = await asUserError(() => readDirectory(db, kind, {
          ...(options.search ? { search: options.search } : {}), includeArchived: options.archived === true,
          ...(options.centre ? { organisationId: options.centre } : {}),
        }));
        if (options.json) return printJson(view);
        print(fields([['ePortfolio', PRODUCT[view.provider]], ['read from it', view.refreshedAt ?? 'never: run `directory refresh`']]));
        print(table(view.entries, [
          ['id', (e) => e.externalId], ['centre', (e) => (e.organisationId === null ? '' : String(e.organisationId))], ['name', (e) => e.name],
          ['MIS id', (e) => e.misId], ['archived', (e) => (e.archived ? 'yes' : '')],
          ['linked to', (e) => e.linkedTo.map((l) => l.ident ?? `#${l.id}`).join(', ')],
        ]));
      });
    }));

  const links = [
    { command: 'link-officer', record: 'officer', kind: 'assessor', field: 'Other System ID', findId: findOfficerIdByIdent, link: linkOfficerToDirectoryEntry },
    { command: 'link-employer', record: 'organisation', kind: 'employer', field: 'Additional ID', findId: findOrganisationIdByIdent, link: linkOrganisationToDirectoryEntry },
  ] as const;
  for (const { command, record, kind, field, findId, link } of links) {
    withJson(directory.command(command).argument(`<${record}>`, `PICS ${record} ident`).argument('<id>', `the ${kind} id from \`directory list ${kind}\``)
      .description(`save the chosen ${kind} id on the ${record}'s ${field}`))
      .action(action(async (ident: string, id: string, options: JsonOption) => {
        await withContext(async ({ db }) => {
          const recordId = await findId(db, ident);
          if (recordId === null) throw new CliError(`no ${record} with ident "${ident}" in PICS`, 1);
          printLink(record, ident, kind, await asUserError(() => link(db, recordId, id)), options);
        });
      }));
  }
}
