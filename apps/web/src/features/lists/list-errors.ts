// What to tell the user when a list action is refused (pure). Branches on `data.code`; the server's
// message is the detail.
import { type ActionProblem, actionProblem } from '../../lib/action-problem.ts';

export type ListAction = 'create' | 'update' | 'delete';

const FAILED: Record<ListAction, string> = {
  create: 'Could not create the list',
  update: 'Could not save the list',
  delete: 'Could not delete the list',
};

export function listActionError(error: unknown, action: ListAction): ActionProblem {
  return actionProblem(error, {
    failed: FAILED[action],
    forbidden: 'Only owners and admins manage lists.',
    gone: 'It may have been deleted meanwhile.',
  });
}
