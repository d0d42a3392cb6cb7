// Alias proof: a mailbox may send as another address only once it is shown that its own SMTP server
// sends as that address. A 6-digit code goes from the alias, through the mailbox's SMTP, to the
// mailbox itself; finding it over IMAP (or the member typing it) verifies the alias. The code is kept
// only as a keyed hash, is single use (compare-and-set under a row lock), expires after
// MAILBOX_ALIAS_CODE_TTL_MINUTES and allows MAILBOX_ALIAS_MAX_ATTEMPTS wrong tries.
import { randomInt, randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import {
  MAILBOX_ALIAS_CODE_TTL_MINUTES,
  MAILBOX_ALIAS_MAX_ATTEMPTS,
  type MailboxDto,
  ZConfirmAliasVerificationRequest,
  ZStartAliasVerificationRequest,
} from '@postern/contracts';
import { Mailbox, MailboxAliasVerification } from '@postern/db';
import { createSmtpSender, findMessage } from '@postern/mailer';
import type { z } from 'zod';
import { auditLabel } from '../audit/labels.ts';
import { auditApiKey, recordAudit } from '../audit/record.ts';
import { hashesEqual, keyedHash } from '../crypto/index.ts';
import { DomainError } from '../errors.ts';
import { type MailboxCtx, parsed, storedEndpoints, usablePassword } from './connect.ts';
import { connectOptions, failureInfo, reserveMailboxNetwork } from './network.ts';
import { findMailbox, mailboxView } from './view.ts';

const codeHash = (secret: string, verificationId: string, code: string) =>
  keyedHash(secret, 'mailbox-alias-code', `${verificationId}:${code}`);
/** What the IMAP search looks for: unknowable without POSTERN_SECRET, so only the sent message has it. */
const imapNeedle = (secret: string, verificationId: string) =>
  `postern-alias-${keyedHash(secret, 'mailbox-alias-needle', verificationId).slice(0, 24)}`;

export interface AliasVerificationStarted {
  verificationId: string;
  address: string;
  expiresAt: string;
  verified: boolean;
  mailbox: MailboxDto;
}

/**
 * Sends the code from `address` through the mailbox's SMTP to the mailbox's own address, then looks
 * for it over IMAP once: found → verified at once; else the member types the code or asks to look
 * again (confirmAliasVerification).
 */
export async function startAliasVerification(
  ctx: MailboxCtx,
  workspaceId: string,
  actorId: string,
  raw: Omit<z.input<typeof ZStartAliasVerificationRequest>, 'workspaceId'>,
): Promise<AliasVerificationStarted> {
  const input = parsed(ZStartAliasVerificationRequest, { ...raw, workspaceId });
  const mailbox = await findMailbox(ctx, workspaceId, input.mailboxId);
  if (input.address === mailbox.email)
    throw new DomainError('VALIDATION_FAILED', 'This is the mailbox’s own address: it needs no proof', {
      field: 'address',
    });
  const pass = usablePassword(ctx, mailbox);
  await reserveMailboxNetwork(ctx, workspaceId);
  const id = randomUUID();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + MAILBOX_ALIAS_CODE_TTL_MINUTES * 60_000);
  const em = ctx.em.fork();
  em.create(MailboxAliasVerification, {
    id,
    mailbox: mailbox.id,
    workspaceId,
    address: input.address,
    codeHash: codeHash(ctx.config.secret, id, code),
    attempts: 0,
    expiresAt,
    usedAt: null,
    createdBy: actorId,
    createdAt: now,
  });
  await em.flush();

  const endpoints = storedEndpoints(mailbox);
  const auth = { kind: 'password' as const, user: mailbox.username, pass };
  const refusals = { last: null };
  const sender = createSmtpSender(endpoints.smtp, auth, connectOptions(ctx.config, refusals));
  try {
    await sender.send({
      from: { address: input.address, ...(mailbox.fromName ? { name: mailbox.fromName } : {}) },
      to: mailbox.email,
      subject: `Postern: your code to send as ${input.address} is ${code}`,
      text: [
        `Someone in your Postern workspace asked to send from ${input.address} through ${mailbox.email}.`,
        '',
        `The code is ${code}. It works once, for ${MAILBOX_ALIAS_CODE_TTL_MINUTES} minutes.`,
        '',
        'If you did not ask for this, ignore this message: nothing changes without the code.',
        '',
        `Reference: ${imapNeedle(ctx.config.secret, id)}`,
      ].join('\n'),
    });
  } catch (error) {
    const failure = failureInfo(error, 'smtp', refusals, pass);
    throw new DomainError('VALIDATION_FAILED', `The code could not be sent: ${failure.message}`, {
      mailboxFailure: failure,
    });
  } finally {
    sender.close();
  }
  const verified = await searchAndVerify(ctx, workspaceId, actorId, mailbox, id, pass);
  return {
    verificationId: id,
    address: input.address,
    expiresAt: expiresAt.toISOString(),
    verified,
    mailbox: await mailboxView(ctx, await findMailbox(ctx, workspaceId, mailbox.id)),
  };
}

type Refusal = 'wrong' | 'expired' | 'used' | 'too_many_attempts';
const REFUSALS: Record<Refusal, string> = {
  wrong: 'That code is not the one sent',
  expired: 'The code has expired: send a new one',
  used: 'This code was already used',
  too_many_attempts: 'Too many wrong codes: send a new one',
};

/** Marks the proof used and the alias verified, under the proof's row lock; a refusal otherwise. */
async function settle(
  ctx: MailboxCtx,
  workspaceId: string,
  actorId: string | null,
  verificationId: string,
  mailboxId: string,
  check: (row: MailboxAliasVerification) => boolean,
  method: 'imap' | 'code',
): Promise<Refusal | null> {
  return ctx.em.transactional(async (tx) => {
    const row = await tx.findOne(
      MailboxAliasVerification,
      { id: verificationId, mailbox: mailboxId, workspaceId },
      { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!row) throw new DomainError('NOT_FOUND', 'No such verification: send a new code');
    if (row.usedAt) return 'used';
    if (row.expiresAt <= ctx.clock.now()) return 'expired';
    if (row.attempts >= MAILBOX_ALIAS_MAX_ATTEMPTS) return 'too_many_attempts';
    if (!check(row)) {
      row.attempts += 1;
      return 'wrong';
    }
    const mailbox = await tx.findOne(
      Mailbox,
      { id: mailboxId, workspace: workspaceId },
      { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!mailbox || mailbox.status === 'disconnected')
      throw new DomainError('CONFLICT', 'This mailbox is disconnected: reconnect it first');
    const now = ctx.clock.now();
    row.usedAt = now;
    mailbox.fromAddress = row.address;
    mailbox.aliasVerifiedAt = now;
    mailbox.updatedAt = now;
    recordAudit(tx, ctx.clock, {
      type: 'mailbox.alias_verified',
      actorId,
      workspaceId,
      target: { type: 'mailbox', id: mailbox.id, label: auditLabel('mailbox', mailbox.id, mailbox.email) },
      ...auditApiKey(ctx),
      meta: ctx.meta,
      metadata: { email: mailbox.email, alias: row.address, method },
    });
    return null;
  });
}

async function searchAndVerify(
  ctx: MailboxCtx,
  workspaceId: string,
  actorId: string | null,
  mailbox: Mailbox,
  verificationId: string,
  pass: string,
): Promise<boolean> {
  const refusals = { last: null };
  let found: boolean;
  try {
    found = await findMessage(
      storedEndpoints(mailbox).imap,
      { kind: 'password', user: mailbox.username, pass },
      connectOptions(ctx.config, refusals),
      {
        needle: imapNeedle(ctx.config.secret, verificationId),
        withinMinutes: MAILBOX_ALIAS_CODE_TTL_MINUTES + 5,
      },
    );
  } catch (error) {
    const failure = failureInfo(error, 'imap', refusals, pass);
    throw new DomainError('VALIDATION_FAILED', `The mailbox could not be searched: ${failure.message}`, {
      mailboxFailure: failure,
    });
  }
  if (!found) return false;
  const refusal = await settle(ctx, workspaceId, actorId, verificationId, mailbox.id, () => true, 'imap');
  if (refusal) throw new DomainError('VALIDATION_FAILED', REFUSALS[refusal], { reason: refusal });
  return true;
}

/**
 * With `code`: checks the code the member typed (a wrong one counts against the attempts). Without:
 * looks for the message over IMAP again. Either way the proof is used once; concurrent confirmations
 * serialise on the proof's row lock and only the first succeeds.
 */
export async function confirmAliasVerification(
  ctx: MailboxCtx,
  workspaceId: string,
  actorId: string,
  raw: Omit<z.input<typeof ZConfirmAliasVerificationRequest>, 'workspaceId'>,
): Promise<MailboxDto> {
  const input = parsed(ZConfirmAliasVerificationRequest, { ...raw, workspaceId });
  const mailbox = await findMailbox(ctx, workspaceId, input.mailboxId);
  if (input.code === undefined) {
    const pass = usablePassword(ctx, mailbox);
    await reserveMailboxNetwork(ctx, workspaceId);
    const found = await searchAndVerify(ctx, workspaceId, actorId, mailbox, input.verificationId, pass);
    if (!found)
      throw new DomainError(
        'VALIDATION_FAILED',
        'The message with the code has not arrived in the mailbox yet. Wait a minute, or type the code.',
        { reason: 'not_found' },
      );
  } else {
    const typed = input.code;
    const refusal = await settle(
      ctx,
      workspaceId,
      actorId,
      input.verificationId,
      mailbox.id,
      (row) => hashesEqual(row.codeHash, codeHash(ctx.config.secret, row.id, typed)),
      'code',
    );
    if (refusal) throw new DomainError('VALIDATION_FAILED', REFUSALS[refusal], { reason: refusal });
  }
  return mailboxView(ctx, await findMailbox(ctx, workspaceId, mailbox.id));
}
