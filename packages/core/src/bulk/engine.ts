// Builds the verification engine from configuration (resolvers, timeouts, HELO and MAIL FROM). The
// worker keeps ONE engine for every bulk chunk, so the DNS stage's cache and request coalescing look
// each domain up once per process. The API builds its engine with the same function.
import type { Config } from '@postern/runtime';
import { createVerificationEngine, type VerificationEngine } from '@postern/validator';

export type BulkEngine = Pick<VerificationEngine, 'validate' | 'close'>;

export function engineFromConfig(config: Pick<Config, 'validator'>): VerificationEngine {
  const v = config.validator;
  return createVerificationEngine({
    dns: {
      ...(v.dnsServers ? { servers: v.dnsServers } : {}),
      timeoutMs: v.dnsTimeoutMs,
      // A bulk list spans tens of thousands of domains: each should be looked up once per job.
      cache: { maxEntries: 100_000 },
    },
    smtp: {
      heloName: v.heloName,
      mailFrom: v.mailFrom,
      port: v.smtpPort,
      connectTimeoutMs: v.smtpTimeoutMs,
      commandTimeoutMs: v.smtpTimeoutMs,
      tls: { rejectUnauthorized: v.smtpTlsVerify },
    },
  });
}

/** An engine with the system resolvers and no SMTP probe (for callers without configuration). */
export function defaultEngine(): VerificationEngine {
  return createVerificationEngine();
}
