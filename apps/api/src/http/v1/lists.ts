// /v1/lists: lists (newsletters) and their subscriptions. Reading needs contacts:read; creating and
// changing lists lists:write; subscribing and unsubscribing contacts:write. A subscription made here
// is recorded in the consent ledger with method `api`, the evidence the body carries (the person's IP
// and user agent from your sign-up page, the consent text version, express consent) and the key as
// the actor; a suppressed address is refused (core contacts: the one subscribe path checks it).
import { ZContactList, ZContactPage, ZCreateList, ZSubscribeResult, ZUpdateList } from '@postern/contracts';
import {
  createList,
  DomainError,
  getContact,
  getList,
  listContacts,
  listLists,
  subscribe,
  unsubscribe,
  updateList,
} from '@postern/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';
import { idempotencyHeaders, idempotentCreate } from './contacts-idempotency.ts';
import { ZV1ListCollection, ZV1SubscribeBody, ZV1SubscribersQuery } from './contacts-schemas.ts';
import {
  existingId,
  idempotencyErrors,
  invalidInput,
  keyContext,
  notFoundErrors,
  ZIdParams,
  ZSubscriptionParams,
} from './contacts-shared.ts';
import { authErrors, ok, withError } from './schemas.ts';

export async function listRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/lists',
    {
      config: { scope: 'contacts:read' },
      schema: {
        operationId: 'listLists',
        summary: 'Every list of the workspace, oldest first, with its subscriber counts',
        response: { 200: ok(ZV1ListCollection), ...authErrors },
      },
    },
    async (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return { lists: await listLists(ctx, workspaceId) };
    },
  );

  routes.post(
    '/lists',
    {
      config: { scope: 'lists:write' },
      schema: {
        operationId: 'createList',
        summary:
          'Create a list: double opt-in (default on), express consent (CASL), consent text, confirmation email',
        headers: idempotencyHeaders,
        body: ZCreateList,
        response: {
          201: ok(ZContactList, 'Created'),
          200: ok(ZContactList, 'A repeat of an Idempotency-Key: the list the first request made'),
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
          const list = await createList(ctx, workspaceId, req.body);
          return { body: list, ref: list.id };
        },
        replay: (id) => getList(keyContext(deps, req).ctx, workspaceId, id),
      });
    },
  );

  routes.get(
    '/lists/:id',
    {
      config: { scope: 'contacts:read' },
      schema: {
        operationId: 'getList',
        summary: 'One list: settings, current consent text and subscriber counts',
        params: ZIdParams,
        response: { 200: ok(ZContactList), ...notFoundErrors('list') },
      },
    },
    (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return getList(ctx, workspaceId, req.params.id);
    },
  );

  routes.patch(
    '/lists/:id',
    {
      config: { scope: 'lists:write' },
      schema: {
        operationId: 'updateList',
        summary:
          'Change a list (the fields given); a changed consent text adds a version, every version is kept',
        params: ZIdParams,
        body: ZUpdateList,
        response: {
          200: ok(ZContactList),
          ...notFoundErrors('list'),
          422: invalidInput('a field of the list'),
        },
      },
    },
    (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return updateList(ctx, workspaceId, req.params.id, req.body);
    },
  );

  await app.register(subscriptionRoutes, { deps });
}

async function subscriptionRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/lists/:id/subscriptions',
    {
      config: { scope: 'contacts:read' },
      schema: {
        operationId: 'listSubscribers',
        summary: "The list's contacts (any status, or one), newest first, each with its subscriptions",
        params: ZIdParams,
        querystring: ZV1SubscribersQuery,
        response: {
          200: ok(ZContactPage),
          ...notFoundErrors('list'),
          400: withError('The cursor is not one this API returned'),
          422: invalidInput('a query parameter'),
        },
      },
    },
    async (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      const list = await getList(ctx, workspaceId, req.params.id);
      return listContacts(ctx, workspaceId, { ...req.query, listId: list.id });
    },
  );

  routes.delete(
    '/lists/:id/subscriptions/:contactId',
    {
      config: { scope: 'contacts:write' },
      schema: {
        operationId: 'unsubscribe',
        summary: 'Unsubscribe a contact from the list at once (recorded with method `api`)',
        description: 'Sends the `contact.unsubscribed` webhook event. Unsubscribing again changes nothing.',
        params: ZSubscriptionParams,
        response: {
          204: z.undefined().describe('Unsubscribed'),
          ...notFoundErrors('list, contact or subscription'),
        },
      },
    },
    async (req, reply) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      await unsubscribe(ctx, workspaceId, {
        contactId: existingId(req.params.contactId, 'contact'),
        listId: existingId(req.params.id, 'list'),
        method: 'api',
        source: 'api',
      });
      return reply.code(204).send();
    },
  );
  await app.register(subscribeRoute, opts);
}

/** POST /lists/:id/subscriptions, under an Idempotency-Key when one is sent. */
async function subscribeRoute(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.post(
    '/lists/:id/subscriptions',
    {
      config: { scope: 'contacts:write' },
      schema: {
        operationId: 'subscribe',
        summary:
          'Subscribe a person with the evidence of their consent (the contact is created when new); recorded with method `api`',
        description:
          "The status is `unconfirmed` on a double opt-in list unless `evidence.confirmedAt` says the person already confirmed through your own double opt-in, else `active`. `evidence.ip` and `evidence.userAgent` are the person's, from your sign-up page: the API never takes your server's. A suppressed address (unsubscribed, bounced, complained, manual) is refused with 409 and nothing is stored. Sends the `contact.subscribed` webhook event (with `changed: false` nothing is recorded).",
        params: ZIdParams,
        headers: idempotencyHeaders,
        body: ZV1SubscribeBody,
        response: {
          201: ok(ZSubscribeResult, 'Subscribed'),
          200: ok(ZSubscribeResult, 'A repeat of an Idempotency-Key: the contact as it is now'),
          ...notFoundErrors('list'),
          ...idempotencyErrors,
          409: withError(
            'The address is suppressed (CONFLICT; it can come back only through double opt-in by the person), or an Idempotency-Key repeat still in progress',
          ),
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
          const { contact, evidence } = req.body;
          const result = await subscribe(ctx, workspaceId, {
            listId: existingId(req.params.id, 'list'),
            contact,
            evidence: { ...evidence, method: 'api' },
          });
          const first = { c: result.contact.id, ch: result.changed, r: result.confirmationRequired };
          return { body: result, ref: JSON.stringify(first) };
        },
        // The first answer's flags, with the contact and its status as they are now.
        replay: async (ref) => {
          const first = JSON.parse(ref) as { c: string; ch: boolean; r: boolean };
          const contact = await getContact(keyContext(deps, req).ctx, workspaceId, first.c);
          const status = contact.subscriptions.find((s) => s.listId === req.params.id)?.status;
          if (!status) throw new DomainError('NOT_FOUND', 'The subscription was removed since');
          return { contact, status, changed: first.ch, confirmationRequired: first.r };
        },
      });
    },
  );
}
