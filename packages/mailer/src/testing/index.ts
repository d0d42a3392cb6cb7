// @postern/mailer/testing: real servers for mail tests (smtp-server, Dovecot, misbehaving servers)
// and a throwaway certificate authority. Used by the mailer's own tests and by core, API, web e2e,
// OAuth and campaign tests. See packages/mailer/README.md.
export { createTestCertificates, type KeyAndCertificate, type TestCertificates } from './certificates.ts';
export { DOVECOT_BINARY, type StartDovecotOptions, startDovecot, type TestDovecot } from './dovecot.ts';
export { freePort, waitForPort } from './ports.ts';
export { startImapWithoutTls, startSilentServer, type TestRawServer } from './silent-server.ts';
export {
  type AuthAttempt,
  type ReceivedMessage,
  type StartSmtpServerOptions,
  startSmtpServer,
  type TestSmtpServer,
} from './smtp-server.ts';
