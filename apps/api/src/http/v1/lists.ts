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
import type { ApiDeps } from '../../deps.ts';
import { ZV1ListCollection, ZV1SubscribeBody, ZV1SubscribersQuery } from './contacts-schemas.ts';
import {
  existingId,
  invalidInput,
  notFoundErrors,
  ZIdParams,
  ZSubscriptionParams,
} from './contacts-shared.ts';
import { madeById, type ResourceRoutes, resourceRoutes } from './resource-routes.ts';
import { authErrors, ok, withError } from './schemas.ts';

export async function listRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const routes = resourceRoutes(app, opts.deps);
  listsOf(routes);
  subscriptionRoutes(routes);
  subscribeRoute(routes);
}

/** The lists themselves. */
function listsOf({ create, member, route }: ResourceRoutes) {
  route({
    method: 'get',
    path: '/lists',
    scope: 'contacts:read',
    operationId: 'listLists',
    summary: 'Every list of the workspace, oldest first, with its subscriber counts',
    response: { 200: ok(ZV1ListCollection), ...authErrors },
    handle: async ({ ctx, workspaceId }) => ({ lists: await listLists(ctx, workspaceId) }),
  });

  create({
    path: '/lists',
    scope: 'lists:write',
    operationId: 'createList',
    summary:
      'Create a list: double opt-in (default on), express consent (CASL), consent text, confirmation email',
    body: ZCreateList,
    result: ZContactList,
    replayed: 'A repeat of an Idempotency-Key: the list the first request made',
    ...madeById(createList, getList),
  });

  member('get', {
    path: '/lists/:id',
    scope: 'contacts:read',
    operationId: 'getList',
    summary: 'One list: settings, current consent text and subscriber counts',
    what: 'list',
    answer: ZContactList,
    handle: ({ ctx, workspaceId }, req) => getList(ctx, workspaceId, req.params.id),
  });

  member('patch', {
    path: '/lists/:id',
    scope: 'lists:write',
    operationId: 'updateList',
    summary: 'Change a list (the fields given); a changed consent text adds a version, every version is kept',
    body: ZUpdateList,
    what: 'list',
    answer: ZContactList,
    errors: { 422: invalidInput('a field of the list') },
    handle: ({ ctx, workspaceId }, req) => updateList(ctx, workspaceId, req.params.id, req.body),
  });
}

/** A list's subscribers; unsubscribing one. */
function subscriptionRoutes({ list, member }: ResourceRoutes) {
  list({
    path: '/lists/:id/subscriptions',
    scope: 'contacts:read',
    operationId: 'listSubscribers',
    summary: "The list's contacts (any status, or one), newest first, each with its subscriptions",
    params: ZIdParams,
    query: ZV1SubscribersQuery,
    page: ZContactPage,
    of: 'list',
    list: async ({ ctx, workspaceId }, req) => {
      const list = await getList(ctx, workspaceId, req.params.id);
      return listContacts(ctx, workspaceId, { ...req.query, listId: list.id });
    },
  });

  member('delete', {
    path: '/lists/:id/subscriptions/:contactId',
    scope: 'contacts:write',
    operationId: 'unsubscribe',
    summary: 'Unsubscribe a contact from the list at once (recorded with method `api`)',
    description: 'Sends the `contact.unsubscribed` webhook event. Unsubscribing again changes nothing.',
    params: ZSubscriptionParams,
    what: 'list, contact or subscription',
    answer: { noContent: 'Unsubscribed' },
    handle: ({ ctx, workspaceId }, req) =>
      unsubscribe(ctx, workspaceId, {
        contactId: existingId(req.params.contactId, 'contact'),
        listId: existingId(req.params.id, 'list'),
        method: 'api',
        source: 'api',
      }),
  });
}

/** POST /lists/:id/subscriptions, under an Idempotency-Key when one is sent. */
function subscribeRoute({ create }: ResourceRoutes) {
  create({
    path: '/lists/:id/subscriptions',
    scope: 'contacts:write',
    operationId: 'subscribe',
    summary:
      'Subscribe a person with the evidence of their consent (the contact is created when new); recorded with method `api`',
    description:
      "The status is `unconfirmed` on a double opt-in list unless `evidence.confirmedAt` says the person already confirmed through your own double opt-in, else `active`. `evidence.ip` and `evidence.userAgent` are the person's, from your sign-up page: the API never takes your server's. A suppressed address (unsubscribed, bounced, complained, manual) is refused with 409 and nothing is stored. Sends the `contact.subscribed` webhook event (with `changed: false` nothing is recorded).",
    params: ZIdParams,
    body: ZV1SubscribeBody,
    result: ZSubscribeResult,
    created: 'Subscribed',
    replayed: 'A repeat of an Idempotency-Key: the contact as it is now',
    base: notFoundErrors('list'),
    errors: {
      409: withError(
        'The address is suppressed (CONFLICT; it can come back only through double opt-in by the person), or an Idempotency-Key repeat still in progress',
      ),
    },
    run: async ({ ctx, workspaceId }, req) => {
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
    replay: async ({ ctx, workspaceId }, ref, req) => {
      const first = JSON.parse(ref) as { c: string; ch: boolean; r: boolean };
      const contact = await getContact(ctx, workspaceId, first.c);
      const status = contact.subscriptions.find((s) => s.listId === req.params.id)?.status;
      if (!status) throw new DomainError('NOT_FOUND', 'The subscription was removed since');
      return { contact, status, changed: first.ch, confirmationRequired: first.r };
    },
  });
}
