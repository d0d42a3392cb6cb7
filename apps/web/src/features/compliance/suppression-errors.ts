// What to tell the user when a suppression action is refused (pure). Branches on `data.code`; the
// server's message is the explanation (e.g. why an entry cannot be lifted, which addresses are invalid).
import { apiErrorData, errorCode, userMessage } from '../../lib/api-errors.ts';

export type SuppressionAction = 'add' | 'import' | 'remove' | 'export';

const FAILED: Record<SuppressionAction, string> = {
  add: 'Could not add the address',
  import: 'Could not import the addresses',
  remove: 'Could not remove the suppression',
  export: 'Could not export the suppression list',
};

export interface SuppressionProblem {
  title: string;
  message: string;
  staleRole: boolean;
}

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

function explanation(error: unknown): string {
  const data = apiErrorData(error);
  const message = (error as { message?: unknown } | null)?.message;
  if (
    (data?.code === 'CONFLICT' || data?.code === 'VALIDATION_FAILED') &&
    typeof message === 'string' &&
    message
  )
    return message;
  return userMessage(error);
}

export function suppressionActionError(error: unknown, action: SuppressionAction): SuppressionProblem {
  const message = sentence(explanation(error));
  switch (errorCode(error)) {
    case 'FORBIDDEN':
      return {
        title: 'Not allowed',
        message: `${message} Only owners and admins manage the suppression list.`,
        staleRole: true,
      };
    case 'CONFLICT':
      return { title: 'This suppression cannot be lifted here', message, staleRole: false };
    case 'NOT_FOUND':
      return {
        title: FAILED[action],
        message: `${message} It may have been removed meanwhile.`,
        staleRole: false,
      };
    default:
      return { title: FAILED[action], message, staleRole: false };
  }
}
