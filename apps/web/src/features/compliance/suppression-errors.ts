// What to tell the user when a suppression action is refused (pure). Branches on `data.code`; the
// server's message is the explanation (e.g. why an entry cannot be lifted, which addresses are invalid).
import { type ActionProblem, actionProblem, serverExplanation } from '../../lib/action-problem.ts';
import { errorCode } from '../../lib/api-errors.ts';

export type SuppressionAction = 'add' | 'import' | 'remove' | 'export';

const FAILED: Record<SuppressionAction, string> = {
  add: 'Could not add the address',
  import: 'Could not import the addresses',
  remove: 'Could not remove the suppression',
  export: 'Could not export the suppression list',
};

export function suppressionActionError(error: unknown, action: SuppressionAction): ActionProblem {
  const message = serverExplanation(error);
  if (errorCode(error) === 'CONFLICT')
    return { title: 'This suppression cannot be lifted here', message, staleRole: false };
  return actionProblem(error, {
    failed: FAILED[action],
    forbidden: 'Only owners and admins manage the suppression list.',
    gone: 'It may have been removed meanwhile.',
    message,
  });
}
