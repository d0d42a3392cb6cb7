// What to tell a member when the server refuses an action on a feature's objects (pure). Every
// feature words three refusals alike — not allowed (the member's role changed: re-read the workspace),
// gone in the meantime, anything else under the feature's "Could not …" title — and branches on its
// own codes (a suppressed address, a field named by the refusal) before falling back to these.
import { apiErrorData, asSentence, errorCode, userMessage } from './api-errors.ts';

export interface ActionProblem {
  title: string;
  message: string;
  /** The role changed: the workspace list should be re-read. */
  staleRole: boolean;
}

/**
 * The server's own words as a sentence: the message of a refusal by a domain rule (CONFLICT,
 * VALIDATION_FAILED) is its explanation; other errors read as userMessage words them.
 */
export function serverExplanation(error: unknown): string {
  const data = apiErrorData(error);
  const message = (error as { message?: unknown } | null)?.message;
  if (
    (data?.code === 'CONFLICT' || data?.code === 'VALIDATION_FAILED') &&
    typeof message === 'string' &&
    message
  )
    return asSentence(message);
  return asSentence(userMessage(error));
}

export function actionProblem(
  error: unknown,
  {
    failed,
    forbidden,
    gone,
    message = asSentence(userMessage(error)),
  }: {
    /** The title of a refusal: "Could not save the list". */
    failed: string;
    /** What follows the message when the member may not act: "Only owners and admins manage lists." */
    forbidden: string;
    /** What follows it when the object is gone: "It may have been deleted meanwhile." */
    gone: string;
    /** The message, when the feature reads the error its own way (serverExplanation). */
    message?: string;
  },
): ActionProblem {
  switch (errorCode(error)) {
    case 'FORBIDDEN':
      return { title: 'Not allowed', message: `${message} ${forbidden}`, staleRole: true };
    case 'NOT_FOUND':
      return { title: failed, message: `${message} ${gone}`, staleRole: false };
    default:
      return { title: failed, message, staleRole: false };
  }
}
