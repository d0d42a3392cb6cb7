// The one error handler of the plain-HTTP routes: a DomainError through the error table
// (apps/api/src/errors.ts), a route schema's validation failure as VALIDATION_FAILED "<path>: <message>",
// a key-value store outage as UNAVAILABLE with Retry-After, Fastify's own client errors (bad JSON, body too large) with their safe messages, anything else 500.
// Every body has the one shape { code, message, requestId }; an answer given before the request body
// has arrived drops the rest of it (body.ts).
import type { ErrorBody } from '@postern/contracts';
import { DomainError } from '@postern/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { codeForHttpStatus, ERROR_TABLE, storeOutageError } from '../../errors.ts';
import { discardRestOfBody } from './body.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The message of a 413 on this route (e.g. where to send larger bodies). */
    bodyTooLargeMessage?: string;
  }
}

export function sendError(req: FastifyRequest, reply: FastifyReply, error: DomainError) {
  const body: ErrorBody = { code: error.code, message: error.message, requestId: String(req.id) };
  const retryAfter = error.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  const status = ERROR_TABLE[error.code].http;
  if (status === 401 && req.url.startsWith('/v1/')) reply.header('www-authenticate', bearerChallenge(req));
  return reply.code(status).send(body);
}

/**
 * The RFC 6750 challenge of a 401 on /v1: without credentials, only the scheme and realm (section
 * 3.1: no error code when the request carried no authentication); with a key that was refused,
 * `error="invalid_token"`.
 */
function bearerChallenge(req: FastifyRequest): string {
  const realm = 'Bearer realm="postern"';
  return req.headers.authorization ? `${realm}, error="invalid_token"` : realm;
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

const CONTEXTS: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'headers',
};

/** A route schema's refusal, worded like parseInput's. */
function validationError(error: FastifyError): DomainError | null {
  if (!hasZodFastifySchemaValidationErrors(error)) return null;
  const issue = error.validation[0];
  const path = issue?.instancePath.slice(1).replaceAll('/', '.');
  const what = CONTEXTS[error.validationContext ?? 'body'] ?? 'body';
  return new DomainError('VALIDATION_FAILED', `${path || what}: ${issue?.message ?? 'invalid'}`);
}

export function httpErrorHandler(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (reply.sent) return;
  if (!req.raw.complete) discardRestOfBody(req, reply);
  // A key-value store outage is UNAVAILABLE (503) with Retry-After (errors.ts).
  const domain = error instanceof DomainError ? error : (storeOutageError(error) ?? validationError(error));
  if (domain) {
    if (domain.code === 'INTERNAL') req.log.error({ err: error }, 'request failed');
    if (domain !== error && domain.details?.reason === 'store_unavailable')
      req.log.warn({ err: error }, 'request refused: key-value store unavailable');
    return sendError(
      req,
      reply,
      domain.code === 'INTERNAL' ? new DomainError('INTERNAL', 'Internal error') : domain,
    );
  }
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (status >= 500) req.log.error({ err: error }, 'request failed');
  const tooLarge = status === 413 ? req.routeOptions.config?.bodyTooLargeMessage : undefined;
  const body: ErrorBody = {
    code: codeForHttpStatus(status),
    // Client errors raised by Fastify (bad JSON, body too large) have safe messages; server errors do not.
    message: status >= 500 ? 'Internal error' : (tooLarge ?? error.message),
    requestId: String(req.id),
  };
  return reply.code(status).send(body);
}
