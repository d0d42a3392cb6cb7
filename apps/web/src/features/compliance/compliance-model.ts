// Words of the suppression list (pure: testable): what each reason means, and why only manual
// entries can be lifted by the workspace.
import type { BadgeTone } from '../../components/badge.tsx';

export type SuppressionReason = 'unsubscribed' | 'bounced' | 'complained' | 'manual';

export const REASONS: readonly SuppressionReason[] = ['unsubscribed', 'bounced', 'complained', 'manual'];

export const REASON_STYLES: Record<SuppressionReason, { label: string; tone: BadgeTone; meaning: string }> = {
  unsubscribed: {
    label: 'Unsubscribed',
    tone: 'slate',
    meaning: 'The person unsubscribed from every list.',
  },
  bounced: { label: 'Bounced', tone: 'amber', meaning: 'Mail to the address bounced (a hard bounce).' },
  complained: { label: 'Complained', tone: 'rose', meaning: 'The person reported a campaign as spam.' },
  manual: { label: 'Manual', tone: 'indigo', meaning: 'Added by a member of the workspace.' },
};

export const REASON_CHOICES = REASONS.map((reason) => ({
  value: reason,
  label: REASON_STYLES[reason].label,
}));

export function isReason(value: string | null | undefined): value is SuppressionReason {
  return REASONS.includes(value as SuppressionReason);
}

/** Manual entries are the workspace's to lift; the others belong to the person. */
export function canLift(reason: SuppressionReason): boolean {
  return reason === 'manual';
}

/** Why an entry cannot be removed here (shown in place of Remove), or undefined when it can. */
export function liftRefusal(reason: SuppressionReason): string | undefined {
  if (canLift(reason)) return undefined;
  return 'Only the person can lift this, by subscribing again with double opt-in.';
}

/** "12 added, 3 already suppressed, 2 skipped" (the parts that are not zero; "Nothing to add"). */
export function importSummary(counts: { added: number; existing: number; skipped: number }): string {
  const parts: string[] = [];
  if (counts.added) parts.push(`${counts.added} added`);
  if (counts.existing) parts.push(`${counts.existing} already suppressed`);
  if (counts.skipped) parts.push(`${counts.skipped} skipped`);
  return parts.length ? parts.join(', ') : 'Nothing to add';
}
