// How a connected mailbox reads on the page (pure: testable): its status and why, its last test, its
// sender authentication in a line, and where a failed connection test belongs in the form.
import {
  MAILBOX_FAILURE_TEXT,
  MAILBOX_OAUTH_RESULT_TEXT,
  type MailboxFailure,
  type MailboxFailureInfo,
  type MailboxOAuthProvider,
  type MailboxOAuthResult,
  type MailboxStatus,
} from '@postern/contracts';
import type { BadgeTone } from '../../components/badge.tsx';
import { apiErrorData } from '../../lib/api-errors.ts';
import { formatRelative } from '../../lib/time.ts';
import type { ConnectField } from './connect-model.ts';

export const STATUS_STYLE: Record<MailboxStatus, { label: string; tone: BadgeTone }> = {
  connected: { label: 'Connected', tone: 'emerald' },
  failing: { label: 'Failing', tone: 'amber' },
  disconnected: { label: 'Disconnected', tone: 'slate' },
  reconnect_required: { label: 'Reconnect required', tone: 'amber' },
};

export const PROVIDER_LABEL: Record<'imap' | 'gmail' | 'outlook', string> = {
  imap: 'IMAP/SMTP',
  gmail: 'Gmail',
  outlook: 'Outlook',
};

export const PROTOCOL_LABEL = { smtp: 'SMTP', imap: 'IMAP' } as const;

export const SECURITY_LABEL = { tls: 'SSL/TLS', starttls: 'STARTTLS' } as const;

/** What the status and the last test say together, for the list and the detail header. */
export interface StatusFields {
  status: MailboxStatus;
  lastTest: { at: string; ok: boolean; failure: MailboxFailureInfo | null } | null;
  disconnectedAt: string | null;
}

/** The failure as a person reads it: "SMTP: <the explanation>" (no prefix when it names its side). */
export function failureText(failure: MailboxFailureInfo): string {
  const message = sentence(failure.message.trim() || MAILBOX_FAILURE_TEXT[failure.code]);
  const side = PROTOCOL_LABEL[failure.protocol];
  return message.includes(side) ? message : `${side}: ${message}`;
}

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** Why the mailbox is in its status, or null when there is nothing to explain (connected). */
export function statusReason(mailbox: StatusFields): string | null {
  if (mailbox.status === 'disconnected')
    return 'Its password was deleted and nothing is sent through it. Enter the credentials again to reconnect it.';
  if (mailbox.status === 'reconnect_required')
    return 'The provider no longer accepts Postern’s access (it was revoked, the password changed, or the grant expired). Sending through it is paused until the account is connected again through the provider.';
  if (mailbox.status === 'failing') {
    const failure = mailbox.lastTest?.failure;
    const why = failure ? ` ${failureText(failure)}` : '';
    return `The last connection test failed; sending through it is paused until a test passes.${why}`;
  }
  return null;
}

/** Gmail and Outlook mailboxes sign in with the provider's grant, not a password. */
export function oauthProviderOf(provider: 'imap' | MailboxOAuthProvider): MailboxOAuthProvider | null {
  return provider === 'imap' ? null : provider;
}

/** The notice after the provider sent the browser back (`?oauth=<result>&mailbox=<id>`), or null. */
export function oauthReturnNotice(
  search: string,
): { tone: 'success' | 'error'; text: string; result: MailboxOAuthResult; mailboxId: string | null } | null {
  const params = new URLSearchParams(search);
  const result = params.get('oauth');
  if (result === null) return null;
  const mailboxId = params.get('mailbox');
  if (!Object.hasOwn(MAILBOX_OAUTH_RESULT_TEXT, result)) {
    return {
      tone: 'error',
      text: 'The provider sign-in ended with an unknown result: nothing was connected. Start again.',
      result: 'provider_error',
      mailboxId: null,
    };
  }
  const known = result as MailboxOAuthResult;
  const ok = known === 'connected' || known === 'reconnected';
  return {
    tone: ok ? 'success' : 'error',
    text: sentence(MAILBOX_OAUTH_RESULT_TEXT[known]),
    result: known,
    mailboxId: ok ? mailboxId : null,
  };
}

/** The URL without the `oauth` and `mailbox` parameters (so a reload does not show the notice again). */
export function withoutOAuthParams(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete('oauth');
  parsed.searchParams.delete('mailbox');
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}

/** What revoking the grant at disconnect gave, in a sentence. */
export function revocationText(revocation: 'revoked' | 'failed' | 'unsupported' | null): string {
  if (revocation === 'revoked') return 'Postern’s access was revoked at the provider.';
  if (revocation === 'failed')
    return 'The provider did not confirm revoking Postern’s access (the tokens were deleted here anyway): remove the app on the account page to be sure.';
  if (revocation === 'unsupported')
    return 'This provider cannot revoke access on request (the tokens were deleted here): remove the app on the account page.';
  return 'The tokens were deleted here.';
}

/** "Passed 5 minutes ago" / "Failed yesterday" / "Not tested yet", with a tone for its mark. */
export function lastTestSummary(
  lastTest: StatusFields['lastTest'],
  now: number,
): { text: string; tone: 'ok' | 'failed' | 'none' } {
  if (!lastTest) return { text: 'Not tested yet', tone: 'none' };
  const when = formatRelative(Date.parse(lastTest.at), now);
  return lastTest.ok ? { text: `Passed ${when}`, tone: 'ok' } : { text: `Failed ${when}`, tone: 'failed' };
}

/** Where a failed test is shown in the connect form: next to the field it is about. */
export function failureField(failure: Pick<MailboxFailureInfo, 'protocol' | 'code'>): ConnectField {
  const byCode: Record<MailboxFailure, 'Host' | 'Port' | 'Security' | 'password'> = {
    auth_failed: 'password',
    certificate_invalid: 'Host',
    host_not_found: 'Host',
    target_refused: 'Host',
    protocol_error: 'Port',
    port_closed: 'Port',
    timeout: 'Port',
    no_tls: 'Security',
  };
  const part = byCode[failure.code];
  return part === 'password' ? 'password' : `${failure.protocol}${part}`;
}

/** The failed side of a refused connect or credential change (`details.mailboxFailure`), if any. */
export function mailboxFailureOf(error: unknown): MailboxFailureInfo | undefined {
  const value = apiErrorData(error)?.details?.mailboxFailure;
  if (typeof value !== 'object' || value === null) return undefined;
  const { protocol, code, message } = value as Record<string, unknown>;
  if (protocol !== 'smtp' && protocol !== 'imap') return undefined;
  if (typeof code !== 'string' || !Object.hasOwn(MAILBOX_FAILURE_TEXT, code)) return undefined;
  return {
    protocol,
    code: code as MailboxFailure,
    message: typeof message === 'string' ? message : MAILBOX_FAILURE_TEXT[code as MailboxFailure],
  };
}

export type AuthCheck = 'pass' | 'fail' | 'missing';

export const AUTH_CHECK_STYLE: Record<AuthCheck, { label: string; tone: BadgeTone }> = {
  pass: { label: 'Pass', tone: 'emerald' },
  fail: { label: 'Fail', tone: 'rose' },
  missing: { label: 'Missing', tone: 'amber' },
};

interface SenderAuthFields {
  report: {
    ok: boolean;
    spf: { status: AuthCheck };
    dkim: { status: AuthCheck };
    dmarc: { status: AuthCheck };
  };
}

/** One line for the list: "All pass", "Not checked", or "DKIM missing, DMARC fail". */
export function senderAuthSummary(senderAuth: SenderAuthFields | null): {
  text: string;
  tone: BadgeTone;
} {
  if (!senderAuth) return { text: 'Not checked', tone: 'slate' };
  const { report } = senderAuth;
  if (report.ok) return { text: 'SPF, DKIM, DMARC pass', tone: 'emerald' };
  const problems = (['spf', 'dkim', 'dmarc'] as const)
    .filter((check) => report[check].status !== 'pass')
    .map((check) => `${check.toUpperCase()} ${report[check].status}`);
  const failed = (['spf', 'dkim', 'dmarc'] as const).some((check) => report[check].status === 'fail');
  return { text: problems.join(', '), tone: failed ? 'rose' : 'amber' };
}

/** The domain whose DNS is checked: the from address's. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * The DNS record an advice names, to copy on its own: "Add a TXT record at _dmarc.example.com:
 * v=DMARC1; p=none" → { name: '_dmarc.example.com', value: 'v=DMARC1; p=none' }; "… Replace it with:
 * v=spf1 …" → { value }. Undefined for advice that names no record (publish your provider's key).
 */
export function adviceRecord(advice: string | null): { name?: string; value: string } | undefined {
  if (!advice) return undefined;
  const add = /^Add a TXT record at (\S+): (.+)$/.exec(advice.trim());
  if (add?.[1] && add[2]) return { name: add[1], value: add[2].trim() };
  const fix = /(?:Replace it with|Change it to|For example): (v=\S.*)$/.exec(advice.trim());
  return fix?.[1] ? { value: fix[1].trim() } : undefined;
}
