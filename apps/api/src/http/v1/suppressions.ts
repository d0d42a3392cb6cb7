// /v1/suppressions: the workspace's suppression list — addresses never mailed again, with why
// (unsubscribed, bounced, complained, manual). Reading needs contacts:read; adding and removing manual
// entries suppressions:write. Only manual entries can be removed: the others are the person's own
// choice or the mail system's verdict, lifted only by the person subscribing again through double
// opt-in (core contacts/suppressions.ts).
import {
  ZAddSuppressions,
  ZAddSuppressionsResult,
  ZListSuppressionsQuery,
  ZSuppressionPage,
} from '@postern/contracts';
import { addSuppressions, listSuppressions, removeSuppression } from '@postern/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';
import { idempotencyHeaders, idempotentCreate } from './contacts-idempotency.ts';
import { idempotencyErrors, keyContext, notFoundErrors, ZIdParams } from './contacts-shared.ts';
import { authErrors, ok, withError } from './schemas.ts';

export async function suppressionRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/suppressions',
    {
      config: { scope: 'contacts:read' },
      schema: {
        operationId: 'listSuppressions',
        summary: 'Suppressed addresses of the workspace, newest first, optionally of one reason',
        querystring: ZListSuppressionsQuery,
        response: {
          200: ok(ZSuppressionPage),
          ...authErrors,
          400: withError('The cursor is not one this API returned'),
          422: withError('A query parameter is not valid'),
        },
      },
    },
    (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return listSuppressions(ctx, workspaceId, req.query);
    },
  );

  routes.post(
    '/suppressions',
    {
      config: { scope: 'suppressions:write' },
      schema: {
        operationId: 'addSuppressions',
        summary:
          'Suppress addresses by hand (reason manual; 1 to 10,000). All or nothing: one invalid address refuses the whole list',
        description:
          'Addresses already suppressed (for any reason) are left as they are and counted in `existing`. Each new entry sends a `contact.suppressed` webhook event.',
        headers: idempotencyHeaders,
        body: ZAddSuppressions,
        response: {
          201: ok(ZAddSuppressionsResult, 'Added'),
          200: ok(ZAddSuppressionsResult, 'A repeat of an Idempotency-Key: the first answer'),
          ...authErrors,
          ...idempotencyErrors,
        },
      },
    },
    (req, reply) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return idempotentCreate({
        deps,
        req,
        reply,
        workspaceId,
        body: req.body,
        run: async () => {
          const result = await addSuppressions(ctx, workspaceId, req.body);
          return { body: result, ref: JSON.stringify(result) };
        },
        replay: async (ref) => ZAddSuppressionsResult.parse(JSON.parse(ref)),
      });
    },
  );

  routes.delete(
    '/suppressions/:id',
    {
      config: { scope: 'suppressions:write' },
      schema: {
        operationId: 'removeSuppression',
        summary: 'Remove a manual suppression (unsubscribed, bounced and complained ones cannot be removed)',
        params: ZIdParams,
        response: {
          204: z.undefined().describe('Removed'),
          ...notFoundErrors('suppression'),
          409: withError(
            'The entry is not manual: the person unsubscribed, bounced or complained; only they can lift it by subscribing again through double opt-in',
          ),
        },
      },
    },
    async (req, reply) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      await removeSuppression(ctx, workspaceId, req.params.id);
      return reply.code(204).send();
    },
  );
}
