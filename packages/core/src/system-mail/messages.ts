// Transactional messages (account emails). Each builder returns the whole message: plain text and
// HTML alternatives, with every interpolated value escaped for HTML and every link checked to be an
// http(s) URL, so a hostile address or link can never inject markup or a `javascript:` href.
import type { SystemMail } from '../context.ts';
import { escapeHtml } from '../html.ts';

/** A message ready to send: one recipient, both alternatives (the builders' name for SystemMail). */
export type MailMessage = SystemMail;

const PRODUCT = 'Postern';

/** Refuses addresses that could smuggle extra headers or recipients into the message. */
function checkRecipient(to: string): string {
  const trimmed = to.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (!trimmed || /[\u0000-\u001f\u007f,;]/.test(trimmed)) {
    throw new Error('mail recipient must be a single address without control characters');
  }
  return trimmed;
}

/** Only absolute http(s) links may appear in a message (no javascript:, data:, relative links). */
function checkLink(link: string): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new Error('mail link must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error('mail link must be an http(s) URL');
  }
  return link;
}

interface Layout {
  to: string;
  subject: string;
  /** Paragraphs of plain text (not HTML): each is escaped. */
  paragraphs: string[];
  action?: { label: string; link: string } | undefined;
  /** Paragraphs after the action. */
  after?: string[] | undefined;
  /** Why the recipient got this message. */
  footer: string;
}

function render(layout: Layout): MailMessage {
  const after = layout.after ?? [];
  const textParts = [...layout.paragraphs];
  if (layout.action) textParts.push(`${layout.action.label}:\n${layout.action.link}`);
  textParts.push(...after, '--', layout.footer);
  const text = `${textParts.join('\n\n')}\n`;

  const p = (body: string) => `<p style="margin:0 0 16px">${escapeHtml(body)}</p>`;
  const action = layout.action
    ? [
        `<p style="margin:24px 0"><a href="${escapeHtml(layout.action.link)}" style="display:inline-block;padding:10px 18px;background:#1f2937;color:#ffffff;text-decoration:none;border-radius:6px">${escapeHtml(layout.action.label)}</a></p>`,
        `<p style="margin:0 0 16px;font-size:13px;color:#4b5563">If the button does not work, copy this link into your browser:<br><span style="word-break:break-all">${escapeHtml(layout.action.link)}</span></p>`,
      ].join('\n')
    : '';
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(layout.subject)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f9fafb;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#111827">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;padding:24px;border-radius:8px">',
    ...layout.paragraphs.map(p),
    action,
    ...after.map(p),
    `<hr style="border:none;border-top:1px solid #e5e7eb;margin:24px 0 12px">`,
    `<p style="margin:0;font-size:12px;color:#6b7280">${escapeHtml(layout.footer)}</p>`,
    '</div></body></html>',
  ]
    .filter((line) => line !== '')
    .join('\n');

  return { to: layout.to, subject: layout.subject, text, html: `${html}\n` };
}

/** Sign-up: asks the recipient to confirm the address by opening a single-use link. */
export function verifyEmailMessage(input: { to: string; link: string }): MailMessage {
  const to = checkRecipient(input.to);
  const link = checkLink(input.link);
  return render({
    to,
    subject: `Confirm your email address for ${PRODUCT}`,
    paragraphs: [
      'Hello,',
      `Please confirm that ${to} is your email address to finish setting up your ${PRODUCT} account.`,
    ],
    action: { label: 'Confirm email address', link },
    after: ['The link can be used once.'],
    footer: `You received this email because someone signed up for ${PRODUCT} with ${to}. If that was not you, ignore this email: the address will not be confirmed.`,
  });
}

/** Password reset: a single-use link that expires. */
export function passwordResetMessage(input: {
  to: string;
  link: string;
  expiresInMinutes: number;
}): MailMessage {
  const to = checkRecipient(input.to);
  const link = checkLink(input.link);
  if (!Number.isFinite(input.expiresInMinutes) || input.expiresInMinutes <= 0) {
    throw new Error('expiresInMinutes must be a positive number');
  }
  const minutes = Math.round(input.expiresInMinutes);
  const expiry = minutes === 1 ? '1 minute' : `${minutes} minutes`;
  return render({
    to,
    subject: `Reset your ${PRODUCT} password`,
    paragraphs: [
      'Hello,',
      `We received a request to reset the password of the ${PRODUCT} account for ${to}. Choose a new password with the link below.`,
    ],
    action: { label: 'Choose a new password', link },
    after: [
      `The link expires in ${expiry} and can be used once.`,
      'If you did not ask for this, ignore this email: your password stays the same.',
    ],
    footer: `You received this email because a password reset was requested for the ${PRODUCT} account registered with ${to}.`,
  });
}

const securityFooter = (to: string) =>
  `You received this security notice because it concerns the ${PRODUCT} account registered with ${to}. Security notices are always sent and cannot be turned off.`;

const notYou =
  'If you did not make this change, reset your password at once from the sign-in page and review your account security settings.';

/** Formats an instant unambiguously for a notice: `2026-11-21 17:26 UTC`. */
function formatWhen(when: Date): string {
  if (Number.isNaN(when.getTime())) throw new Error('when must be a valid date');
  return `${when.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Sent instead of an answer when someone signs up with an address that already has an account:
 * sign-up answers the same either way, so only the owner learns of it (no link, like every notice).
 */
export function signUpAttemptNotice(input: { to: string; when: Date; ip?: string | undefined }): MailMessage {
  const to = checkRecipient(input.to);
  const where = input.ip ? ` from the IP address ${input.ip}` : '';
  return render({
    to,
    subject: `Someone tried to sign up for ${PRODUCT} with your address`,
    paragraphs: [
      'Hello,',
      `Someone tried to create a ${PRODUCT} account with ${to} on ${formatWhen(input.when)}${where}. You already have an account with this address, so no new account was created and nothing changed.`,
      'If that was you, sign in with your existing password instead, or reset it from the sign-in page if you have forgotten it.',
      'If it was not you, there is nothing to do: your account and password are unchanged.',
    ],
    footer: securityFooter(to),
  });
}

/** Security notice after a password change (no link: notices must not look like phishing). */
export function passwordChangedNotice(input: {
  to: string;
  when: Date;
  ip?: string | undefined;
}): MailMessage {
  const to = checkRecipient(input.to);
  const where = input.ip ? ` from the IP address ${input.ip}` : '';
  return render({
    to,
    subject: `Your ${PRODUCT} password was changed`,
    paragraphs: [
      'Hello,',
      `The password of your ${PRODUCT} account (${to}) was changed on ${formatWhen(input.when)}${where}.`,
      'If you made this change, there is nothing else to do.',
      notYou,
    ],
    footer: securityFooter(to),
  });
}

/** Security notice after two-factor authentication was turned on or off. */
export function twoFactorChangedNotice(input: { to: string; enabled: boolean }): MailMessage {
  const to = checkRecipient(input.to);
  return render({
    to,
    subject: input.enabled
      ? `Two-factor authentication turned on for ${PRODUCT}`
      : `Two-factor authentication turned off for ${PRODUCT}`,
    paragraphs: [
      'Hello,',
      input.enabled
        ? `Two-factor authentication is now on for your ${PRODUCT} account (${to}). Signing in will ask for a code from your authenticator app.`
        : `Two-factor authentication is now off for your ${PRODUCT} account (${to}). Signing in needs only your password.`,
      'If you made this change, there is nothing else to do.',
      notYou,
    ],
    footer: securityFooter(to),
  });
}

/** Security notice after a sign-in from a device the account had not used before. */
export function newDeviceSignInNotice(input: {
  to: string;
  when: Date;
  /** e.g. "Firefox 128 on Windows 10 (desktop)". */
  device: string;
  location?: string | null | undefined;
  ip?: string | null | undefined;
}): MailMessage {
  const to = checkRecipient(input.to);
  const where = [input.location, input.ip ? `IP address ${input.ip}` : null].filter(Boolean).join(', ');
  return render({
    to,
    subject: `New sign-in to your ${PRODUCT} account`,
    paragraphs: [
      'Hello,',
      `Your ${PRODUCT} account (${to}) was signed in to from a new device on ${formatWhen(input.when)}: ${input.device}${where ? ` (${where})` : ''}.`,
      'If this was you, there is nothing else to do.',
      'If it was not you, change your password at once, sign out the other sessions in Account → Security and turn on two-factor authentication.',
    ],
    footer: securityFooter(to),
  });
}

/** Security notice after a recovery code was used to sign in (each code works once). */
export function recoveryCodeUsedNotice(input: {
  to: string;
  when: Date;
  remaining: number;
  ip?: string | null | undefined;
}): MailMessage {
  const to = checkRecipient(input.to);
  const where = input.ip ? ` from the IP address ${input.ip}` : '';
  const left =
    input.remaining === 1 ? '1 recovery code is left' : `${input.remaining} recovery codes are left`;
  return render({
    to,
    subject: `A recovery code was used to sign in to ${PRODUCT}`,
    paragraphs: [
      'Hello,',
      `A recovery code was used instead of your authenticator app to sign in to your ${PRODUCT} account (${to}) on ${formatWhen(input.when)}${where}. ${left}; each works once.`,
      'If this was you and you lost your authenticator, set up two-factor authentication again and generate new recovery codes in Account → Security.',
      notYou,
    ],
    footer: securityFooter(to),
  });
}

/** Invitation to join a workspace: a single-use link that expires. */
export function invitationMessage(input: {
  to: string;
  workspaceName: string;
  invitedBy: string;
  role: string;
  link: string;
  expiresInDays: number;
}): MailMessage {
  const to = checkRecipient(input.to);
  const link = checkLink(input.link);
  return render({
    to,
    subject: `${input.invitedBy} invited you to ${input.workspaceName} on ${PRODUCT}`,
    paragraphs: [
      'Hello,',
      `${input.invitedBy} invited ${to} to join the workspace “${input.workspaceName}” as ${input.role}.`,
    ],
    action: { label: 'Accept the invitation', link },
    after: [`The link can be used once and expires in ${input.expiresInDays} days.`],
    footer: `You received this email because a member of ${input.workspaceName} invited ${to}. If you do not expect it, ignore it.`,
  });
}

/** A usage alert of an API key (owners and admins of its workspace): what was unusual and where to look. */
export function apiKeyUsageAlertMessage(input: {
  to: string;
  workspaceName: string;
  keyName: string;
  displayPrefix: string;
  summary: string;
  link: string;
}): MailMessage {
  const to = checkRecipient(input.to);
  const link = checkLink(input.link);
  return render({
    to,
    subject: `Unusual use of the API key “${input.keyName}” in ${input.workspaceName}`,
    paragraphs: [
      'Hello,',
      `The API key “${input.keyName}” (${input.displayPrefix}) of ${input.workspaceName} was used unusually: ${input.summary}.`,
      'If this was not you or your integration, revoke or roll the key now.',
    ],
    action: { label: 'Review the API keys', link },
    after: ['You get at most one such alert per key per hour.'],
    footer: `You received this email because you are an owner or admin of ${input.workspaceName} on ${PRODUCT}.`,
  });
}

/** The layout and the recipient check, for messages built beside their domain (core/admin/messages.ts). */
export { checkRecipient as checkMailRecipient, render as renderSystemMail };
