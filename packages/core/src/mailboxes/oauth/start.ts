// Starting an OAuth connection (authorization code flow with PKCE S256): a random `state` bound to the
// member and workspace, single use, valid 10 minutes, kept as a keyed hash with the sealed verifier in
// `mailbox_oauth_state`. A table rather than Redis: Redis is optional in this deployment model (the
// KV store falls back to memory, which a second API process would not share), a table row is covered
// by the erasure registry and key rotation, and single use is one `DELETE … RETURNING` (atomic, like
// GETDEL). Expired rows are swept on every start.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { MAILBOX_OAUTH_STATE_TTL_MINUTES, type MailboxOAuthProvider } from '@postern/contracts';
import { execute, MailboxOAuthState } from '@postern/db';
import type { CoreContext } from '../../context.ts';
import { keyedHash } from '../../crypto/hash.ts';
import { reserveMailboxNetwork } from '../network.ts';
import { configuredProvider, OAUTH_PROVIDERS, redirectUri } from './providers.ts';
import { verifierContext } from './tokens.ts';

export type OAuthCtx = Pick<CoreContext, 'em' | 'clock' | 'keyring' | 'meta' | 'config' | 'kv' | 'actor'>;

const STATE_TTL_MS = MAILBOX_OAUTH_STATE_TTL_MINUTES * 60_000;
/** Pending authorizations one member may hold at once (each is a row). */
const MAX_PENDING_PER_USER = 20;

export const stateHash = (ctx: Pick<CoreContext, 'config'>, state: string) =>
  keyedHash(ctx.config.secret, 'mailbox-oauth-state', state);

const base64url = (buf: Buffer) => buf.toString('base64url');

/** RFC 7636: a 43-character verifier (32 random bytes) and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
}

/**
 * The provider's authorize URL for this member and workspace. The caller has checked
 * `mailboxes.manage`; the provider must be configured (VALIDATION_FAILED otherwise).
 */
export async function startMailboxOAuth(
  ctx: OAuthCtx,
  workspaceId: string,
  userId: string,
  provider: MailboxOAuthProvider,
): Promise<{ authorizeUrl: string; expiresAt: string }> {
  const client = configuredProvider(ctx.config, provider);
  await reserveMailboxNetwork(ctx, workspaceId);
  const now = ctx.clock.now();
  await execute(ctx.em, 'delete from mailbox_oauth_state where expires_at < ?', [now], 'run');
  const pending = await ctx.em.count(MailboxOAuthState, { userId });
  if (pending >= MAX_PENDING_PER_USER) {
    // The oldest go first: a member clicking "Connect" many times keeps the newest attempts.
    await execute(
      ctx.em,
      `delete from mailbox_oauth_state where id in (
         select id from mailbox_oauth_state where user_id = ? order by created_at asc limit ?)`,
      [userId, pending - MAX_PENDING_PER_USER + 1],
      'run',
    );
  }
  const state = base64url(randomBytes(32));
  const { verifier, challenge } = pkcePair();
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + STATE_TTL_MS);
  ctx.em.create(MailboxOAuthState, {
    id,
    stateHash: stateHash(ctx, state),
    workspaceId,
    userId,
    provider,
    codeVerifier: ctx.keyring.encrypt(verifier, verifierContext(id)),
    expiresAt,
    createdAt: now,
  });
  await ctx.em.flush();
  const info = OAUTH_PROVIDERS[provider];
  const url = new URL(client.authorizeUrl);
  const params = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: redirectUri(ctx.config, provider),
    scope: info.scopes.join(' '),
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...info.authorizeParams,
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return { authorizeUrl: url.toString(), expiresAt: expiresAt.toISOString() };
}

export interface ConsumedState {
  id: string;
  workspaceId: string;
  userId: string;
  provider: string;
  verifier: string;
  expired: boolean;
}

/** Takes the state out of the table (single use: a second caller finds nothing), or null if unknown. */
export async function consumeState(ctx: OAuthCtx, state: string): Promise<ConsumedState | null> {
  const rows = await execute<
    {
      id: string;
      workspace_id: string;
      user_id: string;
      provider: string;
      code_verifier: string;
      expires_at: Date;
    }[]
  >(
    ctx.em,
    `delete from mailbox_oauth_state where state_hash = ?
       returning id, workspace_id, user_id, provider, code_verifier, expires_at`,
    [stateHash(ctx, state)],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    userId: row.user_id,
    provider: row.provider,
    verifier: ctx.keyring.decryptString(row.code_verifier, verifierContext(row.id)),
    expired: new Date(row.expires_at).getTime() <= ctx.clock.now().getTime(),
  };
}
