// GET /oauth/<gmail|outlook>/callback: where Google or Microsoft send the browser back after the user
// granted (or refused) access. Core does the work (state, code exchange with PKCE, XOAUTH2 test, sealed
// storage); this route only redirects to the dashboard's Email accounts page with `oauth=<result>`
// (and `mailbox=<id>` on success) — never a token, never the provider's error text. The state is the
// proof of who started the flow (bound to member and workspace, single use), so the route needs no
// session cookie: the provider's redirect is cross-site and a session may have lapsed meanwhile.
import { completeMailboxOAuth, MailboxOAuthFailure } from '@postern/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';
import { coreContextFor } from '../shared/request.ts';

const ZParams = z.object({ provider: z.string().max(16) });
// Unknown parameters (scope, authuser, session_state, iss…) are ignored; long values are refused by core.
const ZQuery = z.looseObject({
  state: z.string().optional(),
  code: z.string().optional(),
  error: z.string().optional(),
});

function back(
  reply: FastifyReply,
  deps: ApiDeps,
  workspaceId: string | null,
  params: Record<string, string>,
) {
  const base = deps.config.dashboardOrigin.replace(/\/$/, '');
  const url = new URL(workspaceId ? `${base}/w/${workspaceId}/mailboxes` : `${base}/`);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  // The code and state must not travel on as a Referer: the landing page gets none.
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cache-control', 'no-store');
  return reply.redirect(url.toString(), 303);
}

export async function oauthCallbackRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/:provider/callback', { schema: { params: ZParams, querystring: ZQuery } }, async (req, reply) => {
      const ctx = coreContextFor(deps, req);
      try {
        const outcome = await completeMailboxOAuth(ctx, req.params.provider, {
          state: req.query.state,
          code: req.query.code,
          error: req.query.error,
        });
        return back(reply, deps, outcome.workspaceId, { oauth: outcome.result, mailbox: outcome.mailboxId });
      } catch (error) {
        if (error instanceof MailboxOAuthFailure) {
          deps.logger.info(
            { requestId: req.id, provider: req.params.provider, result: error.result },
            'mailbox OAuth callback refused',
          );
          return back(reply, deps, error.workspaceId, { oauth: error.result });
        }
        deps.logger.error({ err: error, requestId: req.id }, 'mailbox OAuth callback failed');
        return back(reply, deps, null, { oauth: 'provider_error' });
      }
    });
}
