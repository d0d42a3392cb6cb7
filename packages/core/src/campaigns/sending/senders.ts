// Pooled SMTP senders for campaign sending, one per mailbox per worker process (packages/mailer's
// createSmtpSender: TLS required, the SSRF-guarded resolver on every new connection, certificate
// checked against the host name). Opened with what core/mailboxes says the mailbox authenticates
// with (mailboxMailAuth: its password, or for Gmail/Outlook the current OAuth access token, which the
// refresh job keeps valid). A sender is reused while the mailbox's endpoint and sealed credentials
// stay the same — a refreshed token or replaced password opens a new pool — and closed when idle.
import type { Mailbox } from '@postern/db';
import { createSmtpSender, type SmtpSender } from '@postern/mailer';
import type { CoreContext } from '../../context.ts';
import { connectOptions } from '../../mailboxes/network.ts';
import { mailboxMailAuth } from '../../mailboxes/oauth/tokens.ts';

/** SMTP connections per mailbox per worker process (providers frown on many parallel sessions). */
export const SMTP_CONNECTIONS_PER_MAILBOX = 3;
const IDLE_CLOSE_MS = 60_000;

interface Entry {
  stamp: string;
  sender: SmtpSender;
  timer: NodeJS.Timeout | null;
  busy: number;
}

const senders = new Map<string, Entry>();

type SenderMailbox = Pick<
  Mailbox,
  | 'id'
  | 'provider'
  | 'status'
  | 'username'
  | 'password'
  | 'accessToken'
  | 'smtpHost'
  | 'smtpPort'
  | 'smtpSecurity'
>;

function stampOf(m: SenderMailbox): string {
  return [m.smtpHost, m.smtpPort, m.smtpSecurity, m.username, m.password ?? '', m.accessToken ?? ''].join(
    '\n',
  );
}

function idle(mailboxId: string, entry: Entry) {
  if (entry.busy > 0) return;
  if (entry.timer) clearTimeout(entry.timer);
  entry.timer = setTimeout(() => {
    if (senders.get(mailboxId) === entry && entry.busy === 0) {
      senders.delete(mailboxId);
      entry.sender.close();
    }
  }, IDLE_CLOSE_MS);
  entry.timer.unref();
}

/**
 * Runs `fn` with the mailbox's pooled sender. Throws the DomainError of mailboxMailAuth when the
 * mailbox holds no usable credentials (disconnected, reconnect required).
 */
export async function withSender<T>(
  ctx: Pick<CoreContext, 'keyring' | 'config'>,
  mailbox: SenderMailbox,
  fn: (sender: SmtpSender) => Promise<T>,
  options: { maxConnections?: number } = {},
): Promise<T> {
  const stamp = stampOf(mailbox);
  let entry = senders.get(mailbox.id);
  if (entry && entry.stamp !== stamp) {
    const old = entry;
    senders.delete(mailbox.id);
    // In-flight sends on the old pool finish; it closes once they have.
    if (old.busy === 0) old.sender.close();
    entry = undefined;
  }
  if (!entry) {
    const sender = createSmtpSender(
      {
        host: mailbox.smtpHost,
        port: mailbox.smtpPort,
        security: mailbox.smtpSecurity as 'tls' | 'starttls',
      },
      mailboxMailAuth(ctx, mailbox as Mailbox),
      {
        ...connectOptions(ctx.config),
        pool: true,
        maxConnections: options.maxConnections ?? SMTP_CONNECTIONS_PER_MAILBOX,
      },
    );
    entry = { stamp, sender, timer: null, busy: 0 };
    senders.set(mailbox.id, entry);
  }
  const current = entry;
  if (current.timer) clearTimeout(current.timer);
  current.timer = null;
  current.busy++;
  try {
    return await fn(current.sender);
  } finally {
    current.busy--;
    if (senders.get(mailbox.id) === current) idle(mailbox.id, current);
    else if (current.busy === 0) current.sender.close();
  }
}

/** Closes every pooled sender (worker shutdown, tests). */
export function closeCampaignSenders(): void {
  for (const [id, entry] of senders) {
    if (entry.timer) clearTimeout(entry.timer);
    entry.sender.close();
    senders.delete(id);
  }
}
