// The emails the operator console sends: the notice after a second-factor reset, and operator notices
// to workspace owners (incidents, maintenance). Same layout and escaping as every system mail.
import { checkMailRecipient, type MailMessage, renderSystemMail } from '../system-mail/messages.ts';

const PRODUCT = 'Postern';

/** After `postern admin user reset-2fa`: the account now signs in with the password alone. */
export function twoFactorResetNotice(input: { to: string; publicUrl: string }): MailMessage {
  const to = checkMailRecipient(input.to);
  return renderSystemMail({
    to,
    subject: `Two-factor authentication was reset for your ${PRODUCT} account`,
    paragraphs: [
      'Hello,',
      `At your request, the operator of this ${PRODUCT} instance (${input.publicUrl}) removed two-factor authentication and the recovery codes from your account (${to}), and signed out every session.`,
      'Sign in with your password, then turn two-factor authentication on again under Account → Security: it protects your workspaces and API keys.',
      'If you did not ask for this, contact the operator of the instance at once and change your password.',
    ],
    footer: `You received this email because two-factor authentication was reset for ${to}.`,
  });
}

/** `postern admin notify`: the operator's text, to one owner, as plain paragraphs (never HTML). */
export function operatorNotice(input: {
  to: string;
  subject: string;
  body: string;
  publicUrl: string;
}): MailMessage {
  const to = checkMailRecipient(input.to);
  const paragraphs = input.body
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);
  return renderSystemMail({
    to,
    subject: input.subject,
    paragraphs,
    footer: `You received this notice from the operator of the ${PRODUCT} instance at ${input.publicUrl} because you own a workspace there.`,
  });
}
