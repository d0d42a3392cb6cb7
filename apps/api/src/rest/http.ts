// Plain-HTTP helpers shared by /v1 and the dashboard's /api routes: the one error body, zod input
// parsing that turns the first issue into a VALIDATION_FAILED DomainError with a human message, and
// the "lingering discard" of a request body that is refused before it was read to its end.
import type { ErrorBody } from '@postern/contracts';
import { DomainError } from '@postern/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_TABLE } from '../errors.ts';

export function sendError(req: FastifyRequest, reply: FastifyReply, error: DomainError) {
  const body: ErrorBody = { code: error.code, message: error.message, requestId: String(req.id) };
  const retryAfter = error.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.code(ERROR_TABLE[error.code].http).send(body);
}

interface SafeParser<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/** Parses `value` with `schema`; the first issue becomes VALIDATION_FAILED "<path>: <message>". */
export function parseInput<T>(schema: SafeParser<T>, value: unknown, what = 'body'): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DomainError(
      'VALIDATION_FAILED',
      `${issue?.path.map(String).join('.') || what}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/** How long, and how many bytes, a refused body is still read (and dropped) after the answer. */
const LINGER_MS = 2000;
const LINGER_BYTES = 8 * 1024 * 1024;

/**
 * For an answer sent before the request body has fully arrived (an upload over the limit, refused,
 * failed half-way, or a replay): nothing more of the body is kept. It is read and dropped so the
 * client, still sending, gets to read the answer (closing a socket with unread input resets the
 * connection, and most clients then lose the answer), and the connection is destroyed once
 * `maxBytes` more have arrived or `lingerMs` after the answer (null: no time limit), whichever
 * comes first.
 */
export function discardRestOfBody(
  req: FastifyRequest,
  reply: FastifyReply,
  limits: { maxBytes?: number; lingerMs?: number | null } = {},
): void {
  const raw = req.raw;
  if (raw.complete || raw.destroyed) return;
  const maxBytes = limits.maxBytes ?? LINGER_BYTES;
  const lingerMs = limits.lingerMs === undefined ? LINGER_MS : limits.lingerMs;
  raw.unpipe();
  let dropped = 0;
  let cutOff = false;
  const cut = () => {
    if (cutOff) return;
    cutOff = true;
    // (A test's injected request has a socket stand-in without destroy.)
    const socket = raw.socket as { destroy?: () => void } | null;
    if (typeof socket?.destroy === 'function') socket.destroy();
    else raw.destroy();
  };
  raw.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > maxBytes) cut();
  });
  raw.resume();
  if (lingerMs === null) return;
  reply.raw.once('finish', () => {
    if (raw.complete) return;
    const timer = setTimeout(cut, lingerMs);
    timer.unref();
    raw.once('end', () => clearTimeout(timer));
    raw.once('close', () => clearTimeout(timer));
  });
}
