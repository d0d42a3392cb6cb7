// Builds the verification engine from configuration (resolvers, timeouts, HELO and MAIL FROM).
import type { Config } from '@postern/runtime';
import { createVerificationEngine } from '@postern/validator';

export function engineFromConfig(config: Config) {
  const v = config.validator;
  return createVerificationEngine({
    dns: { ...(v.dnsServers ? { servers: v.dnsServers } : {}), timeoutMs: v.dnsTimeoutMs },
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
