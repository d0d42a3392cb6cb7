// The emails of account deletion (#28): the request (with how to cancel) and the final notice.
import { checkMailRecipient, type MailMessage, renderSystemMail } from '../system-mail/messages.ts';

const PRODUCT = 'Postern';
const day = (date: Date) => date.toISOString().slice(0, 10);

/** Sent when the deletion is requested: when the account goes, and how to keep it. */
export function accountDeletionRequestedNotice(input: {
  to: string;
  eraseAt: Date;
  workspaces: string[];
  publicUrl: string;
}): MailMessage {
  const to = checkMailRecipient(input.to);
  return renderSystemMail({
    to,
    subject: `Your ${PRODUCT} account will be deleted on ${day(input.eraseAt)}`,
    paragraphs: [
      'Hello,',
      `You asked to delete your ${PRODUCT} account (${to}). Every session was signed out. On ${day(input.eraseAt)} the account and its data are permanently erased${input.workspaces.length ? `, with the workspaces only you own (${input.workspaces.join(', ')}): their API keys already stop working and their bulk jobs were cancelled` : ''}.`,
      `Changed your mind? Sign in at ${input.publicUrl} before then and choose "Cancel deletion": everything is restored.`,
      'If you did not ask for this, sign in, cancel the deletion and change your password at once.',
    ],
    footer: `You received this email because the deletion of ${to} was requested.`,
  });
}

/** Sent after the erasure, to the address that is no longer stored anywhere else. */
export function accountErasedNotice(input: { to: string; publicUrl: string }): MailMessage {
  const to = checkMailRecipient(input.to);
  return renderSystemMail({
    to,
    subject: `Your ${PRODUCT} account has been deleted`,
    paragraphs: [
      'Hello,',
      `As you asked 30 days ago, your account at ${input.publicUrl} and the workspaces only you owned have been permanently erased.`,
      'The security audit log keeps its entries about the account until its retention ends, as the law allows for security records.',
    ],
    footer: 'You received this last email because your account was deleted.',
  });
}
