export { randomLocalPart } from './catch-all.ts';
export { type HostResolver, SmtpConnection, SmtpError, type SmtpErrorKind } from './connection.ts';
export type { SmtpProberOptions } from './options.ts';
export { createSmtpProber, type SmtpProber } from './probe.ts';
export {
  classifyRcpt,
  DEFAULT_GREYLIST_RETRY_MS,
  enhancedCodeOf,
  messageOf,
  type RcptVerdict,
  retryAfterOf,
  type SmtpReply,
} from './reply.ts';
export { SELF_CHECK_HOST, type SelfCheckResult } from './self-check.ts';
export type { ProbeAddress, ProbeTlsPolicy } from './single.ts';
