// What to tell the member when the server refuses a campaign action (pure). Branches on `data.code`
// and `data.details` (a refused schedule lists the checklist items that blocked it); the server's own
// explanation (what is missing) is the message. A missing postal address also points at its form.
import { type ActionProblem, actionProblem, serverExplanation } from '../../lib/action-problem.ts';
import { apiErrorData } from '../../lib/api-errors.ts';

export type CampaignAction =
  | 'create'
  | 'save'
  | 'duplicate'
  | 'remove'
  | 'schedule'
  | 'pause'
  | 'resume'
  | 'cancel'
  | 'testSend'
  | 'settings';

const FAILED: Record<CampaignAction, string> = {
  create: 'Could not create the campaign',
  save: 'Could not save the draft',
  duplicate: 'Could not duplicate the campaign',
  remove: 'Could not delete the campaign',
  schedule: 'Could not schedule the campaign',
  pause: 'Could not pause the campaign',
  resume: 'Could not resume the campaign',
  cancel: 'Could not cancel the campaign',
  testSend: 'Could not send the test',
  settings: 'Could not save the postal address',
};

const FORBIDDEN: Record<CampaignAction, string> = {
  create: 'Owners, admins and members write campaigns.',
  save: 'Owners, admins and members write campaigns.',
  duplicate: 'Owners, admins and members write campaigns.',
  remove: 'Owners, admins and members delete drafts.',
  schedule: 'Only owners and admins send campaigns.',
  pause: 'Only owners and admins pause campaigns.',
  resume: 'Only owners and admins resume campaigns.',
  cancel: 'Only owners and admins cancel campaigns.',
  testSend: 'Only owners and admins send test messages.',
  settings: 'Only owners and admins set the postal address.',
};

export interface CampaignProblem extends ActionProblem {
  /** The refusal is about the missing postal address: show the way to the form. */
  postalAddress: boolean;
  /** Scheduling waits for the checklist's warnings to be acknowledged. */
  needsAcknowledgement: boolean;
}

/** The checklist items a refused schedule or resume names (`details.checklist: [{ id, detail }]`). */
export function blockingItems(error: unknown): string[] {
  const items = apiErrorData(error)?.details?.checklist;
  if (!Array.isArray(items)) return [];
  return items
    .map((item) => (typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined))
    .filter((id): id is string => typeof id === 'string');
}

export function campaignActionError(error: unknown, action: CampaignAction): CampaignProblem {
  return {
    ...actionProblem(error, {
      failed: FAILED[action],
      forbidden: FORBIDDEN[action],
      gone: 'It may have been deleted meanwhile.',
      message: serverExplanation(error),
    }),
    postalAddress: blockingItems(error).includes('postal_address'),
    needsAcknowledgement: apiErrorData(error)?.details?.reason === 'warnings',
  };
}
