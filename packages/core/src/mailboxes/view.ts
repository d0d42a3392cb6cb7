// Reading mailboxes: the view the API returns (never the password, sealed or not), the campaign
// sender's one question (`mailboxCanSend`), today's warm-up allowance, and list/get of a workspace.
import type {
  MailboxDto,
  MailboxFailure,
  MailboxSecurity,
  MailboxStatus,
  SenderAuthReportDto,
} from '@postern/contracts';
import { Mailbox, User } from '@postern/db';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { OAUTH_PROVIDERS } from './oauth/providers.ts';

const DAY_MS = 86_400_000;

/**
 * Whether anything may send through the mailbox now: only a `connected` one that still holds its
 * credentials (the password, or for OAuth mailboxes the refresh token). A failing mailbox waits for a
 * passing test; a disconnected one has no credentials; `reconnect_required` waits for a new sign-in.
 */
export function mailboxCanSend(
  mailbox: Pick<Mailbox, 'status' | 'password'> & Partial<Pick<Mailbox, 'provider' | 'refreshToken'>>,
): boolean {
  const secret = mailbox.provider && mailbox.provider !== 'imap' ? mailbox.refreshToken : mailbox.password;
  return mailbox.status === 'connected' && secret !== null && secret !== undefined;
}

/** What the warm-up ramp allows on `now`'s day: start + increment per day since it began, capped. */
export function dailyAllowance(
  mailbox: Pick<
    Mailbox,
    'dailyCap' | 'warmupEnabled' | 'warmupStartPerDay' | 'warmupIncrementPerDay' | 'warmupStartedAt'
  >,
  now: Date,
): number {
  if (!mailbox.warmupEnabled || !mailbox.warmupStartedAt) return mailbox.dailyCap;
  const days = Math.max(0, Math.floor((now.getTime() - mailbox.warmupStartedAt.getTime()) / DAY_MS));
  return Math.min(mailbox.dailyCap, mailbox.warmupStartPerDay + days * mailbox.warmupIncrementPerDay);
}

export function mailboxDto(mailbox: Mailbox, createdBy: string | null, now: Date): MailboxDto {
  const failure =
    mailbox.lastTestOk === false && mailbox.lastTestProtocol && mailbox.lastTestCode
      ? {
          protocol: mailbox.lastTestProtocol as 'smtp' | 'imap',
          code: mailbox.lastTestCode as MailboxFailure,
          message: mailbox.lastTestMessage ?? '',
        }
      : null;
  const alias = mailbox.fromAddress !== mailbox.email;
  return {
    id: mailbox.id,
    label: mailbox.label ?? null,
    email: mailbox.email,
    provider: mailbox.provider as MailboxDto['provider'],
    status: mailbox.status as MailboxStatus,
    canSend: mailboxCanSend(mailbox),
    imap: {
      host: mailbox.imapHost,
      port: mailbox.imapPort,
      security: mailbox.imapSecurity as MailboxSecurity,
    },
    smtp: {
      host: mailbox.smtpHost,
      port: mailbox.smtpPort,
      security: mailbox.smtpSecurity as MailboxSecurity,
    },
    username: mailbox.username,
    identity: {
      fromName: mailbox.fromName ?? null,
      fromAddress: mailbox.fromAddress,
      replyTo: mailbox.replyTo ?? null,
      aliasVerified: alias && Boolean(mailbox.aliasVerifiedAt),
      aliasVerifiedAt: alias ? (mailbox.aliasVerifiedAt?.toISOString() ?? null) : null,
    },
    dailyCap: mailbox.dailyCap,
    warmup: {
      enabled: mailbox.warmupEnabled,
      startPerDay: mailbox.warmupStartPerDay,
      incrementPerDay: mailbox.warmupIncrementPerDay,
      startedAt: mailbox.warmupStartedAt?.toISOString() ?? null,
      todayLimit: dailyAllowance(mailbox, now),
    },
    lastTest: mailbox.lastTestAt
      ? { at: mailbox.lastTestAt.toISOString(), ok: mailbox.lastTestOk === true, failure }
      : null,
    senderAuth:
      mailbox.senderAuth && mailbox.senderAuthCheckedAt
        ? {
            report: mailbox.senderAuth as unknown as SenderAuthReportDto,
            checkedAt: mailbox.senderAuthCheckedAt.toISOString(),
          }
        : null,
    disconnectedAt: mailbox.disconnectedAt?.toISOString() ?? null,
    createdAt: mailbox.createdAt.toISOString(),
    createdBy,
    oauth:
      mailbox.provider === 'gmail' || mailbox.provider === 'outlook'
        ? {
            tokenExpiresAt: mailbox.tokenExpiresAt?.toISOString() ?? null,
            lastRefreshAt: mailbox.lastRefreshAt?.toISOString() ?? null,
            revocation: (mailbox.tokenRevocation as 'revoked' | 'failed' | 'unsupported' | null) ?? null,
            accountPageUrl: OAUTH_PROVIDERS[mailbox.provider as 'gmail' | 'outlook'].accountPageUrl,
          }
        : null,
  };
}

/** Views of `mailboxes`, each with its creator's email (one query for all of them). */
export async function mailboxViews(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  mailboxes: Mailbox[],
): Promise<MailboxDto[]> {
  const ids = [...new Set(mailboxes.map((m) => m.createdBy).filter((id): id is string => Boolean(id)))];
  const users = ids.length ? await ctx.em.find(User, { id: { $in: ids } }, { fields: ['id', 'email'] }) : [];
  const emails = new Map(users.map((u) => [u.id, u.email]));
  const now = ctx.clock.now();
  return mailboxes.map((m) => mailboxDto(m, m.createdBy ? (emails.get(m.createdBy) ?? null) : null, now));
}

export async function mailboxView(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  mailbox: Mailbox,
): Promise<MailboxDto> {
  return (await mailboxViews(ctx, [mailbox]))[0] as MailboxDto;
}

/** The mailbox of the workspace, or NOT_FOUND (another workspace's looks the same as none). */
export async function findMailbox(
  ctx: Pick<CoreContext, 'em'>,
  workspaceId: string,
  mailboxId: string,
): Promise<Mailbox> {
  const mailbox = await ctx.em.findOne(Mailbox, { id: mailboxId, workspace: workspaceId }, { refresh: true });
  if (!mailbox) throw new DomainError('NOT_FOUND', 'No such mailbox');
  return mailbox;
}

export async function listMailboxes(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  workspaceId: string,
): Promise<MailboxDto[]> {
  const mailboxes = await ctx.em.find(
    Mailbox,
    { workspace: workspaceId },
    { orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  return mailboxViews(ctx, mailboxes);
}

export async function getMailbox(
  ctx: Pick<CoreContext, 'em' | 'clock'>,
  workspaceId: string,
  mailboxId: string,
): Promise<MailboxDto> {
  return mailboxView(ctx, await findMailbox(ctx, workspaceId, mailboxId));
}
