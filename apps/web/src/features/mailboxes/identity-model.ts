// The sender identity editor's state (pure: testable): label, from name, reply-to, daily cap and the
// warm-up ramp as typed, what is wrong with them, and the update request holding only what changed.
import { MAILBOX_LIMITS } from '@postern/contracts';
import { emailProblem } from './connect-model.ts';

export interface IdentitySource {
  label: string | null;
  identity: { fromName: string | null; replyTo: string | null };
  dailyCap: number;
  warmup: { enabled: boolean; startPerDay: number; incrementPerDay: number };
}

export interface IdentityDraft {
  label: string;
  fromName: string;
  replyTo: string;
  dailyCap: string;
  warmupEnabled: boolean;
  startPerDay: string;
  incrementPerDay: string;
}

export type IdentityField = 'label' | 'fromName' | 'replyTo' | 'dailyCap' | 'startPerDay' | 'incrementPerDay';
export type IdentityErrors = Partial<Record<IdentityField, string>>;

export function identityDraftOf(mailbox: IdentitySource): IdentityDraft {
  return {
    label: mailbox.label ?? '',
    fromName: mailbox.identity.fromName ?? '',
    replyTo: mailbox.identity.replyTo ?? '',
    dailyCap: String(mailbox.dailyCap),
    warmupEnabled: mailbox.warmup.enabled,
    startPerDay: String(mailbox.warmup.startPerDay),
    incrementPerDay: String(mailbox.warmup.incrementPerDay),
  };
}

/** A whole number typed in a field, or NaN. */
function wholeNumber(value: string): number {
  return /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
}

function countProblem(value: string, min: number, what: string): string | undefined {
  const count = wholeNumber(value);
  if (Number.isNaN(count)) return `Enter ${what} as a whole number.`;
  if (count < min || count > MAILBOX_LIMITS.dailyCapMax)
    return `Enter ${what} from ${min} to ${MAILBOX_LIMITS.dailyCapMax.toLocaleString('en')}.`;
  return undefined;
}

export function identityProblems(draft: IdentityDraft): IdentityErrors {
  const errors: IdentityErrors = {};
  if (draft.label.trim().length > MAILBOX_LIMITS.label)
    errors.label = `Keep the label under ${MAILBOX_LIMITS.label} characters.`;
  if (draft.fromName.trim().length > MAILBOX_LIMITS.fromName)
    errors.fromName = `Keep the sender name under ${MAILBOX_LIMITS.fromName} characters.`;
  if (draft.replyTo.trim()) {
    const problem = emailProblem(draft.replyTo);
    if (problem) errors.replyTo = 'Enter a full email address for replies, or leave it empty.';
  }
  const cap = countProblem(draft.dailyCap, MAILBOX_LIMITS.dailyCapMin, 'the daily cap');
  if (cap) errors.dailyCap = cap;
  if (draft.warmupEnabled) {
    const start = countProblem(draft.startPerDay, 1, 'the first day’s messages');
    const increment = countProblem(draft.incrementPerDay, 0, 'the daily increase');
    if (start) errors.startPerDay = start;
    else if (!cap && wholeNumber(draft.startPerDay) > wholeNumber(draft.dailyCap))
      errors.startPerDay = 'The first day cannot send more than the daily cap.';
    if (increment) errors.incrementPerDay = increment;
  }
  return errors;
}

const orNull = (value: string) => value.trim() || null;

/** The fields of `updateIdentity` that differ from the mailbox (empty when nothing changed). */
export function identityChanges(mailbox: IdentitySource, draft: IdentityDraft) {
  const changes: {
    label?: string | null;
    fromName?: string | null;
    replyTo?: string | null;
    dailyCap?: number;
    warmup?: { enabled: boolean; startPerDay: number; incrementPerDay: number };
  } = {};
  if (orNull(draft.label) !== mailbox.label) changes.label = orNull(draft.label);
  if (orNull(draft.fromName) !== mailbox.identity.fromName) changes.fromName = orNull(draft.fromName);
  const replyTo = orNull(draft.replyTo)?.toLowerCase() ?? null;
  if (replyTo !== (mailbox.identity.replyTo?.toLowerCase() ?? null)) changes.replyTo = replyTo;
  if (wholeNumber(draft.dailyCap) !== mailbox.dailyCap) changes.dailyCap = wholeNumber(draft.dailyCap);
  const warmup = draft.warmupEnabled
    ? {
        enabled: true,
        startPerDay: wholeNumber(draft.startPerDay),
        incrementPerDay: wholeNumber(draft.incrementPerDay),
      }
    : { ...mailbox.warmup, enabled: false };
  const same =
    warmup.enabled === mailbox.warmup.enabled &&
    (!warmup.enabled ||
      (warmup.startPerDay === mailbox.warmup.startPerDay &&
        warmup.incrementPerDay === mailbox.warmup.incrementPerDay));
  if (!same)
    changes.warmup = {
      enabled: warmup.enabled,
      startPerDay: warmup.startPerDay,
      incrementPerDay: warmup.incrementPerDay,
    };
  return changes;
}

/**
 * The ramp in words: "Day 1 sends 10, then 5 more each day: the daily cap of 50 is reached on day 9."
 * Undefined while the numbers are not valid.
 */
export function rampText(draft: IdentityDraft): string | undefined {
  const cap = wholeNumber(draft.dailyCap);
  const start = wholeNumber(draft.startPerDay);
  const increment = wholeNumber(draft.incrementPerDay);
  if ([cap, start, increment].some(Number.isNaN) || start < 1 || cap < 1) return undefined;
  const first = `Day 1 sends up to ${Math.min(start, cap)}`;
  if (start >= cap) return `${first}: the daily cap from the start.`;
  if (increment === 0) return `${first} every day, below the daily cap of ${cap}.`;
  const day = 1 + Math.ceil((cap - start) / increment);
  return `${first}, then ${increment} more each day: the daily cap of ${cap} is reached on day ${day}.`;
}
