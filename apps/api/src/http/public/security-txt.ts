// /.well-known/security.txt (RFC 9116): where to report a vulnerability, and until when that holds.
import type { Config } from '@postern/runtime';
import type { FastifyInstance } from 'fastify';

const DAY_MS = 86_400_000;

/** The file's text at `now`: Expires moves with the clock, so a deployment never serves a stale one. */
export function securityTxt(config: Config, now: Date): string {
  const { contact, expiresDays, policyUrl } = config.securityTxt;
  const expires = new Date(now.getTime() + expiresDays * DAY_MS);
  const lines = [
    `Contact: ${contact}`,
    `Expires: ${expires.toISOString()}`,
    ...(policyUrl ? [`Policy: ${policyUrl}`] : []),
    'Preferred-Languages: en',
    `Canonical: ${config.publicUrl}/.well-known/security.txt`,
  ];
  return `${lines.join('\n')}\n`;
}

export function securityTxtRoute(app: FastifyInstance, config: Config) {
  app.get('/.well-known/security.txt', async (_req, reply) => {
    reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=86400');
    return securityTxt(config, new Date());
  });
}
