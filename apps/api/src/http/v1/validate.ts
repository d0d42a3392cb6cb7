// POST /v1/validate and /v1/validate/batch: one check, or up to 50, metered per address checked.
import {
  ZValidateBatchRequest,
  ZValidateRequest,
  ZValidationBatchResult,
  ZValidationResult,
} from '@postern/contracts';
import { chargeApiChecks, checkAddress } from '@postern/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type ApiDeps, coreServicesOf } from '../../deps.ts';
import { apiAuthOf } from './auth.ts';
import { authErrors, ok, withError } from './schemas.ts';

export async function validateRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  // A check needs no database: the process's services (cache, clock, secret) and its engine.
  const services = coreServicesOf(deps);
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const invalid = withError('The input is not valid (the first problem, as "<field>: <message>")');

  routes.post(
    '/validate',
    {
      config: { checksAddresses: true },
      schema: {
        operationId: 'validate',
        summary: 'Check one address (syntax, DNS, optionally an SMTP probe at depth `enhanced`)',
        body: ZValidateRequest,
        response: { 200: ok(ZValidationResult), ...authErrors, 422: invalid },
      },
    },
    async (req, reply) => {
      const input = req.body;
      const auth = apiAuthOf(req);
      await chargeApiChecks(deps.limiter, auth, 1, (headers) => reply.headers(headers));
      // The result is built by core to the ZValidationResult type (checked by tsc and by the tests).
      return await checkAddress(services, deps.engine, input.email, input.depth, auth.principal.workspaceId);
    },
  );

  routes.post(
    '/validate/batch',
    {
      config: { checksAddresses: true },
      schema: {
        operationId: 'validateBatch',
        summary: 'Check up to 50 addresses at once',
        body: ZValidateBatchRequest,
        response: { 200: ok(ZValidationBatchResult), ...authErrors, 422: invalid },
      },
    },
    async (req, reply) => {
      const input = req.body;
      const auth = apiAuthOf(req);
      await chargeApiChecks(deps.limiter, auth, input.emails.length, (headers) => reply.headers(headers));
      const results = await Promise.all(
        input.emails.map(async (email) => ({
          email,
          result: await checkAddress(services, deps.engine, email, input.depth, auth.principal.workspaceId),
        })),
      );
      return { results };
    },
  );
}
