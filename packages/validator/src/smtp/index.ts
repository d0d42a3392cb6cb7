export { type HostResolver, SmtpConnection, SmtpError, type SmtpErrorKind } from './connection.ts';
export {
  createSmtpProber,
  type ProbeAddress,
  type ProbeTlsPolicy,
  randomLocalPart,
  SELF_CHECK_HOST,
  type SelfCheckResult,
  type SmtpProber,
  type SmtpProberOptions,
} from './probe.ts';
export {
  classifyRcpt,
  DEFAULT_GREYLIST_RETRY_MS,
  enhancedCodeOf,
  messageOf,
  type RcptVerdict,
  retryAfterOf,
  type SmtpReply,
} from './reply.ts';
