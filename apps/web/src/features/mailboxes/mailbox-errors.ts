// What to tell the user when an email account action is refused (pure: testable). Branches on
// `data.code` and `data.details.mailboxFailure` (never on messages): a failed connection test says
// which side failed and why, in the words of MAILBOX_FAILURE_TEXT or the server's fuller sentence.
import type { MailboxFailureInfo } from '@postern/contracts';
import { actionProblem } from '../../lib/action-problem.ts';
import { apiErrorData, errorCode, userMessage } from '../../lib/api-errors.ts';
import { failureText, mailboxFailureOf } from './mailbox-model.ts';

export type MailboxAction =
  | 'connect'
  | 'replace'
  | 'test'
  | 'identity'
  | 'aliasStart'
  | 'aliasConfirm'
  | 'senderAuth'
  | 'disconnect'
  | 'oauth';

const FAILED: Record<MailboxAction, string> = {
  connect: 'Could not connect the mailbox',
  replace: 'Could not replace the credentials',
  test: 'Could not test the connection',
  identity: 'Could not save the sender identity',
  aliasStart: 'Could not send the verification code',
  aliasConfirm: 'Could not verify the address',
  senderAuth: 'Could not check the sender authentication',
  disconnect: 'Could not disconnect the mailbox',
  oauth: 'Could not start the sign-in at the provider',
};

export interface MailboxProblem {
  title: string;
  message: string;
  /** The failed side of a connection test, when that was the refusal. */
  failure?: MailboxFailureInfo;
  /** The input the server named (`replyTo`, `imap.host`: a path of the request). */
  field?: string;
  /** The role or membership changed: the workspace list should be re-read. */
  staleRole: boolean;
}

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** A refusal by a domain rule is VALIDATION_FAILED without issues: its message is the explanation. */
function explanation(error: unknown): string {
  const data = apiErrorData(error);
  if (data?.code === 'VALIDATION_FAILED' && !data.issues?.length) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string' && message) return message;
  }
  return userMessage(error);
}

function fieldOf(error: unknown): string | undefined {
  const data = apiErrorData(error);
  const named = data?.details?.field;
  if (typeof named === 'string') return named;
  const path = data?.issues?.[0]?.path;
  return path ? String(path) : undefined;
}

export function mailboxActionError(error: unknown, action: MailboxAction): MailboxProblem {
  const failure = mailboxFailureOf(error);
  if (failure) {
    const side = failure.protocol === 'smtp' ? 'SMTP' : 'IMAP';
    return {
      title: `The ${side} connection test failed`,
      message: `${failureText(failure)} Nothing was saved.`,
      failure,
      staleRole: false,
    };
  }
  const problem = actionProblem(error, {
    failed: FAILED[action],
    forbidden: 'Only owners and admins connect, change and disconnect email accounts.',
    gone: 'It may have been removed in the meantime.',
    message: sentence(explanation(error)),
  });
  // Not allowed, or gone: no field is to blame.
  const field = problem.staleRole || errorCode(error) === 'NOT_FOUND' ? undefined : fieldOf(error);
  return field ? { ...problem, field } : problem;
}
