// What to tell the user when a list action is refused (pure). Branches on `data.code`; the server's
// message is the detail.
import { errorCode, userMessage } from '../../lib/api-errors.ts';

export type ListAction = 'create' | 'update' | 'delete';

const FAILED: Record<ListAction, string> = {
  create: 'Could not create the list',
  update: 'Could not save the list',
  delete: 'Could not delete the list',
};

export interface ListProblem {
  title: string;
  message: string;
  staleRole: boolean;
}

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

export function listActionError(error: unknown, action: ListAction): ListProblem {
  const message = sentence(userMessage(error));
  switch (errorCode(error)) {
    case 'FORBIDDEN':
      return {
        title: 'Not allowed',
        message: `${message} Only owners and admins manage lists.`,
        staleRole: true,
      };
    case 'NOT_FOUND':
      return {
        title: FAILED[action],
        message: `${message} It may have been deleted meanwhile.`,
        staleRole: false,
      };
    default:
      return { title: FAILED[action], message, staleRole: false };
  }
}
