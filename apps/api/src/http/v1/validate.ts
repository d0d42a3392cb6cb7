// POST /v1/validate and /v1/validate/batch: one check, or up to 50, metered per address checked.
import {
  ZValidateBatchRequest,
  ZValidateRequest,
  ZValidationBatchResult,
  ZValidationResult,
} from '@postern/contracts';
import { cachedPolicy, chargeApiChecks, checkAddress, noteFirstCheck, withPolicyAction } from '@postern/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type ApiDeps, coreServicesOf } from '../../deps.ts';
import { apiAuthOf } from './auth.ts';
import { authErrors, ok, withError } from './schemas.ts';

export async function validateRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  // A check needs no database: the process's services (cache, clock, secret) and its engine; the
  // workspace's policy is kept in process for a few seconds (cachedPolicy).
  const services = coreServicesOf(deps);
  // The fork is made only when the cache misses (a getter): a hit costs one Map lookup.
  const lazyEm = {
    get em() {
      return deps.orm.em.fork();
    },
  };
  const policyOf = (workspaceId: string) => cachedPolicy(lazyEm, workspaceId);
  // The home page's getting-started checklist: at most one update per workspace and process.
  const firstCheck = (workspaceId: string) =>
    noteFirstCheck({ em: deps.orm.em.fork(), clock: deps.clock }, workspaceId);
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const invalid = withError('The input is not valid (the first problem, as "<field>: <message>")');

  routes.post(
    '/validate',
    {
      config: { checksAddresses: true, scope: 'validate:write' },
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
      await firstCheck(auth.principal.workspaceId);
      // The result is built by core to the ZValidationResult type (checked by tsc and by the tests).
      const workspaceId = auth.principal.workspaceId;
      const [policy, verdict] = await Promise.all([
        policyOf(workspaceId),
        checkAddress(services, deps.engine, input.email, input.depth, workspaceId),
      ]);
      return withPolicyAction(policy, verdict);
    },
  );

  routes.post(
    '/validate/batch',
    {
      config: { checksAddresses: true, scope: 'validate:write' },
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
      await firstCheck(auth.principal.workspaceId);
      const workspaceId = auth.principal.workspaceId;
      const [policy, verdicts] = await Promise.all([
        policyOf(workspaceId),
        Promise.all(
          input.emails.map((email) => checkAddress(services, deps.engine, email, input.depth, workspaceId)),
        ),
      ]);
      return {
        results: verdicts.map((verdict, i) => ({
          email: input.emails[i] as string,
          result: withPolicyAction(policy, verdict),
        })),
      };
    },
  );
}
