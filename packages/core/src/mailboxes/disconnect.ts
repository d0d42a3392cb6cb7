// Disconnecting a mailbox: the credentials (password or OAuth tokens) are deleted at once in one
// transaction with the status change and the audit entry; an OAuth grant is then revoked at the
// provider (oauth/revoke.ts), after the commit, so a slow or failing provider never keeps them alive.
import { LockMode } from '@mikro-orm/core';
import type { MailboxDto } from '@postern/contracts';
import { Mailbox, MailboxAliasVerification } from '@postern/db';
import { auditLabel } from '../audit/labels.ts';
import { auditApiKey, recordAudit } from '../audit/record.ts';
import { DomainError } from '../errors.ts';
import type { MailboxCtx } from './connect.ts';
import { type DeletedTokens, revokeDeletedTokens } from './oauth/revoke.ts';
import { mailboxView } from './view.ts';

/**
 * Deletes the credentials at once (the sealed password, or the OAuth tokens, become null), marks the
 * mailbox `disconnected` so nothing sends through it (mailboxCanSend), drops pending alias proofs,
 * audits. Then, for OAuth mailboxes, the grant is revoked at the provider (RFC 7009, after the commit:
 * a failure is recorded in `oauth.revocation` but the tokens are gone anyway).
 * Disconnecting a disconnected mailbox changes nothing.
 */
export async function disconnectMailbox(
  ctx: MailboxCtx,
  workspaceId: string,
  actorId: string,
  mailboxId: string,
): Promise<MailboxDto> {
  let deleted: DeletedTokens | null = null;
  const mailbox = await ctx.em.transactional(async (tx) => {
    const row = await tx.findOne(
      Mailbox,
      { id: mailboxId, workspace: workspaceId },
      { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!row) throw new DomainError('NOT_FOUND', 'No such mailbox');
    if (row.status === 'disconnected' && row.password === null && !row.refreshToken && !row.accessToken)
      return row;
    const now = ctx.clock.now();
    if (row.provider !== 'imap' && (row.accessToken || row.refreshToken))
      deleted = {
        mailboxId: row.id,
        provider: row.provider,
        accessToken: row.accessToken ?? null,
        refreshToken: row.refreshToken ?? null,
      };
    row.password = null;
    row.accessToken = null;
    row.refreshToken = null;
    row.tokenExpiresAt = null;
    row.refreshLeaseUntil = null;
    row.status = 'disconnected';
    row.disconnectedAt = now;
    row.updatedAt = now;
    await tx.nativeDelete(MailboxAliasVerification, { mailbox: row.id, usedAt: null });
    recordAudit(tx, ctx.clock, {
      type: 'mailbox.disconnected',
      actorId,
      workspaceId,
      target: { type: 'mailbox', id: row.id, label: auditLabel('mailbox', row.id, row.email) },
      ...auditApiKey(ctx),
      meta: ctx.meta,
      metadata: { email: row.email, ...(row.provider !== 'imap' ? { provider: row.provider } : {}) },
    });
    return row;
  });
  if (deleted) {
    mailbox.tokenRevocation = await revokeDeletedTokens(ctx, deleted);
  }
  return mailboxView(ctx, mailbox);
}
