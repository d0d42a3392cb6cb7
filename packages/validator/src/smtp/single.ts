// The single probe: one address, MX hosts in priority order, one transaction (MAIL FROM, RCPT TO and,
// for an accepted mailbox of a domain not known yet, a random RCPT for catch-all detection) on a
// pooled connection. The first RCPT answer decides; a host that cannot be reached, times out or
// defers the session hands over to the next.
import type { MxHost, SmtpResult } from '../types.ts';
import { randomLocalPart } from './catch-all.ts';
import { type SmtpConnection, SmtpError } from './connection.ts';
import { defers, failure, moreTelling, type Outcome, refusal, toResult } from './outcome.ts';
import { classifyRcpt, messageOf, type RcptVerdict, type SmtpReply } from './reply.ts';
import { finish, openSession, type ProberContext, retire } from './session.ts';

/** The address as the syntax stage returns it (`ascii`: local part @ A-label domain). */
export interface ProbeAddress {
  local: string;
  ascii: string;
  /** The local part is not ASCII: MAIL FROM needs the SMTPUTF8 parameter. */
  smtputf8: boolean;
}

/** What one probe demands of TLS (an MTA-STS policy in `enforce` mode). */
export interface ProbeTlsPolicy {
  /** STARTTLS must succeed with a certificate that verifies for the MX host name; otherwise the host is skipped. */
  requireVerifiedTls: boolean;
}

interface Transacted {
  outcome: Outcome;
  reusable: boolean;
  /** The connection was found dead before the server answered anything (a pooled one gone stale). */
  deadOnArrival: boolean;
}

export const domainOf = (address: ProbeAddress) =>
  address.ascii.slice(address.ascii.lastIndexOf('@') + 1).toLowerCase();

/** The outcome for an address that needs SMTPUTF8 on a host without it (no RCPT is sent). */
export function noSmtputf8(conn: SmtpConnection, catchAll: boolean | null): Outcome {
  return {
    final: true,
    status: 'smtputf8_unsupported',
    failure: null,
    retryAfterMs: null,
    catchAll,
    mxHost: conn.host,
    reply: null,
    message: conn.esmtp
      ? 'the server does not offer SMTPUTF8, which this address needs'
      : 'the server does not speak ESMTP (HELO only), so no SMTPUTF8, which this address needs',
    startTls: conn.secure,
  };
}

/** The catch-all RCPT after an accepted mailbox; its answer is remembered for the domain. */
async function detectCatchAll(
  ctx: ProberContext,
  conn: SmtpConnection,
  domain: string,
): Promise<{ catchAll: boolean | null; reusable: boolean }> {
  try {
    conn.rcpts++;
    const second = await conn.command(
      `RCPT TO:<${randomLocalPart()}@${domain}>`,
      ctx.settings.commandTimeoutMs,
    );
    const answer = classifyRcpt(second).status;
    const catchAll = answer === 'accepted' ? true : answer === 'mailbox_not_found' ? false : null;
    if (catchAll !== null) ctx.catchAll.remember(domain, catchAll);
    return { catchAll, reusable: second.code !== 421 };
  } catch {
    return { catchAll: null, reusable: false };
  }
}

/** MAIL FROM and RCPT TO (plus the catch-all RCPT) on an open connection. */
async function transact(
  ctx: ProberContext,
  conn: SmtpConnection,
  address: ProbeAddress,
): Promise<Transacted> {
  const domain = domainOf(address);
  conn.transactions++;
  if (address.smtputf8 && !conn.extensions.has('SMTPUTF8')) {
    return { outcome: noSmtputf8(conn, ctx.catchAll.get(domain)), reusable: true, deadOnArrival: false };
  }
  const timeout = ctx.settings.commandTimeoutMs;
  const mailLine = `MAIL FROM:<${ctx.settings.mailFrom}>${address.smtputf8 ? ' SMTPUTF8' : ''}`;
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
      if (defers(mail, 'mail')) ctx.poolFor(conn.host).deferred();
      return {
        outcome: refusal(conn.host, mail, 'mail', conn.secure),
        reusable: mail.code !== 421,
        deadOnArrival: false,
      };
    }
    conn.rcpts++;
    const rcpt = await next(rcptLine, 'RCPT TO');
    const verdict = classifyRcpt(rcpt);
    let catchAll = ctx.catchAll.get(domain);
    // 421 closes the session, but it answers the RCPT like a 451 would: a deferral (asking a
    // backup MX instead would often get a blanket "accepted").
    let reusable = rcpt.code !== 421;
    if (rcpt.code === 421) ctx.poolFor(conn.host).deferred();
    if (verdict.status === 'accepted' && catchAll === null) {
      const detected = await detectCatchAll(ctx, conn, domain);
      catchAll = detected.catchAll;
      reusable &&= detected.reusable;
    } else if (verdict.status === 'mailbox_not_found') {
      // A server that refuses a mailbox is no catch-all.
      catchAll = false;
      ctx.catchAll.remember(domain, false);
    }
    const outcome = rcptOutcome(conn, rcpt, verdict, catchAll);
    return { outcome, reusable, deadOnArrival: false };
  } catch (error) {
    const dead = !mailAnswered && error instanceof SmtpError && error.kind !== 'timeout';
    return { outcome: failure(conn.host, error, conn.secure), reusable: false, deadOnArrival: dead };
  }
}

/** The outcome of a RCPT answer, given what is known of the domain's catch-all. */
export function rcptOutcome(
  conn: SmtpConnection,
  rcpt: SmtpReply,
  verdict: RcptVerdict,
  catchAll: boolean | null,
): Outcome {
  return {
    final: verdict.status !== 'unknown',
    status: verdict.status === 'accepted' && catchAll === true ? 'catch_all' : verdict.status,
    failure: verdict.status === 'unknown' ? 'session' : null,
    retryAfterMs: verdict.retryAfterMs,
    catchAll,
    mxHost: conn.host,
    reply: rcpt,
    message: messageOf(rcpt),
    startTls: conn.secure,
  };
}

/** One address on one MX host: a pooled connection (or a new one), one transaction. */
async function tryHost(
  ctx: ProberContext,
  host: string,
  address: ProbeAddress,
  requireVerified: boolean,
): Promise<Outcome> {
  const pool = ctx.poolFor(host);
  await pool.acquire();
  try {
    let conn = ctx.settings.reuseConnections ? pool.takeIdle() : null;
    if (conn && requireVerified && !conn.verified) {
      retire(ctx, pool, conn); // opened under a looser policy
      conn = null;
    }
    let reused = conn !== null;
    for (;;) {
      if (!conn) {
        const opened = await openSession(ctx, pool, requireVerified);
        if ('outcome' in opened) return opened.outcome;
        conn = opened.conn;
        reused = false;
      }
      const { outcome, reusable, deadOnArrival } = await transact(ctx, conn, address);
      if (deadOnArrival && reused) {
        // The server dropped the pooled connection while it sat idle: start a fresh one.
        conn.destroy();
        conn = null;
        continue;
      }
      finish(ctx, pool, conn, reusable);
      return outcome;
    }
  } finally {
    pool.release();
  }
}

/** MX host names in the order they are asked (priority, at most `maxMxHosts`). */
export function orderedHosts(ctx: ProberContext, hosts: MxHost[]): string[] {
  return [...hosts]
    .sort((a, b) => a.priority - b.priority)
    .slice(0, ctx.settings.maxMxHosts)
    .map((mx) => mx.exchange.replace(/\.$/, ''));
}

/**
 * Asks `hosts` in order until one answers the RCPT; otherwise the most telling refusal. `best` is
 * what hosts asked before (by the batched probe) said.
 */
export async function probeHosts(
  ctx: ProberContext,
  address: ProbeAddress,
  hosts: string[],
  started: number,
  policy: ProbeTlsPolicy | undefined,
  best: Outcome | null = null,
): Promise<SmtpResult> {
  let found = best;
  for (const host of hosts) {
    const outcome = await tryHost(ctx, host, address, policy?.requireVerifiedTls === true);
    if (outcome.final) {
      found = outcome;
      break;
    }
    // Not answered here: keep the most telling refusal (a block over a deferral over silence).
    found = moreTelling(found, outcome);
  }
  return toResult(found, ctx.catchAll.get(domainOf(address)), started);
}
