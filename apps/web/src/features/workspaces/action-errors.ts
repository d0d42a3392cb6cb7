// What to tell the user when a workspace action is refused (pure: testable). Branches on `data.code`;
// the server's message is shown as the detail (it names the role or the rule that refused).
import { asSentence, errorCode, userMessage } from '../../lib/api-errors.ts';

export type WorkspaceAction =
  | 'invite'
  | 'revokeInvitation'
  | 'changeRole'
  | 'remove'
  | 'leave'
  | 'rename'
  | 'createKey'
  | 'revokeKey'
  | 'rollKey'
  | 'export'
  | 'verify'
  | 'cancelJob'
  | 'retryJob'
  | 'deleteJob';

const FAILED: Record<WorkspaceAction, string> = {
  invite: 'Could not send the invitation',
  revokeInvitation: 'Could not revoke the invitation',
  changeRole: 'Could not change the role',
  remove: 'Could not remove the member',
  leave: 'Could not leave the workspace',
  rename: 'Could not rename the workspace',
  createKey: 'Could not create the key',
  revokeKey: 'Could not revoke the key',
  rollKey: 'Could not roll the key',
  export: 'Could not export the audit log',
  verify: 'Could not verify the audit log',
  cancelJob: 'Could not cancel the job',
  retryJob: 'Could not retry the unknown results',
  deleteJob: 'Could not delete the job',
};

export interface ActionProblem {
  title: string;
  message: string;
  /** The answer says the role or membership changed: the workspace list should be re-read. */
  staleRole: boolean;
}

export function workspaceActionError(error: unknown, action: WorkspaceAction): ActionProblem {
  const message = asSentence(userMessage(error));
  switch (errorCode(error)) {
    case 'CONFLICT': {
      if (action !== 'changeRole' && action !== 'remove' && action !== 'leave')
        return { title: FAILED[action], message, staleRole: false };
      // "The last owner cannot be removed", "You are the last owner: make someone else owner…"
      const hint = /someone else owner/i.test(message) ? '' : ' Make another member an owner first.';
      return { title: 'The workspace needs an owner', message: `${message}${hint}`, staleRole: false };
    }
    case 'FORBIDDEN':
      return {
        title: 'Not allowed',
        message: `${message} Ask an owner of the workspace if you need this.`,
        staleRole: true,
      };
    case 'NOT_FOUND':
      return {
        title: FAILED[action],
        message: `${message} It may have changed in the meantime; the page has been refreshed.`,
        staleRole: true,
      };
    default:
      return { title: FAILED[action], message, staleRole: false };
  }
}
