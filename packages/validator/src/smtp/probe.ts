// The SMTP probe (depth `enhanced`): asks the domain's mail servers whether they would take mail
// for an address, without sending any. MX hosts are tried in priority order and a host that cannot
// be reached, times out or defers the session hands over to the next; the first RCPT answer
// decides. The HELO name and MAIL FROM are the operator's own (never the target's), STARTTLS is
// used when offered, SMTPUTF8 when the address needs it, and a random second RCPT tells a
// catch-all domain (cached per domain). Connections are limited per MX host and reused (RSET
// between probes, QUIT when idle or closed).
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import type { MxHost, SmtpFailureKind, SmtpResult, SmtpStatus } from '../types.ts';
import { type HostResolver, SmtpConnection, SmtpError } from './connection.ts';
import {
  classifyRcpt,
  classifySessionRefusal,
  DEFAULT_GREYLIST_RETRY_MS,
  enhancedCodeOf,
  messageOf,
  type SmtpReply,
} from './reply.ts';

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
  /** Concurrent sessions per MX host (open idle connections included). */
  maxPerMx?: number;
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

/** The address as the syntax stage returns it (`ascii`: local part @ A-label domain). */
export interface ProbeAddress {
  local: string;
  ascii: string;
  /** The local part is not ASCII: MAIL FROM needs the SMTPUTF8 parameter. */
  smtputf8: boolean;
}

export interface SelfCheckResult {
  port25Open: boolean;
  detail: string;
}

/** What one probe demands of TLS (an MTA-STS policy in `enforce` mode). */
export interface ProbeTlsPolicy {
  /** STARTTLS must succeed with a certificate that verifies for the MX host name; otherwise the host is skipped. */
  requireVerifiedTls: boolean;
}

export interface SmtpProber {
  probe(address: ProbeAddress, hosts: MxHost[], policy?: ProbeTlsPolicy): Promise<SmtpResult>;
  /** Whether this machine can open outbound SMTP connections at all (port 25 is often blocked). */
  selfCheck(host?: string, timeoutMs?: number): Promise<SelfCheckResult>;
  /** Waits for running probes, then QUITs every open connection. */
  close(): Promise<void>;
}

/** A well-known MX answering on port 25, for the self-check. */
export const SELF_CHECK_HOST = 'gmail-smtp-in.l.google.com';
/** After a failed TLS handshake with a host, plain text is used with it for this long. */
const TLS_FAILURE_MEMORY_MS = 3_600_000;
const CATCH_ALL_CACHE_MAX = 10_000;
/**
 * Error replies after which a connection is not reused: Postfix delays every reply by a second
 * after 10 (smtpd_soft_error_limit) and hangs up after 20; rejected RCPTs count.
 */
const MAX_ERRORS_PER_CONNECTION = 8;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 24 random base32 characters: a local part no real mailbox has. */
export function randomLocalPart(): string {
  const bytes = randomBytes(15);
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** What one MX host said; `final` when it answered the RCPT (no other host is asked). */
interface Outcome {
  final: boolean;
  status: SmtpStatus;
  failure: SmtpFailureKind | null;
  retryAfterMs: number | null;
  catchAll: boolean | null;
  mxHost: string | null;
  reply: SmtpReply | null;
  message: string | null;
  startTls: boolean;
}

/** A counting semaphore and an idle-connection pool for one MX host. */
class HostPool {
  readonly host: string;
  readonly idle: SmtpConnection[] = [];
  /** Permits held by probes. */
  private active = 0;
  /** Connections being closed: they still count against the limit. */
  private closing = 0;
  private readonly limit: number;
  private readonly waiters: (() => void)[] = [];
  tlsBrokenUntil = 0;

  constructor(host: string, limit: number) {
    this.host = host;
    this.limit = limit;
  }

  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.pump();
    });
  }

  release(): void {
    this.active--;
    this.pump();
  }

  beginClosing(): void {
    this.closing++;
  }

  endClosing(): void {
    this.closing--;
    this.pump();
  }

  /** The most recently used live idle connection (least likely to have timed out server-side). */
  takeIdle(): SmtpConnection | null {
    for (let conn = this.idle.pop(); conn; conn = this.idle.pop()) {
      conn.clearIdle();
      if (conn.usable) {
        conn.setIdle(false);
        return conn;
      }
      conn.destroy();
    }
    return null;
  }

  remove(conn: SmtpConnection): boolean {
    const index = this.idle.indexOf(conn);
    if (index === -1) return false;
    this.idle.splice(index, 1);
    return true;
  }

  private pump(): void {
    // Idle connections count too: a new one is opened only when no idle one is left.
    while (this.waiters.length > 0 && this.active + this.closing < this.limit) {
      this.active++;
      (this.waiters.shift() as () => void)();
    }
  }
}

/** The kind of a failure that kept an MX host from answering. */
function failureKind(error: unknown): SmtpFailureKind {
  if (!(error instanceof SmtpError)) return 'session';
  if (error.kind === 'timeout' || error.code === 'ETIMEDOUT') return 'timeout';
  if (error.kind === 'connect') return 'connect';
  if (error.kind === 'tls') return 'tls';
  return 'session';
}

function assertClean(what: string, value: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: command injection guard
  if (/[\x00-\x1f\x7f]/.test(value)) throw new TypeError(`${what} must not contain control characters`);
}

export function createSmtpProber(options: SmtpProberOptions): SmtpProber {
  const {
    heloName,
    mailFrom,
    port = 25,
    connectTimeoutMs = 10_000,
    commandTimeoutMs = 10_000,
    maxPerMx = 2,
    reuseConnections = true,
    tls = {},
    catchAllTtlMs = 3_600_000,
    now = Date.now,
    idleTimeoutMs = 10_000,
    maxProbesPerConnection = 20,
    maxMxHosts = 5,
  } = options;
  if (!heloName || /\s/.test(heloName)) throw new TypeError('heloName must be a host name');
  assertClean('heloName', heloName);
  if (/[\s<>]/.test(mailFrom) || (mailFrom !== '' && !mailFrom.includes('@'))) {
    throw new TypeError('mailFrom must be an address (or empty for the null sender)');
  }
  assertClean('mailFrom', mailFrom);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RangeError('port must be 1–65535');
  if (!Number.isInteger(maxPerMx) || maxPerMx < 1) throw new RangeError('maxPerMx must be at least 1');
  const rejectUnauthorized = tls.rejectUnauthorized ?? false;

  const pools = new Map<string, HostPool>();
  const catchAllCache = new Map<string, { value: boolean; expires: number }>();
  const pending = new Set<Promise<unknown>>();
  let closed = false;

  const track = <T>(task: Promise<T>): Promise<T> => {
    pending.add(task);
    const forget = () => pending.delete(task);
    task.then(forget, forget);
    return task;
  };

  const poolFor = (host: string): HostPool => {
    const key = host.toLowerCase();
    let pool = pools.get(key);
    if (!pool) {
      pool = new HostPool(host, maxPerMx);
      pools.set(key, pool);
    }
    return pool;
  };

  const cachedCatchAll = (domain: string): boolean | null => {
    const entry = catchAllCache.get(domain);
    if (!entry) return null;
    if (entry.expires <= now()) {
      catchAllCache.delete(domain);
      return null;
    }
    return entry.value;
  };

  const rememberCatchAll = (domain: string, value: boolean): void => {
    catchAllCache.delete(domain);
    catchAllCache.set(domain, { value, expires: now() + catchAllTtlMs });
    if (catchAllCache.size > CATCH_ALL_CACHE_MAX) {
      const oldest = catchAllCache.keys().next();
      if (!oldest.done) catchAllCache.delete(oldest.value);
    }
  };

  const failure = (host: string, error: unknown, startTls: boolean): Outcome => ({
    final: false,
    status: 'unknown',
    failure: failureKind(error),
    retryAfterMs: null,
    catchAll: null,
    mxHost: host,
    reply: null,
    message: error instanceof Error ? error.message : String(error),
    startTls,
  });

  const refusal = (
    host: string,
    reply: SmtpReply,
    stage: 'greeting' | 'hello' | 'mail',
    startTls: boolean,
  ): Outcome => {
    const verdict = classifySessionRefusal(reply, stage);
    return {
      final: false,
      status: verdict.status,
      failure: verdict.status === 'unknown' ? 'session' : null,
      retryAfterMs: verdict.retryAfterMs,
      catchAll: null,
      mxHost: host,
      reply,
      message: messageOf(reply),
      startTls,
    };
  };

  /** Closes a connection politely in the background; it counts against the host's limit meanwhile. */
  const retire = (pool: HostPool, conn: SmtpConnection): void => {
    pool.beginClosing();
    track(conn.quit(commandTimeoutMs).finally(() => pool.endClosing()));
  };

  const keepIdle = (pool: HostPool, conn: SmtpConnection): void => {
    conn.setIdle(true);
    conn.idleTimer = setTimeout(() => {
      if (pool.remove(conn)) retire(pool, conn);
    }, idleTimeoutMs);
    conn.idleTimer.unref();
    pool.idle.push(conn);
  };

  /** Connect, greeting, EHLO, STARTTLS when offered (and EHLO again). */
  const open = async (
    pool: HostPool,
    allowTls: boolean,
    requireVerified = false,
  ): Promise<{ conn: SmtpConnection } | { outcome: Outcome }> => {
    const { host } = pool;
    let conn: SmtpConnection;
    try {
      conn = await SmtpConnection.connect(host, port, connectTimeoutMs, options.resolveHost);
    } catch (error) {
      return { outcome: failure(host, error, false) };
    }
    conn.onceClosed(() => pool.remove(conn));
    const refuse = (reply: SmtpReply, stage: 'greeting' | 'hello') => {
      retire(pool, conn);
      return { outcome: refusal(host, reply, stage, conn.secure) };
    };
    try {
      const greeting = await conn.read(commandTimeoutMs, 'greeting');
      if (greeting.code !== 220) return refuse(greeting, 'greeting');
      const hello = await conn.hello(heloName, commandTimeoutMs);
      if (hello.code !== 250) return refuse(hello, 'hello');
      const verify = rejectUnauthorized || requireVerified;
      /** Skips this host: QUIT (over TLS when it is up), then a `tls` failure. */
      const tlsRefused = (message: string) => {
        retire(pool, conn);
        return { outcome: failure(host, new SmtpError('tls', message), conn.secure) };
      };
      if (allowTls && conn.extensions.has('STARTTLS') && (requireVerified || now() >= pool.tlsBrokenUntil)) {
        const starttls = await conn.command('STARTTLS', commandTimeoutMs);
        if (starttls.code === 220) {
          try {
            // The handshake itself never rejects the certificate: node still reports whether it
            // verifies (chain and host name), and an unverified host is left with a QUIT.
            await conn.upgrade({
              servername: net.isIP(host) ? undefined : host,
              rejectUnauthorized: false,
              timeoutMs: commandTimeoutMs,
              ...(tls.ca ? { ca: tls.ca } : {}),
            });
          } catch (error) {
            conn.destroy();
            if (verify) return { outcome: failure(host, error, false) };
            pool.tlsBrokenUntil = now() + TLS_FAILURE_MEMORY_MS;
            return open(pool, false);
          }
          if (verify && !conn.verified) {
            return tlsRefused(`the certificate of ${conn.where} does not verify: ${conn.tlsError}`);
          }
          const again = await conn.hello(heloName, commandTimeoutMs);
          if (again.code !== 250) return refuse(again, 'hello');
        } else if (requireVerified) {
          return tlsRefused(
            `${conn.where} refused STARTTLS (${starttls.code}), which the MTA-STS policy requires`,
          );
        }
      } else if (requireVerified) {
        return tlsRefused(`${conn.where} does not offer STARTTLS, which the MTA-STS policy requires`);
      }
      return { conn };
    } catch (error) {
      conn.destroy();
      return { outcome: failure(host, error, conn.secure) };
    }
  };

  /** MAIL FROM and RCPT TO (plus the catch-all RCPT) on an open connection. */
  const transact = async (
    conn: SmtpConnection,
    address: ProbeAddress,
    domain: string,
  ): Promise<{ outcome: Outcome; reusable: boolean; deadOnArrival: boolean }> => {
    const host = conn.host;
    conn.transactions++;
    if (address.smtputf8 && !conn.extensions.has('SMTPUTF8')) {
      return {
        outcome: {
          final: true,
          status: 'smtputf8_unsupported',
          failure: null,
          retryAfterMs: null,
          catchAll: cachedCatchAll(domain),
          mxHost: host,
          reply: null,
          message: conn.esmtp
            ? 'the server does not offer SMTPUTF8, which this address needs'
            : 'the server does not speak ESMTP (HELO only), so no SMTPUTF8, which this address needs',
          startTls: conn.secure,
        },
        reusable: true,
        deadOnArrival: false,
      };
    }
    const timeout = commandTimeoutMs;
    const mailLine = `MAIL FROM:<${mailFrom}>${address.smtputf8 ? ' SMTPUTF8' : ''}`;
    const rcptLine = `RCPT TO:<${address.ascii}>`;
    // With PIPELINING, RSET (left over from the previous probe), MAIL and RCPT go in one write.
    const pipelined = conn.extensions.has('PIPELINING');
    const rset = conn.dirty;
    let mailAnswered = false;
    try {
      if (pipelined) conn.write([...(rset ? ['RSET'] : []), mailLine, rcptLine]);
      const next = (line: string, what: string) =>
        pipelined ? conn.read(timeout, `reply to ${what}`) : conn.command(line, timeout);
      if (rset) {
        const reset = await next('RSET', 'RSET');
        if (reset.code !== 250) throw new SmtpError('protocol', `${conn.where} refused RSET: ${reset.code}`);
      }
      conn.dirty = true;
      const mail = await next(mailLine, 'MAIL FROM');
      mailAnswered = true;
      if (mail.code !== 250) {
        if (pipelined) await conn.read(timeout, 'reply to RCPT TO'); // 503: no valid MAIL
        return {
          outcome: refusal(host, mail, 'mail', conn.secure),
          reusable: mail.code !== 421,
          deadOnArrival: false,
        };
      }
      const rcpt = await next(rcptLine, 'RCPT TO');
      const verdict = classifyRcpt(rcpt);
      let catchAll = cachedCatchAll(domain);
      // 421 closes the session, but it answers the RCPT like a 451 would: a deferral (asking a
      // backup MX instead would often get a blanket "accepted").
      let reusable = rcpt.code !== 421;
      if (verdict.status === 'accepted' && catchAll === null) {
        try {
          const second = await conn.command(`RCPT TO:<${randomLocalPart()}@${domain}>`, timeout);
          const answer = classifyRcpt(second).status;
          catchAll = answer === 'accepted' ? true : answer === 'mailbox_not_found' ? false : null;
          if (second.code === 421) reusable = false;
        } catch {
          reusable = false;
        }
        if (catchAll !== null) rememberCatchAll(domain, catchAll);
      } else if (verdict.status === 'mailbox_not_found') {
        // A server that refuses a mailbox is no catch-all.
        catchAll = false;
        rememberCatchAll(domain, false);
      }
      return {
        outcome: {
          final: verdict.status !== 'unknown',
          status: verdict.status === 'accepted' && catchAll === true ? 'catch_all' : verdict.status,
          failure: verdict.status === 'unknown' ? 'session' : null,
          retryAfterMs: verdict.retryAfterMs,
          catchAll,
          mxHost: host,
          reply: rcpt,
          message: messageOf(rcpt),
          startTls: conn.secure,
        },
        reusable,
        deadOnArrival: false,
      };
    } catch (error) {
      const dead = !mailAnswered && error instanceof SmtpError && error.kind !== 'timeout';
      return { outcome: failure(host, error, conn.secure), reusable: false, deadOnArrival: dead };
    }
  };

  const tryHost = async (
    host: string,
    address: ProbeAddress,
    domain: string,
    requireVerified: boolean,
  ): Promise<Outcome> => {
    const pool = poolFor(host);
    await pool.acquire();
    let released = false;
    try {
      let conn = reuseConnections ? pool.takeIdle() : null;
      if (conn && requireVerified && !conn.verified) {
        retire(pool, conn); // opened under a looser policy
        conn = null;
      }
      let reused = conn !== null;
      for (;;) {
        if (!conn) {
          const opened = await open(pool, true, requireVerified);
          if ('outcome' in opened) return opened.outcome;
          conn = opened.conn;
          reused = false;
        }
        const { outcome, reusable, deadOnArrival } = await transact(conn, address, domain);
        if (deadOnArrival && reused) {
          // The server dropped the pooled connection while it sat idle: start a fresh one.
          conn.destroy();
          conn = null;
          continue;
        }
        released = true;
        pool.release();
        if (
          reusable &&
          reuseConnections &&
          !closed &&
          conn.usable &&
          conn.transactions < maxProbesPerConnection &&
          conn.errors < MAX_ERRORS_PER_CONNECTION
        ) {
          keepIdle(pool, conn);
        } else {
          retire(pool, conn);
        }
        return outcome;
      }
    } finally {
      if (!released) pool.release();
    }
  };

  const rank = (status: SmtpStatus): number => (status === 'blocked' ? 3 : status === 'greylisted' ? 2 : 1);

  const run = async (
    address: ProbeAddress,
    hosts: MxHost[],
    started: number,
    policy: ProbeTlsPolicy | undefined,
  ): Promise<SmtpResult> => {
    const domain = address.ascii.slice(address.ascii.lastIndexOf('@') + 1).toLowerCase();
    const ordered = [...hosts].sort((a, b) => a.priority - b.priority).slice(0, maxMxHosts);
    let best: Outcome | null = null;
    for (const mx of ordered) {
      const host = mx.exchange.replace(/\.$/, '');
      const outcome = await tryHost(host, address, domain, policy?.requireVerifiedTls === true);
      if (outcome.final) {
        best = outcome;
        break;
      }
      // Not answered here: keep the most telling refusal (a block over a deferral over silence).
      if (!best || rank(outcome.status) >= rank(best.status)) best = outcome;
    }
    const outcome: Outcome = best ?? {
      ...failure('', new SmtpError('connect', 'no MX host to probe'), false),
      mxHost: null,
    };
    const catchAll = outcome.catchAll ?? cachedCatchAll(domain);
    return {
      status: outcome.status,
      retryAfterMs:
        outcome.status === 'greylisted' ? (outcome.retryAfterMs ?? DEFAULT_GREYLIST_RETRY_MS) : null,
      catchAll,
      evidence: {
        failure: outcome.status === 'unknown' ? (outcome.failure ?? 'session') : null,
        mxHost: outcome.mxHost,
        replyCode: outcome.reply?.code ?? null,
        enhancedCode: outcome.reply ? enhancedCodeOf(outcome.reply) : null,
        message: outcome.message,
        startTls: outcome.startTls,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
    };
  };

  return {
    probe(address, hosts, policy) {
      if (closed) return Promise.reject(new Error('the SMTP prober is closed'));
      try {
        assertClean('address', address.ascii);
      } catch (error) {
        return Promise.reject(error);
      }
      if (!address.ascii.includes('@')) return Promise.reject(new TypeError('address.ascii has no domain'));
      return track(run(address, hosts, performance.now(), policy));
    },

    async selfCheck(host = SELF_CHECK_HOST, timeoutMs = connectTimeoutMs) {
      const target = `${host} port ${port}`;
      let conn: SmtpConnection;
      try {
        conn = await SmtpConnection.connect(host, port, timeoutMs, options.resolveHost);
      } catch (error) {
        const smtpError = error instanceof SmtpError ? error : null;
        if (smtpError?.kind === 'timeout') {
          return {
            port25Open: false,
            detail: `no TCP connection to ${target} within ${timeoutMs} ms: outbound port ${port} looks blocked (many cloud providers and ISPs block it), so SMTP probes will report unknown`,
          };
        }
        if (smtpError?.code === 'ECONNREFUSED') {
          return {
            port25Open: false,
            detail: `connection to ${target} refused (ECONNREFUSED): outbound port ${port} is blocked or nothing listens there`,
          };
        }
        if (smtpError?.code === 'ENOTFOUND' || smtpError?.code === 'EAI_AGAIN') {
          return {
            port25Open: false,
            detail: `could not resolve ${host} (${smtpError.code}): DNS failed, port ${port} was not tested`,
          };
        }
        const reason = error instanceof Error ? error.message : String(error);
        return { port25Open: false, detail: `cannot reach ${target}: ${reason}` };
      }
      try {
        const greeting = await conn.read(timeoutMs, 'greeting');
        await conn.quit(timeoutMs);
        return {
          port25Open: true,
          detail: `connected to ${target}; greeting ${greeting.code} ${messageOf(greeting)}`.trim(),
        };
      } catch {
        conn.destroy();
        return {
          port25Open: true,
          detail: `TCP connection to ${target} works, but no SMTP greeting came within ${timeoutMs} ms`,
        };
      }
    },

    async close() {
      closed = true;
      while (pending.size > 0) await Promise.allSettled([...pending]);
      const quits: Promise<void>[] = [];
      for (const pool of pools.values()) {
        for (const conn of pool.idle.splice(0)) quits.push(conn.quit(commandTimeoutMs));
      }
      await Promise.allSettled(quits);
    },
  };
}
