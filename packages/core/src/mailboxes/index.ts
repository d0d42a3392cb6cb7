// Connected mailboxes (docs/mailboxes.md): connect and test IMAP/SMTP credentials, keep them sealed,
// the sender identity, alias proofs, the sender-authentication check, and disconnect.
export * from './alias.ts';
export {
  connectMailbox,
  disconnectMailbox,
  type MailboxCtx,
  type MailboxTestOutcome,
  passwordContext,
  type ReplaceCredentialsInput,
  replaceMailboxCredentials,
  testMailbox,
} from './connect.ts';
export * from './identity.ts';
export { MAILBOX_NETWORK_BUDGET, mailboxTargetPolicy } from './network.ts';
export * from './view.ts';
