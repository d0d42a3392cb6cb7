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
};

const GROUP_LABELS: Record<string, string> = {
  workspace: 'Workspace',
  member: 'Members',
  apikey: 'API keys',
  audit: 'Audit log',
  bulk_job: 'Bulk jobs',
  webhook: 'Webhooks',
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
  (type) => !type.startsWith('auth.'),
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

interface TargetFields {
  targetType: string | null;
  targetId: string | null;
  metadata: Record<string, unknown> | null;
}

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

/**
 * What an entry is about, readable: a member's address (from the member list, by user id), an
 * invitation's address or a key's name (from the entry's metadata), else the type and a short id.
 */
export function describeTarget(
  entry: TargetFields,
  emailsByUserId: ReadonlyMap<string, string>,
): string | null {
  const { targetType, targetId, metadata } = entry;
  if (!targetType) return null;
  if (targetType === 'user' && targetId) {
    const email = emailsByUserId.get(targetId);
    if (email) return email;
  }
  if (targetType === 'invitation') {
    const email = text(metadata?.email);
    if (email) return `Invitation for ${email}`;
  }
  if (targetType === 'api_key') {
    const name = text(metadata?.name);
    if (name) return `Key “${name}”`;
  }
  if (targetType === 'bulk_job') {
    const name = text(metadata?.name);
    if (name) return `Job “${name}”`;
  }
  if (targetType === 'workspace') {
    const name = text(metadata?.to) ?? text(metadata?.name);
    if (name) return `Workspace “${name}”`;
  }
  const type = targetType.replace(/_/g, ' ');
  return targetId ? `${type} ${targetId.slice(0, 8)}` : type;
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
