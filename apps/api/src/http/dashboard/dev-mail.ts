// GET /api/dev/mail: the development mail viewer's data — Postern's own emails captured as .eml files
// in MAIL_DIR when no SMTP_URL is set. The route exists only outside production (NODE_ENV=production
// never registers it: 404 like any unknown path), only when mail goes to a folder at all, and only to
// this machine (the messages carry sign-in and reset links): another peer gets 404 too.
import { ZCapturedMailList } from '@postern/contracts';
import { DomainError, readDevMailbox } from '@postern/core';
import type { Config } from '@postern/runtime';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../../deps.ts';

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

/** The folder the viewer reads, or undefined when the route must not exist. */
export function devMailDir(config: Pick<Config, 'env' | 'smtpUrl' | 'mailDir'>): string | undefined {
  if (config.env === 'production' || config.smtpUrl) return undefined;
  return config.mailDir;
}

export async function devMailRoutes(app: FastifyInstance, opts: { deps: ApiDeps; dir: string }) {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/dev/mail', { schema: { response: { 200: ZCapturedMailList } } }, async (req, reply) => {
      // The TCP peer, not X-Forwarded-For: a proxy cannot make a remote request look local.
      if (!LOOPBACK.test(req.socket.remoteAddress ?? ''))
        throw new DomainError('NOT_FOUND', 'No route for GET /api/dev/mail');
      reply.header('cache-control', 'no-store');
      return { dir: opts.dir, messages: await readDevMailbox(opts.dir) };
    });
}
