// Connecting a mailbox and keeping its credentials: connect (tested first; nothing stored on failure),
// test on demand, replace the credentials (tested first; reconnects a disconnected mailbox) and
// disconnect (the sealed password is deleted at once). The password is sealed with the keyring bound
// to (mailbox, id, password), decrypted only to open a connection, and never logged, cached or returned.
// No transaction is held open while a mail server is being talked to.
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import {
  type ConnectMailboxInput,
  MAILBOX_LIMITS,
  type MailboxDto,
  type MailboxFailureInfo,
  type MailEndpointInput,
  ZConnectMailboxRequest,
  ZReplaceMailboxCredentialsRequest,
} from '@postern/contracts';
import { Mailbox } from '@postern/db';
import type { MailAuth } from '@postern/mailer';
import type { z } from 'zod';
import { auditLabel } from '../audit/labels.ts';
import { auditApiKey, recordAudit } from '../audit/record.ts';
import type { CoreContext } from '../context.ts';
import { encryptionContext } from '../crypto/index.ts';
import { DomainError } from '../errors.ts';
import { checkMailHosts, reserveMailboxNetwork, type SideResult, testBoth } from './network.ts';
import { oauthMailAuth } from './oauth/tokens.ts';
import { findMailbox, mailboxView } from './view.ts';

export type MailboxCtx = Pick<CoreContext, 'em' | 'clock' | 'keyring' | 'meta' | 'config' | 'kv' | 'actor'>;

export const passwordContext = (mailboxId: string) => encryptionContext('mailbox', mailboxId, 'password');

/** A zod refusal of core's own input check, as the API would have answered it. */
export function parsed<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new DomainError('VALIDATION_FAILED', issue?.message ?? 'The input is not valid', {
    field: issue?.path.join('.'),
    issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}

/** The refusal of connect and replaceCredentials: the first failure's sentence, both sides in details. */
function connectionRefused(smtp: SideResult, imap: SideResult | null): DomainError {
  const failure = (smtp.failure ?? imap?.failure) as MailboxFailureInfo;
  return new DomainError('VALIDATION_FAILED', failure.message, {
    mailboxFailure: failure,
    failures: [smtp.failure, imap?.failure].filter(Boolean),
  });
}

/** `mailbox.test_failed`, written on its own: the operation that failed stores nothing else. */
async function auditTestFailed(
  ctx: MailboxCtx,
  workspaceId: string,
  actorId: string | null,
  context: { mailbox?: Mailbox; email: string; during: 'connect' | 'test' | 'replace_credentials' },
  failures: MailboxFailureInfo[],
): Promise<void> {
  const em = ctx.em.fork();
  recordAudit(em, ctx.clock, {
    type: 'mailbox.test_failed',
    actorId,
    workspaceId,
    ...(context.mailbox
      ? {
          target: {
            type: 'mailbox',
            id: context.mailbox.id,
            label: auditLabel('mailbox', context.mailbox.id, context.mailbox.email),
          },
        }
      : {}),
    ...auditApiKey(ctx),
    meta: ctx.meta,
    // Host names and failure codes only: never a username's password, never a server reply.
    metadata: {
      email: context.email,
      during: context.during,
      failures: failures.map((f) => ({ protocol: f.protocol, code: f.code })),
    },
  });
  await em.flush();
}

const endpointFields = (endpoints: { imap: MailEndpointInput; smtp: MailEndpointInput }) => ({
  imapHost: endpoints.imap.host,
  imapPort: endpoints.imap.port,
  imapSecurity: endpoints.imap.security,
  smtpHost: endpoints.smtp.host,
  smtpPort: endpoints.smtp.port,
  smtpSecurity: endpoints.smtp.security,
});

const isUniqueViolation = (error: unknown) =>
  (error as { name?: string; code?: string }).name === 'UniqueConstraintViolationException' ||
  (error as { code?: string }).code === '23505';

/**
 * Tests SMTP (AUTH, QUIT) and IMAP (LOGIN, SELECT INBOX) with the credentials given; only when both
 * pass is the mailbox stored, with its password sealed, and `mailbox.connected` audited (one
 * transaction). On failure nothing is stored, `mailbox.test_failed` is audited and VALIDATION_FAILED
 * carries `details.mailboxFailure` ({ protocol, code, message }).
 */
export async function connectMailbox(
  ctx: MailboxCtx,
  workspaceId: string,
  actorId: string,
  raw: Omit<ConnectMailboxInput, 'workspaceId'>,
): Promise<MailboxDto> {
  const input = parsed(ZConnectMailboxRequest, { ...raw, workspaceId });
  const existing = await ctx.em.find(Mailbox, { workspace: workspaceId }, { fields: ['id', 'email'] });
  if (existing.length >= MAILBOX_LIMITS.perWorkspace)
    throw new DomainError(
      'CONFLICT',
      `A workspace can have at most ${MAILBOX_LIMITS.perWorkspace} mailboxes: remove one first`,
    );
  if (existing.some((m) => m.email === input.email))
    throw new DomainError(
      'CONFLICT',
      `${input.email} is already in this workspace: to change its credentials, use "Replace credentials" on it`,
      { field: 'email' },
    );
  await reserveMailboxNetwork(ctx, workspaceId);
  const endpoints = { imap: input.imap, smtp: input.smtp };
  try {
    await checkMailHosts(ctx.config, endpoints);
  } catch (error) {
    const failure = (error as DomainError).details?.mailboxFailure as MailboxFailureInfo | undefined;
    if (failure)
      await auditTestFailed(ctx, workspaceId, actorId, { email: input.email, during: 'connect' }, [failure]);
    throw error;
  }
  const auth: MailAuth = { kind: 'password', user: input.username, pass: input.password };
  const { smtp, imap } = await testBoth(ctx.config, endpoints, auth);
  if (!smtp.ok || !imap?.ok) {
    const failures = [smtp.failure, imap?.failure].filter((f): f is MailboxFailureInfo => Boolean(f));
    await auditTestFailed(ctx, workspaceId, actorId, { email: input.email, during: 'connect' }, failures);
    throw connectionRefused(smtp, imap);
  }
  const id = randomUUID();
  const now = ctx.clock.now();
  try {
    const mailbox = await ctx.em.transactional(async (tx) => {
      const created = tx.create(Mailbox, {
        id,
        workspace: workspaceId,
        label: input.label || null,
        email: input.email,
        provider: 'imap',
        status: 'connected',
        ...endpointFields(endpoints),
        username: input.username,
        password: ctx.keyring.encrypt(input.password, passwordContext(id)),
        fromName: null,
        fromAddress: input.email,
        replyTo: null,
        aliasVerifiedAt: null,
        warmupStartedAt: null,
        lastTestAt: now,
        lastTestOk: true,
        lastTestProtocol: null,
        lastTestCode: null,
        lastTestMessage: null,
        senderAuth: null,
        senderAuthCheckedAt: null,
        disconnectedAt: null,
        createdBy: actorId,
        createdAt: now,
        updatedAt: now,
      });
      recordAudit(tx, ctx.clock, {
        type: 'mailbox.connected',
        actorId,
        workspaceId,
        target: { type: 'mailbox', id, label: auditLabel('mailbox', id, input.email) },
        ...auditApiKey(ctx),
        meta: ctx.meta,
        metadata: {
          email: input.email,
          imap: `${input.imap.host}:${input.imap.port} (${input.imap.security})`,
          smtp: `${input.smtp.host}:${input.smtp.port} (${input.smtp.security})`,
        },
      });
      return created;
    });
    return mailboxView(ctx, mailbox);
  } catch (error) {
    if (isUniqueViolation(error))
      throw new DomainError('CONFLICT', `${input.email} is already in this workspace`, { field: 'email' });
    throw error;
  }
}

export interface MailboxTestOutcome {
  ok: boolean;
  smtp: SideResult;
  imap: SideResult | null;
  mailbox: MailboxDto;
}

function usablePassword(ctx: Pick<CoreContext, 'keyring'>, mailbox: Mailbox): string {
  if (mailbox.status === 'disconnected' || !mailbox.password)
    throw new DomainError(
      'CONFLICT',
      'This mailbox is disconnected: enter its credentials again ("Replace credentials") to reconnect it',
    );
  return ctx.keyring.decryptString(mailbox.password, passwordContext(mailbox.id));
}

const storedEndpoints = (m: Mailbox) => ({
  imap: { host: m.imapHost, port: m.imapPort, security: m.imapSecurity as 'tls' | 'starttls' },
  smtp: { host: m.smtpHost, port: m.smtpPort, security: m.smtpSecurity as 'tls' | 'starttls' },
});

/**
 * Tests the stored credentials now and records the outcome: a pass makes a failing mailbox
 * `connected` again, a failure makes it `failing` (sending pauses) and is audited. The outcome is
 * written only if the credentials did not change meanwhile (compare-and-set on the sealed value).
 */
export async function testMailbox(
  ctx: MailboxCtx,
  workspaceId: string,
  actorId: string | null,
  mailboxId: string,
): Promise<MailboxTestOutcome> {
  const mailbox = await findMailbox(ctx, workspaceId, mailboxId);
  const oauth = mailbox.provider !== 'imap';
  const sealed = oauth ? mailbox.accessToken : mailbox.password;
  // OAuth mailboxes test with their current access token (XOAUTH2); the rest with the password.
  const auth: MailAuth = oauth
    ? oauthMailAuth(ctx, mailbox)
    : { kind: 'password', user: mailbox.username, pass: usablePassword(ctx, mailbox) };
  await reserveMailboxNetwork(ctx, workspaceId);
  const { smtp, imap } = await testBoth(ctx.config, storedEndpoints(mailbox), auth);
  const ok = smtp.ok && imap?.ok === true;
  const failure = smtp.failure ?? imap?.failure ?? null;
  const now = ctx.clock.now();
  await ctx.em.nativeUpdate(
    Mailbox,
    {
      id: mailbox.id,
      workspace: workspaceId,
      ...(oauth ? { accessToken: sealed } : { password: sealed }),
      status: { $in: ['connected', 'failing'] },
    },
    {
      status: ok ? 'connected' : 'failing',
      lastTestAt: now,
      lastTestOk: ok,
      lastTestProtocol: failure?.protocol ?? null,
      lastTestCode: failure?.code ?? null,
      lastTestMessage: failure?.message ?? null,
      updatedAt: now,
    },
  );
  if (!ok) {
    const failures = [smtp.failure, imap?.failure].filter((f): f is MailboxFailureInfo => Boolean(f));
    await auditTestFailed(
      ctx,
      workspaceId,
      actorId,
      { mailbox, email: mailbox.email, during: 'test' },
      failures,
    );
  }
  return { ok, smtp, imap, mailbox: await mailboxView(ctx, await findMailbox(ctx, workspaceId, mailboxId)) };
}

export type ReplaceCredentialsInput = Omit<z.input<typeof ZReplaceMailboxCredentialsRequest>, 'workspaceId'>;

/**
 * New credentials (and optionally endpoints), tested before they replace the old ones; a
 * disconnected mailbox is connected again. Failure stores nothing (the old credentials stay).
 */
export async function replaceMailboxCredentials(
  ctx: MailboxCtx,
  workspaceId: string,
  actorId: string,
  raw: ReplaceCredentialsInput,
): Promise<MailboxDto> {
  const input = parsed(ZReplaceMailboxCredentialsRequest, { ...raw, workspaceId });
  const mailbox = await findMailbox(ctx, workspaceId, input.mailboxId);
  if (mailbox.provider !== 'imap')
    throw new DomainError(
      'VALIDATION_FAILED',
      'This mailbox signs in with its provider (OAuth), not a password: use "Reconnect" to sign in again',
      { field: 'mailboxId' },
    );
  const current = storedEndpoints(mailbox);
  const endpoints = { imap: input.imap ?? current.imap, smtp: input.smtp ?? current.smtp };
  await reserveMailboxNetwork(ctx, workspaceId);
  const context = { mailbox, email: mailbox.email, during: 'replace_credentials' as const };
  try {
    await checkMailHosts(ctx.config, endpoints);
  } catch (error) {
    const failure = (error as DomainError).details?.mailboxFailure as MailboxFailureInfo | undefined;
    if (failure) await auditTestFailed(ctx, workspaceId, actorId, context, [failure]);
    throw error;
  }
  const { smtp, imap } = await testBoth(ctx.config, endpoints, {
    kind: 'password',
    user: input.username,
    pass: input.password,
  });
  if (!smtp.ok || !imap?.ok) {
    const failures = [smtp.failure, imap?.failure].filter((f): f is MailboxFailureInfo => Boolean(f));
    await auditTestFailed(ctx, workspaceId, actorId, context, failures);
    throw connectionRefused(smtp, imap);
  }
  const updated = await ctx.em.transactional(async (tx) => {
    const row = await tx.findOne(
      Mailbox,
      { id: mailbox.id, workspace: workspaceId },
      { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!row) throw new DomainError('NOT_FOUND', 'No such mailbox');
    const now = ctx.clock.now();
    const wasDisconnected = row.status === 'disconnected';
    const before = `${row.imapHost}:${row.imapPort}/${row.smtpHost}:${row.smtpPort}`;
    Object.assign(row, {
      ...endpointFields(endpoints),
      username: input.username,
      password: ctx.keyring.encrypt(input.password, passwordContext(row.id)),
      status: 'connected',
      disconnectedAt: null,
      lastTestAt: now,
      lastTestOk: true,
      lastTestProtocol: null,
      lastTestCode: null,
      lastTestMessage: null,
      updatedAt: now,
    });
    recordAudit(tx, ctx.clock, {
      type: 'mailbox.credentials_replaced',
      actorId,
      workspaceId,
      target: { type: 'mailbox', id: row.id, label: auditLabel('mailbox', row.id, row.email) },
      ...auditApiKey(ctx),
      meta: ctx.meta,
      metadata: {
        email: row.email,
        reconnected: wasDisconnected,
        endpoints: { from: before, to: `${row.imapHost}:${row.imapPort}/${row.smtpHost}:${row.smtpPort}` },
      },
    });
    return row;
  });
  return mailboxView(ctx, updated);
}

export { storedEndpoints, usablePassword };
