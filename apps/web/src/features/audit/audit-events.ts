// Presenting audit entries: event names for people, groups for the filter, targets, chain problems.

import type { AuditEventType } from '@postern/contracts';
import { AUDIT_EVENTS } from '@postern/contracts/constants';
import type { BadgeTone } from '../../components/badge.tsx';

export const EVENT_LABELS: Record<AuditEventType, string> = {
  'auth.signed_up': 'Signed up',
  'auth.email_verified': 'Email verified',
  'auth.login_succeeded': 'Signed in',
  'auth.login_failed': 'Sign-in failed',
  'auth.password_changed': 'Password changed',
  'auth.password_reset': 'Password reset',
  'auth.two_factor_enabled': 'Two-factor turned on',
  'auth.two_factor_disabled': 'Two-factor turned off',
  'auth.recovery_codes_regenerated': 'Recovery codes regenerated',
  'auth.recovery_code_used': 'Recovery code used',
  'auth.session_revoked': 'Session revoked',
  'auth.sessions_revoked': 'Sessions revoked',
  'auth.refresh_token_reused': 'Refresh token reused',
  'workspace.created': 'Workspace created',
  'workspace.renamed': 'Workspace renamed',
  'workspace.two_factor_policy_changed': 'Two-factor requirement changed',
  'member.invited': 'Member invited',
  'member.invitation_revoked': 'Invitation revoked',
  'member.joined': 'Member joined',
  'member.invitation_declined': 'Invitation declined',
  'member.role_changed': 'Role changed',
  'member.removed': 'Member removed',
  'member.left': 'Member left',
  'audit.exported': 'Audit log exported',
  'audit.verified': 'Audit chain verified',
  'apikey.created': 'API key created',
  'apikey.revoked': 'API key revoked',
  'apikey.rolled': 'API key rolled',
  'apikey.usage_alert': 'API key usage alert',
  'bulk_job.created': 'Bulk job created',
  'bulk_job.cancelled': 'Bulk job cancelled',
  'bulk_job.retried': 'Bulk job retried',
  'bulk_job.deleted': 'Bulk job deleted',
  'bulk_job.purged': 'Bulk job purged (expired)',
  'webhook.endpoint_created': 'Webhook endpoint created',
  'webhook.endpoint_updated': 'Webhook endpoint changed',
  'webhook.endpoint_deleted': 'Webhook endpoint deleted',
  'webhook.endpoint_disabled': 'Webhook endpoint disabled',
  'webhook.secret_revealed': 'Webhook secret revealed',
  'webhook.secret_rotated': 'Webhook secret rotated',
  'webhook.delivery_resent': 'Webhook delivery re-sent',
  'policy.updated': 'Validation policy changed',
  'account.deletion_requested': 'Account deletion requested',
  'account.deletion_cancelled': 'Account deletion cancelled',
  'account.erased': 'Account erased',
  'workspace.deletion_requested': 'Workspace deletion requested',
  'workspace.deletion_cancelled': 'Workspace deletion cancelled',
  'workspace.erased': 'Workspace erased',
  'workspace.ownership_transferred': 'Ownership transferred',
  'list.created': 'List created',
  'list.updated': 'List changed',
  'list.deleted': 'List deleted',
  'contact.imported': 'Contacts imported',
  'contact.deleted': 'Contact deleted',
  'contact.erased': 'Contact erased',
  'contact.exported': 'Contact data exported',
  'campaign.created': 'Campaign created',
  'campaign.updated': 'Campaign changed',
  'campaign.duplicated': 'Campaign duplicated',
  'campaign.deleted': 'Campaign deleted',
  'campaign.scheduled': 'Campaign scheduled',
  'campaign.paused': 'Campaign paused',
  'campaign.resumed': 'Campaign resumed',
  'campaign.cancelled': 'Campaign cancelled',
  'campaign.test_sent': 'Campaign test sent',
  'campaign.settings_updated': 'Campaign settings changed',
  'suppression.added': 'Address suppressed',
  'suppression.removed': 'Suppression removed',
  'suppression.exported': 'Suppression list exported',
  'mailbox.connected': 'Mailbox connected',
  'mailbox.disconnected': 'Mailbox disconnected',
  'mailbox.credentials_replaced': 'Mailbox credentials replaced',
  'mailbox.test_failed': 'Mailbox test failed',
  'mailbox.identity_updated': 'Mailbox identity changed',
  'mailbox.alias_verified': 'Mailbox alias verified',
  'mailbox.reconnect_required': 'Mailbox needs reconnecting',
};

const GROUP_LABELS: Record<string, string> = {
  workspace: 'Workspace',
  member: 'Members',
  apikey: 'API keys',
  audit: 'Audit log',
  bulk_job: 'Bulk jobs',
  webhook: 'Webhooks',
  policy: 'Validation policy',
  list: 'Lists',
  contact: 'Contacts',
  suppression: 'Suppression list',
  mailbox: 'Mailboxes',
};

export interface EventGroup {
  id: string;
  label: string;
  events: AuditEventType[];
}

/**
 * The event types a workspace's log can hold, grouped by domain in the contract's order. Account
 * events (`auth.*`: sign-ins, 2FA…) belong to the account's own chain, never to a workspace's, so
 * they are not offered.
 */
export const WORKSPACE_EVENT_GROUPS: EventGroup[] = AUDIT_EVENTS.filter(
  // account.* (deletion of the account) is on the account's chain too.
  (type) => !type.startsWith('auth.') && !type.startsWith('account.'),
).reduce<EventGroup[]>((groups, type) => {
  const id = type.split('.')[0] ?? type;
  let group = groups.find((candidate) => candidate.id === id);
  if (!group) {
    group = { id, label: GROUP_LABELS[id] ?? id.charAt(0).toUpperCase() + id.slice(1), events: [] };
    groups.push(group);
  }
  group.events.push(type);
  return groups;
}, []);

function isKnown(type: string): type is AuditEventType {
  return (AUDIT_EVENTS as readonly string[]).includes(type);
}

/** "Member invited"; an event type this dashboard does not know yet reads "Some thing". */
export function eventLabel(type: string): string {
  if (isKnown(type)) return EVENT_LABELS[type];
  const action = type.split('.').pop() ?? type;
  const words = action.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function eventTone(type: string): BadgeTone {
  if (/revoked|removed|left|declined|failed|reused|deleted|disabled|purged/.test(type)) return 'rose';
  if (/created|joined|invited/.test(type)) return 'emerald';
  if (/changed|renamed/.test(type)) return 'amber';
  if (type.startsWith('audit.')) return 'violet';
  return 'slate';
}

/** The object types the Target filter offers ("every API key"), in the filter's order. */
export const TARGET_TYPES: ReadonlyArray<readonly [type: string, label: string]> = [
  ['user', 'Any member'],
  ['api_key', 'Any API key'],
  ['bulk_job', 'Any bulk job'],
  ['webhook_endpoint', 'Any webhook endpoint'],
  ['invitation', 'Any invitation'],
  ['workspace', 'The workspace'],
  ['validation_policy', 'The validation policy'],
];

/**
 * What an entry is about, as the server names it everywhere (`Key “sdk-test” (acb82c61)`); an entry
 * about a type of object rather than one object reads as the type.
 */
export function targetText(entry: { targetType: string | null; targetLabel: string | null }): string | null {
  if (entry.targetLabel) return entry.targetLabel;
  return entry.targetType ? entry.targetType.replace(/_/g, ' ') : null;
}

/** One changed value of an entry (`metadata.from` → `metadata.to`); `field` when several changed. */
export interface Change {
  field?: string;
  from: string;
  to: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** `maxRetries` → "max retries". */
const fieldName = (key: string) =>
  key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();

/**
 * What an entry changed, from its metadata's `from` and `to`: one change for a value (`member` →
 * `admin`), one per differing field for records of fields; nothing when the entry has no `from`/`to`.
 */
export function entryChanges(metadata: Record<string, unknown> | null): Change[] {
  if (!metadata || !('from' in metadata) || !('to' in metadata)) return [];
  const { from, to } = metadata;
  if (!isRecord(from) || !isRecord(to)) return [{ from: shown(from), to: shown(to) }];
  return [...new Set([...Object.keys(from), ...Object.keys(to)])]
    .filter((key) => shown(from[key]) !== shown(to[key]))
    .map((key) => ({ field: fieldName(key), from: shown(from[key]), to: shown(to[key]) }));
}

export const CHAIN_PROBLEMS: Record<
  | 'altered'
  | 'missing'
  | 'reordered'
  | 'broken_link'
  | 'truncated'
  | 'tail_deleted'
  | 'head_mismatch'
  | 'checkpoint_invalid',
  string
> = {
  altered: 'The entry was changed after it was written (its hash does not match its content).',
  missing: 'An entry is missing from the sequence.',
  reordered: 'Entries are out of order.',
  broken_link: 'The entry does not link to the hash of the one before it.',
  truncated: 'The log was emptied: a signed checkpoint shows entries that are no longer there.',
  tail_deleted: 'The newest entries were deleted: a signed checkpoint shows the log reached further.',
  head_mismatch: 'The entry a signed checkpoint vouches for is no longer the one that was signed.',
  checkpoint_invalid: 'The pasted checkpoint cannot be used.',
};
