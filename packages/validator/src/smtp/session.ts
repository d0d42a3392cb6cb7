// Sessions with one MX host: opening one (connect, greeting, EHLO, STARTTLS when offered), keeping
// it idle for reuse, and closing it politely. Shared by the single probe and the batched one.
import net from 'node:net';
import type { CatchAllCache } from './catch-all.ts';
import { SmtpConnection, SmtpError } from './connection.ts';
import type { HostPool } from './host-pool.ts';
import type { ProberSettings } from './options.ts';
import { defers, failure, type Outcome, refusal } from './outcome.ts';
import type { SmtpReply } from './reply.ts';

/** After a failed TLS handshake with a host, plain text is used with it for this long. */
const TLS_FAILURE_MEMORY_MS = 3_600_000;
/**
 * Error replies after which a connection is not reused: Postfix delays every reply by a second
 * after 10 (smtpd_soft_error_limit) and hangs up after 20; rejected RCPTs count.
 */
export const MAX_ERRORS_PER_CONNECTION = 8;

/** What the parts of one prober share. */
export interface ProberContext {
  settings: ProberSettings;
  catchAll: CatchAllCache;
  poolFor(host: string): HostPool;
  /** Keeps a task in the set close() waits for. */
  track<T>(task: Promise<T>): Promise<T>;
  isClosed(): boolean;
}

export type Opened = { conn: SmtpConnection } | { outcome: Outcome };

/** Closes a connection politely in the background; it counts against the host's limit meanwhile. */
export function retire(ctx: ProberContext, pool: HostPool, conn: SmtpConnection): void {
  pool.beginClosing();
  ctx.track(conn.quit(ctx.settings.commandTimeoutMs).finally(() => pool.endClosing()));
}

function keepIdle(ctx: ProberContext, pool: HostPool, conn: SmtpConnection): void {
  conn.setIdle(true);
  conn.idleTimer = setTimeout(() => {
    if (pool.remove(conn)) retire(ctx, pool, conn);
  }, ctx.settings.idleTimeoutMs);
  conn.idleTimer.unref();
  pool.idle.push(conn);
}

/** After a transaction: back to the idle connections while it may serve more, QUIT otherwise. */
export function finish(ctx: ProberContext, pool: HostPool, conn: SmtpConnection, reusable: boolean): void {
  const { settings } = ctx;
  if (
    reusable &&
    settings.reuseConnections &&
    !ctx.isClosed() &&
    conn.usable &&
    conn.transactions < settings.maxProbesPerConnection &&
    conn.rcpts < settings.maxRcptsPerSession &&
    conn.errors < MAX_ERRORS_PER_CONNECTION
  ) {
    keepIdle(ctx, pool, conn);
  } else {
    retire(ctx, pool, conn);
  }
}

/** STARTTLS when offered (and EHLO again); null when the session may go on, else why not. */
async function startTls(
  ctx: ProberContext,
  pool: HostPool,
  conn: SmtpConnection,
  requireVerified: boolean,
): Promise<Opened | 'retry-plain' | null> {
  const { settings } = ctx;
  const { host } = pool;
  const verify = settings.rejectUnauthorized || requireVerified;
  /** Skips this host: QUIT (over TLS when it is up), then a `tls` failure. */
  const tlsRefused = (message: string) => {
    retire(ctx, pool, conn);
    return { outcome: failure(host, new SmtpError('tls', message), conn.secure) };
  };
  if (!conn.extensions.has('STARTTLS') || (!requireVerified && settings.now() < pool.tlsBrokenUntil)) {
    return requireVerified
      ? tlsRefused(`${conn.where} does not offer STARTTLS, which the MTA-STS policy requires`)
      : null;
  }
  const reply = await conn.command('STARTTLS', settings.commandTimeoutMs);
  if (reply.code !== 220) {
    return requireVerified
      ? tlsRefused(`${conn.where} refused STARTTLS (${reply.code}), which the MTA-STS policy requires`)
      : null;
  }
  try {
    // The handshake itself never rejects the certificate: node still reports whether it verifies
    // (chain and host name), and an unverified host is left with a QUIT.
    await conn.upgrade({
      servername: net.isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      timeoutMs: settings.commandTimeoutMs,
      ...(settings.ca ? { ca: settings.ca } : {}),
    });
  } catch (error) {
    conn.destroy();
    if (verify) return { outcome: failure(host, error, false) };
    pool.tlsBrokenUntil = settings.now() + TLS_FAILURE_MEMORY_MS;
    return 'retry-plain';
  }
  if (verify && !conn.verified) {
    return tlsRefused(`the certificate of ${conn.where} does not verify: ${conn.tlsError}`);
  }
  const again = await conn.hello(settings.heloName, settings.commandTimeoutMs);
  return again.code === 250 ? null : refuse(ctx, pool, conn, again, 'hello');
}

function refuse(
  ctx: ProberContext,
  pool: HostPool,
  conn: SmtpConnection,
  reply: SmtpReply,
  stage: 'greeting' | 'hello',
): Opened {
  if (defers(reply, stage)) pool.deferred();
  retire(ctx, pool, conn);
  return { outcome: refusal(pool.host, reply, stage, conn.secure) };
}

/** Connect, greeting, EHLO, STARTTLS when offered (and EHLO again). */
export async function openSession(
  ctx: ProberContext,
  pool: HostPool,
  requireVerified = false,
  allowTls = true,
): Promise<Opened> {
  const { settings } = ctx;
  const { host } = pool;
  let conn: SmtpConnection;
  try {
    conn = await SmtpConnection.connect(host, settings.port, settings.connectTimeoutMs, settings.resolveHost);
  } catch (error) {
    return { outcome: failure(host, error, false) };
  }
  conn.onceClosed(() => pool.remove(conn));
  try {
    const greeting = await conn.read(settings.commandTimeoutMs, 'greeting');
    if (greeting.code !== 220) return refuse(ctx, pool, conn, greeting, 'greeting');
    const hello = await conn.hello(settings.heloName, settings.commandTimeoutMs);
    if (hello.code !== 250) return refuse(ctx, pool, conn, hello, 'hello');
    const tls = allowTls ? await startTls(ctx, pool, conn, requireVerified) : null;
    if (tls === 'retry-plain') return openSession(ctx, pool, requireVerified, false);
    if (tls) return tls;
    pool.succeeded();
    return { conn };
  } catch (error) {
    conn.destroy();
    return { outcome: failure(host, error, conn.secure) };
  }
}
