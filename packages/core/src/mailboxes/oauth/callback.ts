// The provider's redirect back (GET /oauth/<provider>/callback): the state is taken out first (single
// use, whatever happens next), then the code is exchanged with the PKCE verifier, a token response
// without a refresh token is refused, the account is read from the id token, and SMTP (and IMAP, unless
// the operator turned its test off) is tested with XOAUTH2 through the mailer. Only then is the mailbox
// stored, its tokens sealed, and `mailbox.connected` audited in one transaction. Every refusal is a
// MailboxOAuthFailure naming a result code the dashboard explains; nothing is stored on any of them.
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { can, MAILBOX_LIMITS, MAILBOX_OAUTH_RESULT_TEXT, type MailboxOAuthResult } from '@postern/contracts';
import { Mailbox } from '@postern/db';
import { type MailAuth, testImap, testSmtp } from '@postern/mailer';
import { auditLabel } from '../../audit/labels.ts';
import { auditApiKey, recordAudit } from '../../audit/record.ts';
import { resolveMembership } from '../../workspaces/workspaces.ts';
import { connectOptions } from '../network.ts';
import { exchangeCode, identityOf, OAuthProviderError, type TokenResponse } from './http.ts';
import { configuredProvider, isOAuthProvider, redirectUri } from './providers.ts';
import { consumeState, type OAuthCtx } from './start.ts';
import { accessTokenContext, refreshTokenContext } from './tokens.ts';

/** A refused callback: the result code for the redirect, and the workspace when the state named one. */
export class MailboxOAuthFailure extends Error {
  readonly result: MailboxOAuthResult;
  readonly workspaceId: string | null;
  constructor(result: MailboxOAuthResult, workspaceId: string | null, detail?: string) {
    super(detail ? `${MAILBOX_OAUTH_RESULT_TEXT[result]} (${detail})` : MAILBOX_OAUTH_RESULT_TEXT[result]);
    this.name = 'MailboxOAuthFailure';
    this.result = result;
    this.workspaceId = workspaceId;
  }
}

export interface OAuthCallbackQuery {
  state?: string | undefined;
  code?: string | undefined;
  error?: string | undefined;
}

export interface OAuthCallbackOutcome {
  result: 'connected' | 'reconnected';
  workspaceId: string;
  mailboxId: string;
}

const text = (v: unknown, max: number) =>
  typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined;

export async function completeMailboxOAuth(
  ctx: OAuthCtx,
  provider: string,
  query: OAuthCallbackQuery,
): Promise<OAuthCallbackOutcome> {
  if (!isOAuthProvider(provider)) throw new MailboxOAuthFailure('not_configured', null);
  const rawState = text(query.state, 200);
  if (!rawState) throw new MailboxOAuthFailure('state_missing', null);
  const state = await consumeState(ctx, rawState);
  if (!state || state.provider !== provider) throw new MailboxOAuthFailure('state_invalid', null);
  const ws = state.workspaceId;
  if (state.expired) throw new MailboxOAuthFailure('state_expired', ws);
  if (query.error !== undefined)
    throw new MailboxOAuthFailure(query.error === 'access_denied' ? 'access_denied' : 'provider_error', ws);
  const code = text(query.code, 4096);
  if (!code) throw new MailboxOAuthFailure('provider_error', ws, 'no code');
  let client: ReturnType<typeof configuredProvider>;
  try {
    client = configuredProvider(ctx.config, provider);
  } catch {
    throw new MailboxOAuthFailure('not_configured', ws);
  }
  // The member may have lost the right (or the workspace) during the 10 minutes.
  try {
    const { membership } = await resolveMembership(ctx, ws, state.userId);
    if (!can(membership.role, 'mailboxes.manage')) throw new Error('role');
  } catch {
    throw new MailboxOAuthFailure('forbidden', ws);
  }

  let tokens: TokenResponse;
  try {
    tokens = await exchangeCode(
      client,
      { code, verifier: state.verifier, redirectUri: redirectUri(ctx.config, provider) },
      ctx.config.mailboxes.connectTimeoutMs,
    );
  } catch (error) {
    if (error instanceof OAuthProviderError)
      throw new MailboxOAuthFailure(error.kind === 'unavailable' ? 'provider_error' : 'exchange_failed', ws);
    throw error;
  }
  // Without a refresh token the mailbox would stop working within the hour: refuse now.
  if (!tokens.refreshToken) throw new MailboxOAuthFailure('no_refresh_token', ws);
  const identity = identityOf(client, tokens.idToken);
  if (!identity) throw new MailboxOAuthFailure('no_email', ws);

  const auth: MailAuth = { kind: 'xoauth2', user: identity.email, accessToken: tokens.accessToken };
  for (const [protocol, endpoint] of [
    ['smtp', client.smtp],
    ['imap', client.imap],
  ] as const) {
    if (!endpoint) continue;
    try {
      await (protocol === 'smtp' ? testSmtp : testImap)(endpoint, auth, connectOptions(ctx.config));
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'protocol_error';
      throw new MailboxOAuthFailure('connection_failed', ws, `${protocol.toUpperCase()}: ${code}`);
    }
  }
  return storeMailbox(ctx, { provider, ws, userId: state.userId, client, tokens, identity });
}

interface StoreInput {
  provider: 'gmail' | 'outlook';
  ws: string;
  userId: string;
  client: ReturnType<typeof configuredProvider>;
  tokens: TokenResponse;
  identity: { sub: string; email: string };
}

function sealedTokens(ctx: OAuthCtx, id: string, tokens: TokenResponse, now: Date) {
  return {
    accessToken: ctx.keyring.encrypt(tokens.accessToken, accessTokenContext(id)),
    refreshToken: ctx.keyring.encrypt(tokens.refreshToken as string, refreshTokenContext(id)),
    tokenExpiresAt: new Date(now.getTime() + tokens.expiresIn * 1000),
    refreshLeaseUntil: null,
    lastRefreshAt: null,
    tokenRevocation: null,
  };
}

const PASSED = {
  lastTestOk: true,
  lastTestProtocol: null,
  lastTestCode: null,
  lastTestMessage: null,
  disconnectedAt: null,
  status: 'connected',
} as const;

/** The same account connected again (after a disconnect or `invalid_grant`): new tokens, connected. */
function reconnect(ctx: OAuthCtx, tx: OAuthCtx['em'], existing: Mailbox, input: StoreInput, now: Date) {
  const { provider, ws, identity } = input;
  if (existing.provider !== provider) throw new MailboxOAuthFailure('already_connected', ws);
  if (existing.oauthSubject && existing.oauthSubject !== identity.sub)
    throw new MailboxOAuthFailure('wrong_account', ws);
  const was = existing.status;
  Object.assign(existing, {
    ...sealedTokens(ctx, existing.id, input.tokens, now),
    ...PASSED,
    oauthSubject: identity.sub,
    lastTestAt: now,
    updatedAt: now,
  });
  recordAudit(tx, ctx.clock, {
    type: 'mailbox.credentials_replaced',
    actorId: input.userId,
    workspaceId: ws,
    target: { type: 'mailbox', id: existing.id, label: auditLabel('mailbox', existing.id, existing.email) },
    ...auditApiKey(ctx),
    meta: ctx.meta,
    metadata: { email: existing.email, provider, reconnected: was !== 'connected', previousStatus: was },
  });
  return { result: 'reconnected' as const, workspaceId: ws, mailboxId: existing.id };
}

function create(ctx: OAuthCtx, tx: OAuthCtx['em'], input: StoreInput, now: Date) {
  const { provider, ws, userId, client, tokens, identity } = input;
  const imap = client.imap ?? { host: client.smtp.host, port: 993, security: 'tls' as const };
  const id = randomUUID();
  tx.create(Mailbox, {
    id,
    workspace: ws,
    label: null,
    email: identity.email,
    provider,
    imapHost: imap.host,
    imapPort: imap.port,
    imapSecurity: imap.security,
    smtpHost: client.smtp.host,
    smtpPort: client.smtp.port,
    smtpSecurity: client.smtp.security,
    username: identity.email,
    password: null,
    ...sealedTokens(ctx, id, tokens, now),
    ...PASSED,
    oauthSubject: identity.sub,
    fromName: null,
    fromAddress: identity.email,
    replyTo: null,
    aliasVerifiedAt: null,
    warmupStartedAt: null,
    lastTestAt: now,
    senderAuth: null,
    senderAuthCheckedAt: null,
    createdBy: userId,
    createdAt: now,
    updatedAt: now,
  });
  recordAudit(tx, ctx.clock, {
    type: 'mailbox.connected',
    actorId: userId,
    workspaceId: ws,
    target: { type: 'mailbox', id, label: auditLabel('mailbox', id, identity.email) },
    ...auditApiKey(ctx),
    meta: ctx.meta,
    metadata: {
      email: identity.email,
      provider,
      scopes: tokens.scope ?? null,
      smtp: `${client.smtp.host}:${client.smtp.port} (${client.smtp.security})`,
    },
  });
  return { result: 'connected' as const, workspaceId: ws, mailboxId: id };
}

async function storeMailbox(ctx: OAuthCtx, input: StoreInput): Promise<OAuthCallbackOutcome> {
  const now = ctx.clock.now();
  try {
    return await ctx.em.transactional(async (tx) => {
      const existing = await tx.findOne(
        Mailbox,
        { workspace: input.ws, email: input.identity.email },
        { refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (existing) return reconnect(ctx, tx, existing, input, now);
      if ((await tx.count(Mailbox, { workspace: input.ws })) >= MAILBOX_LIMITS.perWorkspace)
        throw new MailboxOAuthFailure('limit_reached', input.ws);
      return create(ctx, tx, input, now);
    });
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'UniqueConstraintViolationException')
      throw new MailboxOAuthFailure('already_connected', input.ws);
    throw error;
  }
}
