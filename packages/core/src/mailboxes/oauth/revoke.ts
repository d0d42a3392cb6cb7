// Revoking the grant at disconnect (RFC 7009), after the tokens are already deleted from the row:
// the refresh token is revoked (Google then revokes the whole grant), or the access token when no
// refresh token was left. A provider without a revocation endpoint (Microsoft) is `unsupported` — the
// dashboard links to its account page instead. A failure is recorded on the mailbox and reported; the
// tokens are gone either way.
import { Mailbox } from '@postern/db';
import type { CoreContext } from '../../context.ts';
import { revokeToken } from './http.ts';
import { configuredProvider, isOAuthProvider } from './providers.ts';
import { accessTokenContext, refreshTokenContext } from './tokens.ts';

export type RevocationOutcome = 'revoked' | 'failed' | 'unsupported';

export interface DeletedTokens {
  mailboxId: string;
  provider: string;
  /** The sealed values as they were just before the row lost them. */
  accessToken: string | null;
  refreshToken: string | null;
}

export async function revokeDeletedTokens(
  ctx: Pick<CoreContext, 'em' | 'keyring' | 'config' | 'clock'>,
  deleted: DeletedTokens,
): Promise<RevocationOutcome> {
  let outcome: RevocationOutcome;
  try {
    if (!isOAuthProvider(deleted.provider)) return 'unsupported';
    const client = configuredProvider(ctx.config, deleted.provider);
    if (!client.revocationUrl) outcome = 'unsupported';
    else {
      const token = deleted.refreshToken
        ? ctx.keyring.decryptString(deleted.refreshToken, refreshTokenContext(deleted.mailboxId))
        : deleted.accessToken
          ? ctx.keyring.decryptString(deleted.accessToken, accessTokenContext(deleted.mailboxId))
          : null;
      if (!token) outcome = 'unsupported';
      else {
        await revokeToken(client, token, ctx.config.mailboxes.connectTimeoutMs);
        outcome = 'revoked';
      }
    }
  } catch {
    outcome = 'failed';
  }
  await ctx.em.nativeUpdate(Mailbox, { id: deleted.mailboxId }, { tokenRevocation: outcome });
  return outcome;
}
