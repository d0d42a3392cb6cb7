// What the /v1 contacts, lists and suppressions routes share: the core context of an API key acting on
// its workspace (the key is the actor: created_by, the consent ledger's actor and the audit entries
// name it), path parameters and the error answers their OpenAPI operations list.
import { DomainError } from '@postern/core';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';
import { coreContextFor } from '../shared/request.ts';
import { apiAuthOf } from './auth.ts';
import { authErrors, withError } from './schemas.ts';

/** The key's workspace and a core context acting as the key. */
export function keyContext(deps: ApiDeps, req: FastifyRequest) {
  const { principal } = apiAuthOf(req);
  const actor = {
    kind: 'api_key' as const,
    keyId: principal.keyId,
    workspaceId: principal.workspaceId,
    name: principal.keyName,
  };
  return { ctx: coreContextFor(deps, req, actor), workspaceId: principal.workspaceId };
}

/** An id in the path (a malformed one is simply not found). */
export const ZIdParams = z.object({ id: z.string().max(100).describe('The id (UUID)') });
export const ZSubscriptionParams = z.object({
  id: z.string().max(100).describe("The list's id (UUID)"),
  contactId: z.string().max(100).describe("The contact's id (UUID)"),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that can name something: a malformed one is not found, like another workspace's. */
export function existingId(id: string, what: string): string {
  if (!UUID.test(id)) throw new DomainError('NOT_FOUND', `No such ${what}`);
  return id;
}

/** Routes that name a resource of the workspace. */
export const notFoundErrors = (what: string) => ({
  ...authErrors,
  404: withError(`No such ${what} in this workspace (also for another workspace's)`),
});

export const invalidInput = (detail: string) =>
  withError(
    `The input is not valid (VALIDATION_FAILED, the first problem as "<field>: <message>"): ${detail}`,
  );

export const idempotencyErrors = {
  409: withError('A request with the same Idempotency-Key is still being processed'),
  422: withError(
    'The input is not valid (VALIDATION_FAILED, "<field>: <message>"), or the Idempotency-Key was used for another request (IDEMPOTENCY_KEY_REUSED)',
  ),
};
