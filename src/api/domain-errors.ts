import { EPortfolioConfigurationError } from '../eportfolio/active.js';
import { SettingsError } from '../pics/settings.js';
import { DirectoryError } from '../producer/directory.js';
import { ProducerError } from '../producer/index.js';
import { ApiProblem } from './problems.js';

/*
 * The lower layers' refusals as problems. Their messages are used only where they hold ids and rules, never
 * names: a DirectoryError's message names the holder of an id (a person), so its API detail is rebuilt here.
 */

export function domainProblem(error: unknown): ApiProblem | null {
  if (error instanceof ApiProblem) return error;
  if (error instanceof ProducerError) {
    switch (error.code) {
      case 'unknown-learner': return new ApiProblem(404, 'unknown-learner', error.message);
      case 'already-enrolled': return new ApiProblem(409, 'already-enrolled', error.message);
      default: return new ApiProblem(409, 'not-enrolled', error.message);
    }
  }
  if (error instanceof DirectoryError) {
    switch (error.code) {
      case 'unknown-officer': return new ApiProblem(404, 'unknown-officer', error.message);
      case 'unknown-organisation': return new ApiProblem(404, 'unknown-organisation', error.message);
      case 'no-integration': return new ApiProblem(409, 'integration-disabled', error.message);
      case 'already-linked': return new ApiProblem(409, 'already-linked', error.holder
        ? `that id is already held by ${error.holder.kind} ${error.holder.ident ?? `#${error.holder.id}`} in PICS: unlink it there first`
        : 'that id is already held by another PICS record: unlink it there first');
      case 'unknown-entry': return new ApiProblem(422, 'unknown-directory-entry', 'the chosen id is not a current entry of the last look-up (unknown or archived): refresh the list and choose again');
      default: return new ApiProblem(400, 'invalid-request', error.message);
    }
  }
  // Both integrations enabled, or a settings table that breaks its own rules: a PICS user must fix it.
  if (error instanceof EPortfolioConfigurationError || error instanceof SettingsError) return new ApiProblem(409, 'invalid-settings', error.message);
  return null;
}
