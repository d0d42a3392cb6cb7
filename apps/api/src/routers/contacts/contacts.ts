// Contacts for the dashboard: list (search, filter by list and status), one contact, add, change,
// import (declared basis; suppressed and invalid rows reported, never subscribed), delete, erase, and
// the consent timeline, and the subject access export (everything held about the person, as JSON).
// Transport only: every rule lives in core/contacts.
import { ZContact, ZContactExport, ZContactPage, ZImportResult, ZOk } from '@postern/contracts';
import {
  consentTimeline,
  createContact,
  deleteContact,
  eraseContact,
  exportContact,
  getContact,
  importContacts,
  listContacts,
  updateContact,
} from '@postern/core';
import { workspaceProcedure } from '../../trpc.ts';
import {
  ZConsentTimeline,
  ZContactCreateRequest,
  ZContactImportRequest,
  ZContactListRequest,
  ZContactRef,
  ZContactUpdateRequest,
} from './schemas.ts';

const read = workspaceProcedure.meta({ permission: 'contacts.read' });
const write = workspaceProcedure.meta({ permission: 'contacts.write' });
/** Its own permission (owners and admins), as its own scope on /v1 (`contacts:erase`): it cannot be undone. */
const eraser = workspaceProcedure.meta({ permission: 'contacts.erase' });

export const contactProcedures = {
  list: read
    .input(ZContactListRequest)
    .output(ZContactPage)
    .query(({ ctx, input: { workspaceId, ...query } }) => listContacts(ctx.core, workspaceId, query)),

  get: read
    .input(ZContactRef)
    .output(ZContact)
    .query(({ ctx, input }) => getContact(ctx.core, input.workspaceId, input.contactId)),

  create: write
    .input(ZContactCreateRequest)
    .output(ZContact)
    .mutation(({ ctx, input: { workspaceId, ...contact } }) => createContact(ctx.core, workspaceId, contact)),

  update: write
    .input(ZContactUpdateRequest)
    .output(ZContact)
    .mutation(({ ctx, input }) => updateContact(ctx.core, input.workspaceId, input.contactId, input.data)),

  /** Rows are checked one by one: the invalid, suppressed and duplicate ones are reported, the rest imported. */
  import: write
    .input(ZContactImportRequest)
    .output(ZImportResult)
    .mutation(({ ctx, input: { workspaceId, ...request } }) =>
      importContacts(ctx.core, workspaceId, request),
    ),

  /** Deletes the contact and its subscriptions; its consent record stays readable. */
  delete: write
    .input(ZContactRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await deleteContact(ctx.core, input.workspaceId, input.contactId);
      return { ok: true as const };
    }),

  /** Erases the person (GDPR Art. 17): its consent record stays as proof, with nothing readable. */
  erase: eraser
    .input(ZContactRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await eraseContact(ctx.core, input.workspaceId, input.contactId);
      return { ok: true as const };
    }),

  /**
   * Everything held about the person (GDPR Art. 15/20), audited. `contacts.read`: every part of it is
   * already readable with that permission (contact, consent timeline, suppression list). A mutation, as
   * the suppression export: it records an audit entry, so no refetch or prefetch may run it again.
   */
  export: read
    .input(ZContactRef)
    .output(ZContactExport)
    .mutation(({ ctx, input }) => exportContact(ctx.core, input.workspaceId, input.contactId)),

  consent: read
    .input(ZContactRef)
    .output(ZConsentTimeline)
    .query(async ({ ctx, input }) => ({
      events: await consentTimeline(ctx.core, input.workspaceId, input.contactId),
    })),
};
