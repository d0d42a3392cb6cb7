// Connected mailboxes (docs/mailboxes.md): connect and test IMAP/SMTP credentials, keep them sealed,
// the sender identity, alias proofs, the sender-authentication check, and disconnect.
export * from './alias.ts';
export {
  connectMailbox,
  type MailboxCtx,
  type MailboxTestOutcome,
  passwordContext,
  type ReplaceCredentialsInput,
  replaceMailboxCredentials,
  testMailbox,
} from './connect.ts';
export { disconnectMailbox } from './disconnect.ts';
export * from './identity.ts';
export { MAILBOX_NETWORK_BUDGET, mailboxTargetPolicy } from './network.ts';
export { completeMailboxOAuth, MailboxOAuthFailure, type OAuthCallbackOutcome } from './oauth/callback.ts';
export { listMailboxOAuthProviders, OAUTH_PROVIDERS } from './oauth/providers.ts';
export { type RefreshSummary, refreshDueMailboxTokens } from './oauth/refresh.ts';
export { startMailboxOAuth } from './oauth/start.ts';
export { accessTokenContext, mailboxMailAuth, oauthMailAuth, refreshTokenContext } from './oauth/tokens.ts';
export * from './view.ts';
