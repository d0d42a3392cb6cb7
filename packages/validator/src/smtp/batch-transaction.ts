// One batched transaction on an open session: MAIL FROM once, then one random RCPT per domain whose
// catch-all answer is not known yet and a RCPT per address, all in one write when the server offers
// PIPELINING (RFC 2920), one by one otherwise; RSET first when the session ran a transaction before.
// Each RCPT answer is classified exactly as the single probe's (reply.ts), and each address is
// answered as soon as its reply is in.
import { randomLocalPart } from './catch-all.ts';
import { type SmtpConnection, SmtpError } from './connection.ts';
import { defers, failure, type Outcome, refusal } from './outcome.ts';
import { classifyRcpt, type SmtpReply } from './reply.ts';
import type { ProberContext } from './session.ts';
import { type ProbeAddress, rcptOutcome } from './single.ts';

/** An address waiting in an MX host's queue. */
export interface BatchItem {
  address: ProbeAddress;
  domain: string;
  /** Sessions that ended before answering it. */
  attempts: number;
  resolve(outcome: Outcome): void;
}

export interface Batch {
  items: BatchItem[];
  /** Domains this transaction finds out about (one random RCPT each). */
  detect: Set<string>;
}

export interface BatchTransacted {
  reusable: boolean;
  /** The session was found dead before the server answered anything (a pooled one gone stale). */
  deadOnArrival: boolean;
  /** Items the session ended before answering (to be asked again), with why. */
  unanswered: BatchItem[];
  error: unknown;
}

/** What the random RCPT said: true catch-all, false not, null no telling answer. */
function catchAllOf(reply: SmtpReply | undefined): boolean | null {
  if (!reply) return null;
  const status = classifyRcpt(reply).status;
  return status === 'accepted' ? true : status === 'mailbox_not_found' ? false : null;
}

/**
 * Reads the RCPT replies (sending each RCPT first when not pipelined), handing each to `onReply` as it
 * comes, until one fails or a 421 closes the session. Returns how many were answered.
 */
async function readRcpts(
  ctx: ProberContext,
  conn: SmtpConnection,
  lines: string[],
  pipelined: boolean,
  onReply: (index: number, reply: SmtpReply) => void,
): Promise<{ count: number; deferred: boolean; error: unknown }> {
  const timeout = ctx.settings.commandTimeoutMs;
  let count = 0;
  try {
    for (const line of lines) {
      const reply = pipelined
        ? await conn.read(timeout, 'reply to RCPT TO')
        : await conn.command(line, timeout);
      onReply(count++, reply);
      // 421 closes the session: the RCPTs after it get no answer.
      if (reply.code === 421) return { count, deferred: true, error: null };
    }
    return { count, deferred: false, error: null };
  } catch (error) {
    return { count, deferred: false, error };
  }
}

/** Answers one address from its RCPT reply, as the single probe would. */
async function answerItem(ctx: ProberContext, conn: SmtpConnection, item: BatchItem, reply: SmtpReply) {
  const verdict = classifyRcpt(reply);
  let catchAll = ctx.catchAll.get(item.domain);
  if (verdict.status === 'mailbox_not_found') {
    // A server that refuses a mailbox is no catch-all.
    catchAll = false;
    ctx.catchAll.remember(item.domain, false);
  } else if (catchAll === null && verdict.status === 'accepted') {
    // Being found out by another session right now.
    catchAll = (await ctx.catchAll.awaiting(item.domain)) ?? ctx.catchAll.get(item.domain);
  }
  item.resolve(rcptOutcome(conn, reply, verdict, catchAll));
}

/** MAIL FROM refused: every item gets the refusal (the next MX may answer); the RCPT replies are read. */
async function mailRefused(
  ctx: ProberContext,
  conn: SmtpConnection,
  batch: Batch,
  mail: SmtpReply,
  pipelined: boolean,
  rcptLines: string[],
): Promise<BatchTransacted> {
  if (defers(mail, 'mail')) ctx.poolFor(conn.host).deferred();
  if (pipelined && mail.code !== 421) await readRcpts(ctx, conn, rcptLines, true, () => {}); // 503: no valid MAIL
  const outcome = refusal(conn.host, mail, 'mail', conn.secure);
  for (const item of batch.items) item.resolve(outcome);
  return { reusable: mail.code !== 421 && conn.usable, deadOnArrival: false, unanswered: [], error: null };
}

export async function transactBatch(
  ctx: ProberContext,
  conn: SmtpConnection,
  batch: Batch,
): Promise<BatchTransacted> {
  const { settings, catchAll } = ctx;
  const timeout = settings.commandTimeoutMs;
  const settle = new Map([...batch.detect].map((domain) => [domain, catchAll.begin(domain)]));
  const utf8 = batch.items.some((item) => item.address.smtputf8);
  const mailLine = `MAIL FROM:<${settings.mailFrom}>${utf8 ? ' SMTPUTF8' : ''}`;
  // The catch-all RCPTs first: their answers are in before the addresses', which are answered as
  // their replies come.
  const domains = [...batch.detect];
  const rcptLines = [
    ...domains.map((domain) => `RCPT TO:<${randomLocalPart()}@${domain}>`),
    ...batch.items.map((item) => `RCPT TO:<${item.address.ascii}>`),
  ];
  const pipelined = conn.extensions.has('PIPELINING');
  const rset = conn.dirty;
  conn.transactions++;
  let mailAnswered = false;
  try {
    if (pipelined) conn.write([...(rset ? ['RSET'] : []), mailLine, ...rcptLines]);
    const next = (line: string, what: string) =>
      pipelined ? conn.read(timeout, `reply to ${what}`) : conn.command(line, timeout);
    if (rset) {
      const reset = await next('RSET', 'RSET');
      if (reset.code !== 250) throw new SmtpError('protocol', `${conn.where} refused RSET: ${reset.code}`);
    }
    conn.dirty = true;
    const mail = await next(mailLine, 'MAIL FROM');
    mailAnswered = true;
    if (mail.code !== 250) return await mailRefused(ctx, conn, batch, mail, pipelined, rcptLines);
    conn.rcpts += rcptLines.length;
    const answering: Promise<void>[] = [];
    const read = await readRcpts(ctx, conn, rcptLines, pipelined, (i, reply) => {
      const domain = domains[i];
      if (domain !== undefined) {
        settle.get(domain)?.(catchAllOf(reply));
        settle.delete(domain);
      } else answering.push(answerItem(ctx, conn, batch.items[i - domains.length] as BatchItem, reply));
    });
    if (read.deferred) ctx.poolFor(conn.host).deferred();
    await Promise.all(answering);
    const unanswered = batch.items.slice(Math.max(0, read.count - domains.length));
    const reusable = !read.deferred && read.error === null && conn.usable;
    return {
      reusable,
      deadOnArrival: false,
      unanswered,
      error: read.error ?? 'the server closed the session',
    };
  } catch (error) {
    const dead = !mailAnswered && error instanceof SmtpError && error.kind !== 'timeout';
    return { reusable: false, deadOnArrival: dead, unanswered: batch.items, error };
  } finally {
    for (const own of settle.values()) own(null);
  }
}

/** The outcome for items a host never answered (after their last attempt). */
export const unansweredOutcome = (conn: SmtpConnection, error: unknown): Outcome =>
  failure(conn.host, error, conn.secure);
