// @postern/mailer: SMTP submission, IMAP checks, MIME building and sender-authentication checks for
// connected mailboxes. No database, no core: core passes an SSRF-guarded resolver and credentials.
export { LIMITS } from './connect.ts';
export {
  failureMessage,
  isMailConnectionError,
  MailConnectionError,
  type MailFailure,
  MailInputError,
  type MailProtocol,
} from './errors.ts';
export { findMessage, testImap } from './imap.ts';
export { buildMime, type ComposedMime, composeMime } from './mime.ts';
export {
  type AuthCheckStatus,
  checkSenderAuthentication,
  DEFAULT_DKIM_SELECTORS,
  type DnsTxtResolver,
  SenderAuthLookupError,
  type SenderAuthOptions,
  type SenderAuthReport,
} from './sender-auth.ts';
export { createSmtpSender, testSmtp } from './smtp.ts';
export type {
  ConnectOptions,
  MailAuth,
  MailEndpoint,
  MailSecurity,
  OutboundMessage,
  SmtpSender,
  SmtpSendResult,
} from './types.ts';
