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
import type { ApiDeps } from '../../deps.ts';
import { ZV1ConsentTimeline } from './contacts-schemas.ts';
import { existingId, invalidInput } from './contacts-shared.ts';
import { madeById, type ResourceRoutes, resourceRoutes } from './resource-routes.ts';
import { withError } from './schemas.ts';

export async function contactRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const routes = resourceRoutes(app, opts.deps);
  readRoutes(routes);
  writeRoutes(routes);
}

/** List, one contact, the consent record, the export. */
function readRoutes({ list, member }: ResourceRoutes) {
  const scope = 'contacts:read';

  list({
    path: '/contacts',
    scope,
    operationId: 'listContacts',
    summary:
      'Contacts of the workspace, newest first: search by address or name prefix, filter by list and status',
    query: ZListContactsQuery,
    page: ZContactPage,
    list: ({ ctx, workspaceId }, req) => listContacts(ctx, workspaceId, req.query),
  });

  member('get', {
    path: '/contacts/:id',
    scope,
    operationId: 'getContact',
    summary: 'One contact with its subscriptions',
    what: 'contact',
    answer: ZContact,
    handle: ({ ctx, workspaceId }, req) => getContact(ctx, workspaceId, req.params.id),
  });

  member('get', {
    path: '/contacts/:id/consent',
    scope,
    operationId: 'getContactConsent',
    summary:
      'The consent record of a contact, oldest first: each subscription, confirmation and unsubscribe with its method, time, IP and user agent',
    description:
      'After the contact was erased the events remain (as proof that they happened) with every personal field null and `personErased: true`.',
    what: 'contact',
    answer: ZV1ConsentTimeline,
    handle: async ({ ctx, workspaceId }, req) => ({
      events: await consentTimeline(ctx, workspaceId, existingId(req.params.id, 'contact')),
    }),
  });

  member('get', {
    path: '/contacts/:id/export',
    scope,
    operationId: 'exportContact',
    summary:
      'Everything held about a contact (GDPR Art. 15 and 20): profile, subscriptions, consent record, suppression, pending confirmations, campaign sends',
    description: `One JSON document in the versioned format \`${CONTACT_EXPORT_FORMAT}\`, the consent record's address, IP addresses and user agents opened. Audited as \`contact.exported\`. An erased contact is not found: nothing of the person is left to export.`,
    what: 'contact',
    answer: ZContactExport,
    handle: ({ ctx, workspaceId }, req) => exportContact(ctx, workspaceId, req.params.id),
  });
}

/** Create, change, erase. */
function writeRoutes({ create, member }: ResourceRoutes) {
  create({
    path: '/contacts',
    scope: 'contacts:write',
    operationId: 'createContact',
    summary:
      'Add a contact (subscribed to nothing: use POST /lists/{id}/subscriptions with consent evidence)',
    body: ZCreateContact,
    result: ZContact,
    replayed: 'A repeat of an Idempotency-Key: the contact the first request made, as it is now',
    errors: {
      409: withError(
        'A contact with this address exists already (CONFLICT), or an Idempotency-Key repeat is still in progress',
      ),
    },
    ...madeById(createContact, getContact),
  });

  member('patch', {
    path: '/contacts/:id',
    scope: 'contacts:write',
    operationId: 'updateContact',
    summary: 'Change the name (null clears it) and/or replace the attributes; the address cannot change',
    body: ZUpdateContact,
    what: 'contact',
    answer: ZContact,
    errors: { 422: invalidInput('name or attributes') },
    handle: ({ ctx, workspaceId }, req) => updateContact(ctx, workspaceId, req.params.id, req.body),
  });

  member('delete', {
    path: '/contacts/:id',
    scope: 'contacts:erase',
    operationId: 'eraseContact',
    summary:
      'Erase a person (GDPR Art. 17): the contact and its subscriptions; the consent record stays, unreadable',
    description:
      'A suppression of the address is kept as a tombstone: its keyed hash still keeps the address from being mailed, and the suppression list shows it as `(erased person)` (nothing gives the address back). Opt-in links still waiting go too. Audited as `contact.erased`.',
    what: 'contact',
    answer: { noContent: 'Erased' },
    handle: ({ ctx, workspaceId }, req) => eraseContact(ctx, workspaceId, req.params.id),
  });
}
