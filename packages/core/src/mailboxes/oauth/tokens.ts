// Sealing of OAuth tokens: each bound to (mailbox, id, access_token | refresh_token) so a ciphertext
// copied to another row or column does not decrypt; covered by key rotation (ENCRYPTED_FIELDS).
import type { Mailbox } from '@postern/db';
import type { MailAuth } from '@postern/mailer';
import type { CoreContext } from '../../context.ts';
import { encryptionContext } from '../../crypto/index.ts';
import { DomainError } from '../../errors.ts';

export const accessTokenContext = (mailboxId: string) =>
  encryptionContext('mailbox', mailboxId, 'access_token');
export const refreshTokenContext = (mailboxId: string) =>
  encryptionContext('mailbox', mailboxId, 'refresh_token');
export const verifierContext = (stateId: string) =>
  encryptionContext('mailbox_oauth_state', stateId, 'code_verifier');

/**
 * The XOAUTH2 credentials of an OAuth mailbox (its current access token, decrypted for this one
 * connection), or CONFLICT when it holds none (disconnected, or waiting for a reconnect).
 */
export function oauthMailAuth(ctx: Pick<CoreContext, 'keyring'>, mailbox: Mailbox): MailAuth {
  if (!mailbox.accessToken || mailbox.status === 'disconnected' || mailbox.status === 'reconnect_required')
    throw new DomainError(
      'CONFLICT',
      'This mailbox has no valid sign-in: connect it again with its provider (Reconnect)',
    );
  return {
    kind: 'xoauth2',
    user: mailbox.username,
    accessToken: ctx.keyring.decryptString(mailbox.accessToken, accessTokenContext(mailbox.id)),
  };
}

/**
 * What a sender (campaigns, opt-in mail) authenticates with for any mailbox: the password of an IMAP
 * mailbox, or the current access token of an OAuth one (the refresh job keeps it valid).
 */
export function mailboxMailAuth(ctx: Pick<CoreContext, 'keyring'>, mailbox: Mailbox): MailAuth {
  if (mailbox.provider !== 'imap') return oauthMailAuth(ctx, mailbox);
  if (mailbox.status === 'disconnected' || !mailbox.password)
    throw new DomainError(
      'CONFLICT',
      'This mailbox is disconnected: enter its credentials again ("Replace credentials") to reconnect it',
    );
  return {
    kind: 'password',
    user: mailbox.username,
    pass: ctx.keyring.decryptString(mailbox.password, encryptionContext('mailbox', mailbox.id, 'password')),
  };
}
