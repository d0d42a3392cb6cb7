// What one MX host said about one address, and how that becomes the probe's SmtpResult.
import { performance } from 'node:perf_hooks';
import type { SmtpFailureKind, SmtpResult, SmtpStatus } from '../types.ts';
import { SmtpError } from './connection.ts';
import {
  classifySessionRefusal,
  DEFAULT_GREYLIST_RETRY_MS,
  enhancedCodeOf,
  messageOf,
  type SmtpReply,
} from './reply.ts';

/** What one MX host said; `final` when it answered the RCPT (no other host is asked). */
export interface Outcome {
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

/** The kind of a failure that kept an MX host from answering. */
export function failureKind(error: unknown): SmtpFailureKind {
  if (!(error instanceof SmtpError)) return 'session';
  if (error.kind === 'timeout' || error.code === 'ETIMEDOUT') return 'timeout';
  if (error.kind === 'connect') return 'connect';
  if (error.kind === 'tls') return 'tls';
  return 'session';
}

export function failure(host: string | null, error: unknown, startTls: boolean): Outcome {
  return {
    final: false,
    status: 'unknown',
    failure: failureKind(error),
    retryAfterMs: null,
    catchAll: null,
    mxHost: host,
    reply: null,
    message: error instanceof Error ? error.message : String(error),
    startTls,
  };
}

/** A refusal before RCPT (greeting, EHLO, MAIL FROM). */
export function refusal(
  host: string,
  reply: SmtpReply,
  stage: 'greeting' | 'hello' | 'mail',
  startTls: boolean,
): Outcome {
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
}

/** A reply that defers the session (the host is busy or over its limit): the pool backs off. */
export function defers(reply: SmtpReply | null, stage: 'greeting' | 'hello' | 'mail' | 'rcpt'): boolean {
  if (!reply) return false;
  if (reply.code === 421) return true;
  return (stage === 'greeting' || stage === 'hello') && reply.code >= 400 && reply.code < 500;
}

/** How telling a refusal is when no host answered: a block over a deferral over silence. */
export const rank = (status: SmtpStatus): number =>
  status === 'blocked' ? 3 : status === 'greylisted' ? 2 : 1;

/** The better of two non-final outcomes (the later one on a tie, as hosts are asked in order). */
export function moreTelling(best: Outcome | null, outcome: Outcome): Outcome {
  return !best || rank(outcome.status) >= rank(best.status) ? outcome : best;
}

export function toResult(outcome: Outcome | null, catchAll: boolean | null, started: number): SmtpResult {
  const found: Outcome = outcome ?? {
    ...failure(null, new SmtpError('connect', 'no MX host to probe'), false),
  };
  return {
    status: found.status,
    retryAfterMs: found.status === 'greylisted' ? (found.retryAfterMs ?? DEFAULT_GREYLIST_RETRY_MS) : null,
    catchAll: found.catchAll ?? catchAll,
    evidence: {
      failure: found.status === 'unknown' ? (found.failure ?? 'session') : null,
      mxHost: found.mxHost,
      replyCode: found.reply?.code ?? null,
      enhancedCode: found.reply ? enhancedCodeOf(found.reply) : null,
      message: found.message,
      startTls: found.startTls,
      ms: Math.round((performance.now() - started) * 10) / 10,
    },
  };
}
