// What the recipient pages' POSTs share: the urlencoded body of a plain HTML form (parsed in the
// pages' own plugin scope, at most 16 KB), and the per-IP limit of form posts (a fixed one-minute
// window in the KV store, keyed by a keyed hash of the IP: no address in clear in Redis).
import { keyedHash } from '@postern/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiDeps } from '../../deps.ts';

export const FORM_BODY_LIMIT = 16 * 1024;

/** Adds the parser of `application/x-www-form-urlencoded` bodies (last value of a repeated field wins). */
export function acceptForms(app: FastifyInstance) {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
}

/** One field of a parsed form body, as a string ('' when absent or not a string). */
export function field(req: FastifyRequest, name: string): string {
  const body = req.body as Record<string, unknown> | undefined;
  const value = body && typeof body === 'object' ? body[name] : undefined;
  return typeof value === 'string' ? value : '';
}

/** True while the client's IP stays within OPT_IN_FORM_POSTS_PER_MINUTE. */
export async function withinIpLimit(deps: ApiDeps, req: FastifyRequest): Promise<boolean> {
  const key = `optin:ip:${keyedHash(deps.config.secret, 'opt-in-ip', req.ip ?? 'unknown')}`;
  return (await deps.kv.incr(key, 60)) <= deps.config.optIn.formPostsPerMinute;
}
