// /v1/contacts: the workspace's contacts — list (search, filter by list and status; keyset pages like
// /v1/jobs), create, read, change, erase, the consent record and the subject access export (everything
// held about the person, GDPR Art. 15/20, audited). Reading needs contacts:read, writing
// contacts:write, and erasing a person (GDPR Art. 17) its own scope, contacts:erase: the contact and its
// subscriptions go, its key is destroyed, and the consent record stays as proof with nothing readable.
import {
  CONTACT_EXPORT_FORMAT,
  ZContact,
  ZContactExport,
  ZContactPage,
  ZCreateContact,
  ZListContactsQuery,
  ZUpdateContact,
} from '@postern/contracts';
import {
  consentTimeline,
  createContact,
  eraseContact,
  exportContact,
  getContact,
  listContacts,
  updateContact,
} from '@postern/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';
import { idempotencyHeaders, idempotentCreate } from './contacts-idempotency.ts';
import { ZV1ConsentTimeline } from './contacts-schemas.ts';
import {
  existingId,
  idempotencyErrors,
  invalidInput,
  keyContext,
  notFoundErrors,
  ZIdParams,
} from './contacts-shared.ts';
import { authErrors, ok, withError } from './schemas.ts';

export async function contactRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  await app.register(readRoutes, opts);
  await app.register(writeRoutes, opts);
}

/** List, one contact, the consent record, the export. */
async function readRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/contacts',
    {
      config: { scope: 'contacts:read' },
      schema: {
        operationId: 'listContacts',
        summary:
          'Contacts of the workspace, newest first: search by address or name prefix, filter by list and status',
        querystring: ZListContactsQuery,
        response: {
          200: ok(ZContactPage),
          ...authErrors,
          400: withError('The cursor is not one this API returned'),
          422: invalidInput('a query parameter'),
        },
      },
    },
    (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return listContacts(ctx, workspaceId, req.query);
    },
  );

  routes.get(
    '/contacts/:id',
    {
      config: { scope: 'contacts:read' },
      schema: {
        operationId: 'getContact',
        summary: 'One contact with its subscriptions',
        params: ZIdParams,
        response: { 200: ok(ZContact), ...notFoundErrors('contact') },
      },
    },
    (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return getContact(ctx, workspaceId, req.params.id);
    },
  );

  routes.get(
    '/contacts/:id/consent',
    {
      config: { scope: 'contacts:read' },
      schema: {
        operationId: 'getContactConsent',
        summary:
          'The consent record of a contact, oldest first: each subscription, confirmation and unsubscribe with its method, time, IP and user agent',
        description:
          'After the contact was erased the events remain (as proof that they happened) with every personal field null and `personErased: true`.',
        params: ZIdParams,
        response: { 200: ok(ZV1ConsentTimeline), ...notFoundErrors('contact') },
      },
    },
    async (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return { events: await consentTimeline(ctx, workspaceId, existingId(req.params.id, 'contact')) };
    },
  );

  routes.get(
    '/contacts/:id/export',
    {
      config: { scope: 'contacts:read' },
      schema: {
        operationId: 'exportContact',
        summary:
          'Everything held about a contact (GDPR Art. 15 and 20): profile, subscriptions, consent record, suppression, pending confirmations, campaign sends',
        description: `One JSON document in the versioned format \`${CONTACT_EXPORT_FORMAT}\`, the consent record's address, IP addresses and user agents opened. Audited as \`contact.exported\`. An erased contact is not found: nothing of the person is left to export.`,
        params: ZIdParams,
        response: { 200: ok(ZContactExport), ...notFoundErrors('contact') },
      },
    },
    (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return exportContact(ctx, workspaceId, req.params.id);
    },
  );
}

/** Create, change, erase. */
async function writeRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.post(
    '/contacts',
    {
      config: { scope: 'contacts:write' },
      schema: {
        operationId: 'createContact',
        summary:
          'Add a contact (subscribed to nothing: use POST /lists/{id}/subscriptions with consent evidence)',
        headers: idempotencyHeaders,
        body: ZCreateContact,
        response: {
          201: ok(ZContact, 'Created'),
          200: ok(
            ZContact,
            'A repeat of an Idempotency-Key: the contact the first request made, as it is now',
          ),
          ...authErrors,
          ...idempotencyErrors,
          409: withError(
            'A contact with this address exists already (CONFLICT), or an Idempotency-Key repeat is still in progress',
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
          const contact = await createContact(ctx, workspaceId, req.body);
          return { body: contact, ref: contact.id };
        },
        replay: (id) => getContact(keyContext(deps, req).ctx, workspaceId, id),
      });
    },
  );

  routes.patch(
    '/contacts/:id',
    {
      config: { scope: 'contacts:write' },
      schema: {
        operationId: 'updateContact',
        summary: 'Change the name (null clears it) and/or replace the attributes; the address cannot change',
        params: ZIdParams,
        body: ZUpdateContact,
        response: {
          200: ok(ZContact),
          ...notFoundErrors('contact'),
          422: invalidInput('name or attributes'),
        },
      },
    },
    (req) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      return updateContact(ctx, workspaceId, req.params.id, req.body);
    },
  );

  routes.delete(
    '/contacts/:id',
    {
      config: { scope: 'contacts:erase' },
      schema: {
        operationId: 'eraseContact',
        summary:
          'Erase a person (GDPR Art. 17): the contact and its subscriptions; the consent record stays, unreadable',
        description:
          'A suppression of the address is kept as a tombstone: its keyed hash still keeps the address from being mailed, and the suppression list shows it as `(erased person)` (nothing gives the address back). Opt-in links still waiting go too. Audited as `contact.erased`.',
        params: ZIdParams,
        response: { 204: z.undefined().describe('Erased'), ...notFoundErrors('contact') },
      },
    },
    async (req, reply) => {
      const { ctx, workspaceId } = keyContext(deps, req);
      await eraseContact(ctx, workspaceId, req.params.id);
      return reply.code(204).send();
    },
  );
}
