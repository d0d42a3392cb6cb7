// A mailbox's sender identity (from name, reply-to, back to its own address, daily cap, warm-up
// ramp) and its sender-authentication check (SPF, DKIM, DMARC of the from-address domain, through the
// same DNS servers and timeout as the validation engine: DNS_SERVERS, DNS_TIMEOUT_MS).
import { Resolver } from 'node:dns/promises';
import { LockMode } from '@mikro-orm/core';
import { type MailboxDto, ZCheckSenderAuthRequest, ZUpdateMailboxIdentityRequest } from '@postern/contracts';
import { Mailbox } from '@postern/db';
import { checkSenderAuthentication, type DnsTxtResolver } from '@postern/mailer';
import type { Config } from '@postern/runtime';
import type { z } from 'zod';
import { auditLabel } from '../audit/labels.ts';
import { auditApiKey, auditChanges, recordAudit } from '../audit/record.ts';
import { DomainError } from '../errors.ts';
import { type MailboxCtx, parsed } from './connect.ts';
import { reserveMailboxNetwork } from './network.ts';
import { findMailbox, mailboxView } from './view.ts';

export type UpdateIdentityInput = Omit<z.input<typeof ZUpdateMailboxIdentityRequest>, 'workspaceId'>;

const IDENTITY_FIELDS = [
  'label',
  'fromName',
  'fromAddress',
  'replyTo',
  'dailyCap',
  'warmupEnabled',
  'warmupStartPerDay',
  'warmupIncrementPerDay',
] as const;

/** Changes only the fields given (null clears label, fromName, replyTo); audited with before/after. */
export async function updateMailboxIdentity(
  ctx: MailboxCtx,
  workspaceId: string,
  actorId: string,
  raw: UpdateIdentityInput,
): Promise<MailboxDto> {
  const input = parsed(ZUpdateMailboxIdentityRequest, { ...raw, workspaceId });
  const mailbox = await ctx.em.transactional(async (tx) => {
    const row = await tx.findOne(
      Mailbox,
      { id: input.mailboxId, workspace: workspaceId },
      { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!row) throw new DomainError('NOT_FOUND', 'No such mailbox');
    const before = Object.fromEntries(IDENTITY_FIELDS.map((f) => [f, row[f] ?? null]));
    const now = ctx.clock.now();
    if (input.label !== undefined) row.label = input.label || null;
    if (input.fromName !== undefined) row.fromName = input.fromName || null;
    if (input.replyTo !== undefined) row.replyTo = input.replyTo || null;
    if (input.useOwnAddress) {
      row.fromAddress = row.email;
      row.aliasVerifiedAt = null;
    }
    if (input.dailyCap !== undefined) row.dailyCap = input.dailyCap;
    if (input.warmup) {
      if (input.warmup.enabled && !row.warmupEnabled) row.warmupStartedAt = now;
      if (!input.warmup.enabled) row.warmupStartedAt = null;
      row.warmupEnabled = input.warmup.enabled;
      row.warmupStartPerDay = input.warmup.startPerDay;
      row.warmupIncrementPerDay = input.warmup.incrementPerDay;
    }
    const after = Object.fromEntries(IDENTITY_FIELDS.map((f) => [f, row[f] ?? null]));
    const changed = IDENTITY_FIELDS.filter((f) => before[f] !== after[f]);
    if (!changed.length) return row;
    row.updatedAt = now;
    recordAudit(tx, ctx.clock, {
      type: 'mailbox.identity_updated',
      actorId,
      workspaceId,
      target: { type: 'mailbox', id: row.id, label: auditLabel('mailbox', row.id, row.email) },
      ...auditApiKey(ctx),
      meta: ctx.meta,
      metadata: auditChanges(changed, before, after),
    });
    return row;
  });
  return mailboxView(ctx, mailbox);
}

/** A TXT resolver on the validator's DNS servers (or the system's) with its timeout. */
export function senderAuthResolver(config: Pick<Config, 'validator'>): DnsTxtResolver {
  const resolver = new Resolver({ timeout: config.validator.dnsTimeoutMs, tries: 2 });
  if (config.validator.dnsServers?.length) resolver.setServers(config.validator.dnsServers);
  return resolver;
}

/**
 * Checks SPF, DKIM (the usual selectors, plus `dkimSelector` when given) and DMARC of the
 * from-address domain, and stores the report with the time of the check.
 */
export async function checkMailboxSenderAuth(
  ctx: MailboxCtx,
  workspaceId: string,
  raw: Omit<z.input<typeof ZCheckSenderAuthRequest>, 'workspaceId'>,
): Promise<MailboxDto> {
  const input = parsed(ZCheckSenderAuthRequest, { ...raw, workspaceId });
  const mailbox = await findMailbox(ctx, workspaceId, input.mailboxId);
  await reserveMailboxNetwork(ctx, workspaceId);
  const domain = mailbox.fromAddress.slice(mailbox.fromAddress.lastIndexOf('@') + 1);
  let report: Awaited<ReturnType<typeof checkSenderAuthentication>>;
  try {
    report = await checkSenderAuthentication(domain, {
      resolver: senderAuthResolver(ctx.config),
      ...(input.dkimSelector ? { dkimSelectors: [input.dkimSelector] } : {}),
      timeoutMs: Math.max(ctx.config.validator.dnsTimeoutMs * 3, 5000),
    });
  } catch {
    throw new DomainError(
      'UNAVAILABLE',
      `The DNS records of ${domain} could not be read just now. Try again in a minute.`,
      { retryAfterSeconds: 60 },
    );
  }
  const now = ctx.clock.now();
  await ctx.em.nativeUpdate(
    Mailbox,
    { id: mailbox.id, workspace: workspaceId },
    { senderAuth: report as unknown as Record<string, unknown>, senderAuthCheckedAt: now, updatedAt: now },
  );
  return mailboxView(ctx, await findMailbox(ctx, workspaceId, mailbox.id));
}
