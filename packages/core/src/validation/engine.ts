// Builds the verification engine from configuration (resolvers, timeouts, HELO and MAIL FROM, resolver
// health canaries, MTA-STS through the SSRF-checked lookup). The worker keeps ONE engine for every bulk
// chunk, so the DNS stage's cache and request coalescing look each domain up once per process. The
// API builds its engine with the same function.
import type { Config } from '@postern/runtime';
import { createVerificationEngine, type VerificationEngine } from '@postern/validator';
import { createGuardedLookup, createTargetPolicy } from '../webhooks/targets.ts';

export type BulkEngine = Pick<VerificationEngine, 'validate' | 'close'> &
  Partial<Pick<VerificationEngine, 'resolverHealth'>>;

/** Where the engine reports changes of the resolver's health (the process logger). */
export interface EngineLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

export function engineFromConfig(
  config: Pick<Config, 'validator'>,
  options: { logger?: EngineLogger } = {},
): VerificationEngine {
  const v = config.validator;
  const { logger } = options;
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
      // Politeness limits of the batched probe (bulk): RCPTs per session, sessions per MX host.
      maxRcptsPerSession: v.smtpMaxRcptsPerSession,
      maxConnectionsPerHost: v.smtpMaxConnectionsPerHost,
    },
    // The policy host (mta-sts.<domain>) is chosen by whoever owns the domain: it is reached through
    // the webhook SSRF guard, which refuses private, loopback and other special addresses.
    mtaSts: {
      lookup: createGuardedLookup(createTargetPolicy({}), {
        ...(v.dnsServers ? { servers: v.dnsServers } : {}),
        timeoutMs: v.dnsTimeoutMs,
      }),
    },
    ...(v.canaryDomains?.length
      ? {
          resolverHealth: {
            domains: v.canaryDomains,
            onChange: (status: { healthy: boolean | null; reason: string | null }) => {
              if (status.healthy === false)
                logger?.warn(
                  { reason: status.reason },
                  'DNS resolver unhealthy: negative answers are not trusted, bulk jobs pause',
                );
              else logger?.info({}, 'DNS resolver healthy: canary domains resolve');
            },
          },
        }
      : {}),
  });
}

/** An engine with the system resolvers and no SMTP probe (for callers without configuration). */
export function defaultEngine(): VerificationEngine {
  return createVerificationEngine();
}
