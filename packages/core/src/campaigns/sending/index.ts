// The campaign sending engine (#31, docs/campaign-sending.md): start (snapshot, verify before
// sending, fan-out), send batches (throttled, at most once per recipient), one-click unsubscribe.

export {
  type BatchOutcome,
  MAX_ATTEMPTS,
  SENDS_IN_FLIGHT_PER_BATCH,
  type SendBatchDeps,
  sendCampaignBatch,
} from './send-batch.ts';
export { closeCampaignSenders, SMTP_CONNECTIONS_PER_MAILBOX } from './senders.ts';
export { BATCH_SIZE, type StartDeps, type StartOutcome, startCampaign } from './start.ts';
export {
  createSenderThrottle,
  DEFAULT_SENDS_PER_SECOND,
  MemorySenderThrottle,
  RedisSenderThrottle,
  type SenderThrottle,
  senderLimits,
  type ThrottleDecision,
  type ThrottleLimits,
  takeSend,
} from './throttle.ts';
export { readUnsubscribeToken, UNSUBSCRIBE_TOKEN_LENGTH, unsubscribeToken } from './tokens.ts';
export { findUnsubscribeTarget, type UnsubscribeTarget, unsubscribeFromCampaign } from './unsubscribe.ts';
