// The confirmation email editor's rules (pure: testable): the placeholders the server fills in
// (packages/core/src/contacts/opt-in.ts renderConfirmationMail), a preview rendered the way the server
// renders the plain-text part, what a save sends (the defaults are stored as "none": later changes of
// the defaults then reach the list), and the checks.
import { DEFAULT_CONFIRMATION_BODY, DEFAULT_CONFIRMATION_SUBJECT } from '@postern/contracts';
import { LIMITS } from './lists-model.ts';

export const PLACEHOLDERS = [
  { token: '{{list}}', meaning: 'the list’s name' },
  { token: '{{confirm_url}}', meaning: 'the confirmation link (added at the end when the body has none)' },
] as const;

export const DEFAULT_CONFIRMATION = {
  subject: DEFAULT_CONFIRMATION_SUBJECT,
  body: DEFAULT_CONFIRMATION_BODY,
} as const;

export interface ConfirmationDraft {
  subject: string;
  body: string;
}

/** Subject and text as the recipient reads them, for `listName` and an example link. */
export function renderPreview(draft: ConfirmationDraft, listName: string, confirmUrl: string) {
  const subject = (draft.subject.trim() || DEFAULT_CONFIRMATION.subject)
    .replaceAll('{{list}}', listName)
    .replace(/[\r\n]+/g, ' ')
    .trim();
  const template = draft.body.trim() ? draft.body : DEFAULT_CONFIRMATION.body;
  const withUrl = template.includes('{{confirm_url}}') ? template : `${template}\n\n{{confirm_url}}\n`;
  const text = withUrl.replaceAll('{{list}}', listName).replaceAll('{{confirm_url}}', confirmUrl);
  return { subject, text };
}

/** `{{…}}` tokens the server does not know (left as they are in the email): worth a warning. */
export function unknownPlaceholders(draft: ConfirmationDraft): string[] {
  const known = new Set<string>(PLACEHOLDERS.map((placeholder) => placeholder.token));
  const found = `${draft.subject}\n${draft.body}`.match(/\{\{\s*[^{}]*?\s*\}\}/g) ?? [];
  return [...new Set(found.filter((token) => !known.has(token)))];
}

export type ConfirmationErrors = Partial<Record<keyof ConfirmationDraft, string>>;

export function confirmationProblems(draft: ConfirmationDraft, doubleOptIn: boolean): ConfirmationErrors {
  const errors: ConfirmationErrors = {};
  if (!draft.subject.trim()) errors.subject = 'The confirmation email needs a subject.';
  else if (draft.subject.trim().length > LIMITS.confirmationSubject)
    errors.subject = `Keep it under ${LIMITS.confirmationSubject} characters.`;
  if (draft.body.length > LIMITS.confirmationBody)
    errors.body = `Keep it under ${LIMITS.confirmationBody.toLocaleString('en')} characters.`;
  else if (doubleOptIn && !draft.body.includes('{{confirm_url}}'))
    errors.body = 'Keep {{confirm_url}} in the body: it becomes the confirmation link.';
  return errors;
}

export function isDefault(draft: ConfirmationDraft): boolean {
  return (
    draft.subject.trim() === DEFAULT_CONFIRMATION.subject.trim() &&
    draft.body.trim() === DEFAULT_CONFIRMATION.body.trim()
  );
}

/**
 * The update's fields for what changed against the saved texts (`{}`: nothing to save). A text equal
 * to the default is sent as null: the list then follows the default.
 */
export function confirmationUpdate(saved: ConfirmationDraft, draft: ConfirmationDraft) {
  const data: { confirmationSubject?: string | null; confirmationBody?: string | null } = {};
  const subject = draft.subject.trim();
  if (subject !== saved.subject.trim())
    data.confirmationSubject = subject === DEFAULT_CONFIRMATION.subject ? null : subject;
  if (draft.body !== saved.body)
    data.confirmationBody = draft.body.trim() === DEFAULT_CONFIRMATION.body.trim() ? null : draft.body;
  return data;
}
