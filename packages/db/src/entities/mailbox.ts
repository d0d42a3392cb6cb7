// Connected mailboxes (docs/mailboxes.md): IMAP/SMTP endpoints, the sealed password (a keyring
// ciphertext bound to (mailbox, id, password); null once disconnected), the sender identity, the last
// connection test and sender-authentication report. Alias proofs are separate rows: a keyed hash of a
// 6-digit code, single use, with an expiry and an attempt counter. Both go with their workspace.
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Workspace } from './workspace.ts';

export const MailboxSchema = defineEntity({
  name: 'Mailbox',
  tableName: 'mailbox',
  uniques: [{ properties: ['workspace', 'email'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspace: () => p.manyToOne(Workspace).mapToPk().deleteRule('cascade'),
    label: p.string().length(100).nullable(),
    email: p.string().length(254),
    /** imap (password) | gmail | outlook (OAuth, later). */
    provider: p.string().length(16).default('imap'),
    /** connected | failing | disconnected | reconnect_required (contracts/mailboxes.ts). */
    status: p.string().length(24).default('connected'),
    imapHost: p.string().length(253),
    imapPort: p.integer(),
    /** tls | starttls */
    imapSecurity: p.string().length(8),
    smtpHost: p.string().length(253),
    smtpPort: p.integer(),
    smtpSecurity: p.string().length(8),
    username: p.string().length(320),
    /** Keyring ciphertext of the password; null once disconnected (the credentials are deleted). */
    password: p.text().nullable(),
    fromName: p.string().length(100).nullable(),
    /** The mailbox's own address, or an alias proven by a code. */
    fromAddress: p.string().length(254),
    replyTo: p.string().length(254).nullable(),
    aliasVerifiedAt: p.datetime().nullable(),
    dailyCap: p.integer().default(50),
    warmupEnabled: p.boolean().default(false),
    warmupStartPerDay: p.integer().default(10),
    warmupIncrementPerDay: p.integer().default(5),
    warmupStartedAt: p.datetime().nullable(),
    lastTestAt: p.datetime().nullable(),
    lastTestOk: p.boolean().nullable(),
    /** smtp | imap: the side that failed. */
    lastTestProtocol: p.string().length(8).nullable(),
    /** A MailFailure code. */
    lastTestCode: p.string().length(32).nullable(),
    /** The human message of the failure (never a secret). */
    lastTestMessage: p.string().length(500).nullable(),
    /** The mailer's SenderAuthReport as last checked. */
    senderAuth: p.json<Record<string, unknown>>().nullable(),
    senderAuthCheckedAt: p.datetime().nullable(),
    disconnectedAt: p.datetime().nullable(),
    /** Campaign footers of this sender identity use this postal address instead of the workspace's. */
    postalAddress: p.text().nullable(),
    // OAuth mailboxes (gmail | outlook; docs/mailboxes.md "OAuth"): no password, sealed tokens instead,
    // each bound to (mailbox, id, access_token | refresh_token); both null once disconnected.
    accessToken: p.text().nullable(),
    refreshToken: p.text().nullable(),
    /** When the access token expires; the refresh job renews it a window before. */
    tokenExpiresAt: p.datetime().nullable().index(),
    /** The provider's account id (`sub` of the id token): a reconnect must be the same account. */
    oauthSubject: p.string().length(255).nullable(),
    /** A refresher's claim (single-flight across workers): others skip the row until it passes. */
    refreshLeaseUntil: p.datetime().nullable(),
    lastRefreshAt: p.datetime().nullable(),
    /** The outcome of revoking the grant at disconnect: revoked | failed | unsupported. */
    tokenRevocation: p.string().length(16).nullable(),
    /** The connecting member (no foreign key; nulled when the account is erased). */
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()),
  },
});
export class Mailbox extends MailboxSchema.class {}
MailboxSchema.setClass(Mailbox);

export const MailboxAliasVerificationSchema = defineEntity({
  name: 'MailboxAliasVerification',
  tableName: 'mailbox_alias_verification',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    mailbox: () => p.manyToOne(Mailbox).mapToPk().deleteRule('cascade').index(),
    /** The mailbox's workspace (erasure and tenancy read it without a join). */
    workspaceId: p.uuid().index(),
    address: p.string().length(254),
    /** keyedHash('mailbox-alias-code', `${id}:${code}`): a dump alone lets no one test the million codes. */
    codeHash: p.string().length(64),
    attempts: p.integer().default(0),
    expiresAt: p.datetime(),
    /** Set once, by the one confirmation that wins (compare-and-set). */
    usedAt: p.datetime().nullable(),
    createdBy: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class MailboxAliasVerification extends MailboxAliasVerificationSchema.class {}
MailboxAliasVerificationSchema.setClass(MailboxAliasVerification);

/**
 * One pending OAuth authorization (PKCE): the keyed hash of `state` (the raw value only travels in the
 * provider redirect), the member and workspace it is bound to, the sealed PKCE verifier, a 10-minute
 * expiry. Deleted by the one callback that uses it (DELETE … RETURNING: single use).
 */
export const MailboxOAuthStateSchema = defineEntity({
  name: 'MailboxOAuthState',
  tableName: 'mailbox_oauth_state',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    stateHash: p.string().length(64).unique(),
    workspaceId: p.uuid().index(),
    userId: p.uuid(),
    /** gmail | outlook */
    provider: p.string().length(16),
    /** Keyring ciphertext bound to (mailbox_oauth_state, id, code_verifier). */
    codeVerifier: p.text(),
    expiresAt: p.datetime().index(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class MailboxOAuthState extends MailboxOAuthStateSchema.class {}
MailboxOAuthStateSchema.setClass(MailboxOAuthState);
