// The prober's options, their defaults and the checks that keep operator values out of the SMTP
// command stream.
import type { HostResolver } from './connection.ts';

export interface SmtpProberOptions {
  /** EHLO/HELO name: a host name of the operator's that resolves (and has matching PTR). */
  heloName: string;
  /** MAIL FROM address on a domain the operator owns ('' sends the null sender `<>`). */
  mailFrom: string;
  /** SMTP port of every MX host (25; tests point it at local servers). */
  port?: number;
  connectTimeoutMs?: number;
  /** Per reply, the greeting included. */
  commandTimeoutMs?: number;
  /**
   * Most concurrent sessions per MX host (open idle connections included). The prober starts with
   * `initialConnectionsPerHost`, opens one more after each session a host accepts, and halves the
   * number (and waits `backoffMs`, doubling up to 30 s) when a host answers 421, or another 4xx to
   * the greeting or EHLO. Default 5 (SMTP_PROBE_MAX_CONNECTIONS_PER_HOST).
   */
  maxConnectionsPerHost?: number;
  /** @deprecated The former name of `maxConnectionsPerHost`; used when that is not given. */
  maxPerMx?: number;
  /** Sessions per MX host to start with (default 2, at most `maxConnectionsPerHost`). */
  initialConnectionsPerHost?: number;
  /** First wait after a host deferred a session (default 1,000 ms; doubles, at most 30 s). */
  backoffMs?: number;
  /**
   * Most RCPT commands in one session, random catch-all RCPTs included (default 20,
   * SMTP_PROBE_MAX_RCPTS_PER_SESSION): more looks like a directory-harvest attack to real
   * providers, and Postfix hangs up after 20 errors (smtpd_hard_error_limit).
   */
  maxRcptsPerSession?: number;
  /** Keep connections open between probes (RSET between them) instead of QUIT after each. */
  reuseConnections?: boolean;
  /**
   * STARTTLS is opportunistic, as between MTAs (RFC 7435): certificates are not verified by default
   * (an unverified TLS session is still used) and a failed handshake falls back to plain text. With
   * `rejectUnauthorized: true` a host whose certificate does not verify is skipped instead: the
   * session ends with QUIT over the TLS session and the probe moves to the next MX. `ca` replaces
   * node's CA bundle (tests, private PKI).
   */
  tls?: { rejectUnauthorized?: boolean; ca?: string | Buffer | (string | Buffer)[] };
  /** How long a domain's catch-all answer is remembered. */
  catchAllTtlMs?: number;
  /** Clock for the caches (tests). */
  now?: () => number;
  /** An idle connection is closed (QUIT) after this long. */
  idleTimeoutMs?: number;
  /** A connection is closed after this many probes (servers limit transactions per session). */
  maxProbesPerConnection?: number;
  /** At most this many MX hosts are tried for one probe. */
  maxMxHosts?: number;
  /**
   * Resolves an MX host name to addresses (the engine passes its DNS stage, so MX hosts resolve through
   * the configured DNS_SERVERS with the same cache). Default: the system resolver.
   */
  resolveHost?: HostResolver;
}

/** The options with their defaults, checked. */
export interface ProberSettings {
  heloName: string;
  mailFrom: string;
  port: number;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  maxConnectionsPerHost: number;
  initialConnectionsPerHost: number;
  backoffMs: number;
  maxRcptsPerSession: number;
  reuseConnections: boolean;
  rejectUnauthorized: boolean;
  ca: string | Buffer | (string | Buffer)[] | undefined;
  catchAllTtlMs: number;
  now: () => number;
  idleTimeoutMs: number;
  maxProbesPerConnection: number;
  maxMxHosts: number;
  resolveHost: HostResolver | undefined;
}

export function assertClean(what: string, value: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: command injection guard
  if (/[\x00-\x1f\x7f]/.test(value)) throw new TypeError(`${what} must not contain control characters`);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be at least 1`);
  return value;
}

export function proberSettings(options: SmtpProberOptions): ProberSettings {
  const { heloName, mailFrom, port = 25, tls = {} } = options;
  if (!heloName || /\s/.test(heloName)) throw new TypeError('heloName must be a host name');
  assertClean('heloName', heloName);
  if (/[\s<>]/.test(mailFrom) || (mailFrom !== '' && !mailFrom.includes('@'))) {
    throw new TypeError('mailFrom must be an address (or empty for the null sender)');
  }
  assertClean('mailFrom', mailFrom);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RangeError('port must be 1–65535');
  const maxConnectionsPerHost = positiveInteger(
    'maxConnectionsPerHost',
    options.maxConnectionsPerHost ?? options.maxPerMx ?? 5,
  );
  return {
    heloName,
    mailFrom,
    port,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    commandTimeoutMs: options.commandTimeoutMs ?? 10_000,
    maxConnectionsPerHost,
    initialConnectionsPerHost: Math.min(
      maxConnectionsPerHost,
      positiveInteger('initialConnectionsPerHost', options.initialConnectionsPerHost ?? 2),
    ),
    backoffMs: options.backoffMs ?? 1000,
    maxRcptsPerSession: positiveInteger('maxRcptsPerSession', options.maxRcptsPerSession ?? 20),
    reuseConnections: options.reuseConnections ?? true,
    rejectUnauthorized: tls.rejectUnauthorized ?? false,
    ca: tls.ca,
    catchAllTtlMs: options.catchAllTtlMs ?? 3_600_000,
    now: options.now ?? Date.now,
    idleTimeoutMs: options.idleTimeoutMs ?? 10_000,
    maxProbesPerConnection: options.maxProbesPerConnection ?? 20,
    maxMxHosts: options.maxMxHosts ?? 5,
    resolveHost: options.resolveHost,
  };
}
