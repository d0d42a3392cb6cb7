// What the campaign pages show of a campaign (pure: testable): its status as a badge, what a member
// may do to it in that status (the server's state machine decides; the page only offers what it would
// accept), its progress, and its metrics as labelled figures.
import { CAMPAIGN_STATUSES, type CampaignCounters, type CampaignStatus } from '@postern/contracts';
import type { BadgeTone } from '../../components/badge.tsx';

export { CAMPAIGN_STATUSES, type CampaignCounters, type CampaignStatus };

export const STATUS_STYLES: Record<CampaignStatus, { tone: BadgeTone; label: string; hint: string }> = {
  draft: { tone: 'slate', label: 'Draft', hint: 'Being written: nothing is sent until it is scheduled.' },
  scheduled: { tone: 'sky', label: 'Scheduled', hint: 'Starts sending at its scheduled time.' },
  sending: { tone: 'indigo', label: 'Sending', hint: 'Being sent at the sender’s rate.' },
  paused: { tone: 'amber', label: 'Paused', hint: 'Stopped until it is resumed; nothing is sent meanwhile.' },
  sent: { tone: 'emerald', label: 'Sent', hint: 'Every recipient was dealt with.' },
  cancelled: { tone: 'slate', label: 'Cancelled', hint: 'Stopped for good; what was sent stays counted.' },
  failed: { tone: 'rose', label: 'Failed', hint: 'Sending stopped on an error.' },
};

export function isCampaignStatus(value: string): value is CampaignStatus {
  return (CAMPAIGN_STATUSES as readonly string[]).includes(value);
}

export type CampaignAction =
  | 'edit'
  | 'testSend'
  | 'schedule'
  | 'pause'
  | 'resume'
  | 'cancel'
  | 'duplicate'
  | 'remove';

const ACTIONS: Record<CampaignStatus, readonly CampaignAction[]> = {
  draft: ['edit', 'testSend', 'schedule', 'duplicate', 'remove'],
  scheduled: ['pause', 'cancel', 'duplicate'],
  sending: ['pause', 'cancel', 'duplicate'],
  paused: ['resume', 'cancel', 'duplicate'],
  sent: ['duplicate'],
  cancelled: ['duplicate'],
  failed: ['duplicate'],
};

/** What can be done to a campaign in `status` — only edits and deletes of drafts; pause/resume/cancel while live. */
export function allowedActions(status: string): readonly CampaignAction[] {
  return isCampaignStatus(status) ? ACTIONS[status] : [];
}

/** Sending, or about to: the page re-reads its figures every few seconds. */
export function isLive(status: string): boolean {
  return status === 'sending' || status === 'scheduled';
}

export function skippedTotal(counters: CampaignCounters): number {
  return (
    counters.skippedSuppressed +
    counters.skippedUnsubscribed +
    counters.skippedNoConsent +
    counters.skippedVerification
  );
}

const NUMBER = new Intl.NumberFormat('en');
export const formatCount = (value: number) => NUMBER.format(value);

/**
 * How far sending has got: every recipient dealt with (sent, failed, unknown or skipped) out of the
 * snapshot's recipients; 0 before the snapshot.
 */
export function progress(counters: CampaignCounters): { percent: number; done: number; text: string } {
  const done = Math.min(
    counters.recipients,
    counters.sent + counters.failed + counters.unknown + skippedTotal(counters),
  );
  if (!counters.recipients) return { percent: 0, done: 0, text: 'No recipients yet' };
  const percent = (done / counters.recipients) * 100;
  return {
    percent,
    done,
    text: `${formatCount(counters.sent)} sent of ${formatCount(counters.recipients)}`,
  };
}

export interface MetricCard {
  id: string;
  label: string;
  value: number;
  hint: string;
}

/** The figures of the campaign page, in reading order; the skips by reason follow the totals. */
export function metricCards(counters: CampaignCounters): MetricCard[] {
  return [
    {
      id: 'recipients',
      label: 'Recipients',
      value: counters.recipients,
      hint: 'In the snapshot of the list',
    },
    { id: 'sent', label: 'Sent', value: counters.sent, hint: 'Accepted by the receiving server' },
    { id: 'failed', label: 'Failed', value: counters.failed, hint: 'Refused for good' },
    {
      id: 'unknown',
      label: 'Unknown',
      value: counters.unknown,
      hint: 'Interrupted mid-send: never retried, to send no second copy',
    },
    { id: 'unsubscribed', label: 'Unsubscribed', value: counters.unsubscribed, hint: 'From this campaign' },
    { id: 'skipped', label: 'Skipped', value: skippedTotal(counters), hint: 'See the reasons below' },
  ];
}

/** The skips by reason ("Suppressed 3"), those that happened. */
export function skipReasons(counters: CampaignCounters): Array<{ id: string; label: string; value: number }> {
  return [
    { id: 'suppressed', label: 'Suppressed', value: counters.skippedSuppressed },
    { id: 'unsubscribed', label: 'Unsubscribed from the list', value: counters.skippedUnsubscribed },
    { id: 'no_consent', label: 'No express consent (CASL)', value: counters.skippedNoConsent },
    { id: 'verification', label: 'Rejected by verification', value: counters.skippedVerification },
  ];
}
