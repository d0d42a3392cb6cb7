// The email validator: DNS resolution, SMTP probing and the start-up checks of both.
// Every DNS_* and SMTP_PROBE_* setting lives here.
import { z } from 'zod';
import { bool, port } from './fields.ts';

export const validatorEnv = z.object({
  DNS_SERVERS: z
    .string()
    .regex(/^[0-9a-fA-F.:[\]]+(,[0-9a-fA-F.:[\]]+)*$/, 'must be a comma-separated list of IP[:port]')
    .optional(),
  DNS_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3000),
  SMTP_PROBE_HELO: z.string().min(3).max(255).optional(),
  SMTP_PROBE_MAIL_FROM: z.string().min(3).max(254).optional(),
  SMTP_PROBE_PORT: port.default(25),
  SMTP_PROBE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  SMTP_PROBE_TLS_VERIFY: bool.default(false),
  /** RCPTs per SMTP session (catch-all RCPTs included): more looks like a directory-harvest attack. */
  SMTP_PROBE_MAX_RCPTS_PER_SESSION: z.coerce.number().int().min(1).max(100).default(20),
  /** Concurrent sessions per MX host, at most (fewer while a host answers 421). */
  SMTP_PROBE_MAX_CONNECTIONS_PER_HOST: z.coerce.number().int().min(1).max(50).default(5),
  DNS_CANARY_DOMAINS: z
    .string()
    .regex(
      /^(none|[a-zA-Z0-9.-]+(,[a-zA-Z0-9.-]+)*)$/,
      'must be a comma-separated list of domains, or `none` to turn the resolver check off',
    )
    .default('gmail.com,outlook.com,yahoo.com'),
  SMTP_PROBE_SELF_CHECK_HOST: z.string().min(1).max(255).optional(),
});

export interface ValidatorConfig {
  dnsServers: string[] | undefined;
  dnsTimeoutMs: number;
  heloName: string;
  mailFrom: string;
  smtpPort: number;
  smtpTimeoutMs: number;
  smtpTlsVerify: boolean;
  /** SMTP_PROBE_MAX_RCPTS_PER_SESSION (default 20). */
  smtpMaxRcptsPerSession: number;
  /** SMTP_PROBE_MAX_CONNECTIONS_PER_HOST (default 5). */
  smtpMaxConnectionsPerHost: number;
  /** DNS_CANARY_DOMAINS: domains that surely have MX records, to catch a lying resolver; [] (`none`) = off. */
  canaryDomains: string[];
  /** An MX host to try on port 25 at start-up (reports a blocked port 25); unset: skipped. */
  selfCheckHost: string | undefined;
}

/** `publicUrl` is the server's (see server.ts): its host name is the default HELO name. */
export function validatorSettings(e: z.output<typeof validatorEnv>, publicUrl: string): ValidatorConfig {
  // HELO names the operator's own host, never the target's.
  const heloName = e.SMTP_PROBE_HELO ?? new URL(publicUrl).hostname;
  return {
    dnsServers: e.DNS_SERVERS?.split(','),
    dnsTimeoutMs: e.DNS_TIMEOUT_MS,
    heloName,
    mailFrom: e.SMTP_PROBE_MAIL_FROM ?? `verify@${heloName}`,
    smtpPort: e.SMTP_PROBE_PORT,
    smtpTimeoutMs: e.SMTP_PROBE_TIMEOUT_MS,
    smtpTlsVerify: e.SMTP_PROBE_TLS_VERIFY,
    smtpMaxRcptsPerSession: e.SMTP_PROBE_MAX_RCPTS_PER_SESSION,
    smtpMaxConnectionsPerHost: e.SMTP_PROBE_MAX_CONNECTIONS_PER_HOST,
    canaryDomains: e.DNS_CANARY_DOMAINS === 'none' ? [] : e.DNS_CANARY_DOMAINS.split(',').filter(Boolean),
    selfCheckHost: e.SMTP_PROBE_SELF_CHECK_HOST,
  };
}
