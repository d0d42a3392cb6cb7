// What to tell the user when a webhook action is refused (pure: testable). Branches on `data.code`
// (never on messages); the server's message is the detail: it names the rule that refused, e.g. a
// private or loopback target.
import { actionProblem } from '../../lib/action-problem.ts';
import { apiErrorData, errorCode, refusalMessage } from '../../lib/api-errors.ts';

export type WebhookAction =
  | 'create'
  | 'update'
  | 'enable'
  | 'disable'
  | 'delete'
  | 'reveal'
  | 'rotate'
  | 'sendTest'
  | 'resend';

const FAILED: Record<WebhookAction, string> = {
  create: 'Could not create the endpoint',
  update: 'Could not save the endpoint',
  enable: 'Could not enable the endpoint',
  disable: 'Could not disable the endpoint',
  delete: 'Could not delete the endpoint',
  reveal: 'Could not reveal the signing secret',
  rotate: 'Could not rotate the signing secret',
  sendTest: 'Could not send the test event',
  resend: 'Could not re-send the delivery',
};

export interface WebhookProblem {
  title: string;
  message: string;
  /** The form field the refusal is about, when the server said (e.g. `url`). */
  field?: 'url' | 'description' | 'eventTypes' | 'overlapHours';
  /** The role or membership changed: the workspace list should be re-read. */
  staleRole: boolean;
}

const FIELDS = ['url', 'description', 'eventTypes', 'overlapHours'] as const;

function fieldOf(error: unknown): WebhookProblem['field'] {
  const data = apiErrorData(error);
  if (!data) return undefined;
  const named = data.details?.field;
  const candidates = [
    typeof named === 'string' ? named : undefined,
    ...(data.issues ?? []).map((issue) => String(issue.path ?? '').split('.')[0]),
  ];
  return FIELDS.find((field) => candidates.includes(field));
}

export function webhookActionError(error: unknown, action: WebhookAction): WebhookProblem {
  const problem = actionProblem(error, {
    failed: FAILED[action],
    forbidden: 'Only owners and admins manage webhooks.',
    gone: 'It may have been deleted in the meantime.',
    message: refusalMessage(error),
  });
  // Not allowed, or gone: no field is to blame.
  const field = problem.staleRole || errorCode(error) === 'NOT_FOUND' ? undefined : fieldOf(error);
  return field ? { ...problem, field } : problem;
}
