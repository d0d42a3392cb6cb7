// The list form (pure: testable): a list as editable fields, what a form would create or change
// (only the fields that differ, so an unchanged consent text adds no version), and its checks.

/** The lists as the <option>s of a select (components/select.tsx Options). */
export function listChoices(lists: ReadonlyArray<{ id: string; name: string }>) {
  return lists.map((list) => ({ value: list.id, label: list.name }));
}

export interface ListForm {
  name: string;
  description: string;
  doubleOptIn: boolean;
  requiresExpressConsent: boolean;
  consentText: string;
  confirmationSubject: string;
  confirmationBody: string;
  /** The connected mailbox confirmations are sent from; '' for the instance's sender. */
  senderMailboxId: string;
}

/** What the form needs of a list the server returned. */
export interface ListValues {
  name: string;
  description: string | null;
  doubleOptIn: boolean;
  requiresExpressConsent: boolean;
  confirmationSubject: string;
  confirmationBody: string;
  consentText: { text: string } | null;
  senderMailboxId?: string | null;
}

export const LIMITS = {
  name: 200,
  description: 2000,
  consentText: 20_000,
  confirmationSubject: 200,
  confirmationBody: 20_000,
} as const;

export function emptyForm(defaults: { subject: string; body: string }): ListForm {
  return {
    name: '',
    description: '',
    doubleOptIn: true,
    requiresExpressConsent: false,
    consentText: '',
    confirmationSubject: defaults.subject,
    confirmationBody: defaults.body,
    senderMailboxId: '',
  };
}

export function formOf(list: ListValues): ListForm {
  return {
    name: list.name,
    description: list.description ?? '',
    doubleOptIn: list.doubleOptIn,
    requiresExpressConsent: list.requiresExpressConsent,
    consentText: list.consentText?.text ?? '',
    confirmationSubject: list.confirmationSubject,
    confirmationBody: list.confirmationBody,
    senderMailboxId: list.senderMailboxId ?? '',
  };
}

export type ListFormErrors = Partial<Record<keyof ListForm, string>>;

type LimitedField = keyof typeof LIMITS;

const tooLong = (key: LimitedField) => `Keep it under ${LIMITS[key].toLocaleString('en')} characters.`;

/** The checks of the list's own fields (the settings card; the confirmation texts are the editor's). */
export function settingsProblems(form: ListForm): ListFormErrors {
  const errors: ListFormErrors = {};
  if (!form.name.trim()) errors.name = 'Give the list a name.';
  for (const key of ['name', 'description', 'consentText'] as const) {
    if (form[key].trim().length > LIMITS[key]) errors[key] ??= tooLong(key);
  }
  return errors;
}

export function formProblems(form: ListForm): ListFormErrors {
  const errors = settingsProblems(form);
  for (const key of ['confirmationSubject', 'confirmationBody'] as const) {
    if (form[key].trim().length > LIMITS[key]) errors[key] = tooLong(key);
  }
  if (!form.confirmationSubject.trim())
    errors.confirmationSubject = 'The confirmation email needs a subject.';
  if (form.doubleOptIn && !form.confirmationBody.includes('{{confirm_url}}'))
    errors.confirmationBody = 'Keep {{confirm_url}} in the body: it becomes the confirmation link.';
  return errors;
}

/** The create input: trimmed; empty texts and the default confirmation email left out. */
export function createInput(form: ListForm, defaults: { subject: string; body: string }) {
  const subject = form.confirmationSubject.trim();
  const custom = (value: string, fallback: string) =>
    Boolean(value.trim()) && value.trim() !== fallback.trim();
  return {
    name: form.name.trim(),
    doubleOptIn: form.doubleOptIn,
    requiresExpressConsent: form.requiresExpressConsent,
    ...(form.description.trim() ? { description: form.description.trim() } : {}),
    ...(form.consentText.trim() ? { consentText: form.consentText.trim() } : {}),
    ...(custom(subject, defaults.subject) ? { confirmationSubject: subject } : {}),
    ...(custom(form.confirmationBody, defaults.body) ? { confirmationBody: form.confirmationBody } : {}),
    ...(form.senderMailboxId ? { senderMailboxId: form.senderMailboxId } : {}),
  };
}

export interface ListUpdate {
  name?: string;
  description?: string | null;
  doubleOptIn?: boolean;
  requiresExpressConsent?: boolean;
  consentText?: string | null;
  confirmationSubject?: string | null;
  confirmationBody?: string | null;
  senderMailboxId?: string | null;
}

/** Only what changed (an emptied text becomes null); an unchanged consent text is not sent. */
export function updateInput(list: ListValues, form: ListForm): ListUpdate {
  const before = formOf(list);
  const data: ListUpdate = {};
  if (form.name.trim() !== before.name) data.name = form.name.trim();
  if (form.description.trim() !== before.description.trim())
    data.description = form.description.trim() || null;
  if (form.doubleOptIn !== before.doubleOptIn) data.doubleOptIn = form.doubleOptIn;
  if (form.requiresExpressConsent !== before.requiresExpressConsent)
    data.requiresExpressConsent = form.requiresExpressConsent;
  if (form.consentText.trim() !== before.consentText.trim())
    data.consentText = form.consentText.trim() || null;
  if (form.confirmationSubject.trim() !== before.confirmationSubject.trim())
    data.confirmationSubject = form.confirmationSubject.trim() || null;
  if (form.confirmationBody !== before.confirmationBody)
    data.confirmationBody = form.confirmationBody || null;
  if (form.senderMailboxId !== before.senderMailboxId) data.senderMailboxId = form.senderMailboxId || null;
  return data;
}

/** Whether saving the form adds a consent text version (the text changed and is not empty). */
export function addsConsentVersion(list: ListValues | undefined, form: ListForm): boolean {
  const text = form.consentText.trim();
  return Boolean(text) && text !== (list?.consentText?.text ?? '').trim();
}

/** The first 12 hex digits of a SHA-256, for display (the whole hash is in the title and copyable). */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}

/** "3 active · 1 unconfirmed" (the statuses that are not zero), or "No subscribers yet". */
export function countsText(counts: { active: number; unconfirmed: number; unsubscribed: number }): string {
  const parts: string[] = [];
  if (counts.active) parts.push(`${counts.active} active`);
  if (counts.unconfirmed) parts.push(`${counts.unconfirmed} unconfirmed`);
  if (counts.unsubscribed) parts.push(`${counts.unsubscribed} unsubscribed`);
  return parts.length ? parts.join(' · ') : 'No subscribers yet';
}

/** What the sender select needs of a connected mailbox. */
export interface SenderMailbox {
  id: string;
  email: string;
  label: string | null;
  provider: string;
  canSend: boolean;
  /** The identity's From address (the mailbox's own, or a proven alias). */
  fromAddress?: string;
}

/**
 * The sender choices: the instance first, then the mailboxes that can send (the list's current one
 * stays offered, marked, when it no longer can: the form must not change it silently).
 */
export function senderChoices(mailboxes: readonly SenderMailbox[], current: string) {
  return [
    { value: '', label: 'The instance’s sender, with the list’s name' },
    ...mailboxes
      .filter((mailbox) => mailbox.canSend || mailbox.id === current)
      .map((mailbox) => ({
        value: mailbox.id,
        label: `${mailbox.label ? `${mailbox.label} · ` : ''}${mailbox.email}${mailbox.canSend ? '' : ' (cannot send now)'}`,
      })),
  ];
}

/** What the chosen sender means for confirmation emails (only IMAP/SMTP accounts send them). */
export function senderNote(mailbox: SenderMailbox | undefined): string {
  if (!mailbox)
    return 'Confirmation emails come from the instance’s address, with the list’s name as the sender name.';
  if (mailbox.provider !== 'imap')
    return `Confirmation emails are not sent through ${mailbox.provider === 'gmail' ? 'Gmail' : 'Outlook'} accounts yet: they come from the instance’s address, with the list’s name.`;
  if (!mailbox.canSend)
    return 'This account cannot send now: confirmations come from the instance’s address until it is reconnected.';
  return `Confirmation emails come from ${mailbox.fromAddress ?? mailbox.email}: people see who they are subscribing to. If it fails, the instance sends them instead.`;
}
