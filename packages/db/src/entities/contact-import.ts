// Contact import jobs (#30): a CSV staged while it uploads (keyring-sealed chunks of parsed rows, one
// short statement per chunk), imported by the worker chunk by chunk, and a report of the rows that were
// not subscribed. Report rows hold the address as uploaded: they go with the contact they name
// (cascade, so erasing a contact removes them), with the workspace, and 30 days after the import ends
// (retention table).
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Contact, ContactList } from './contacts.ts';
import { Workspace } from './workspace.ts';

export const ContactImportSchema = defineEntity({
  name: 'ContactImport',
  tableName: 'contact_import',
  indexes: [{ properties: ['workspace', 'createdAt'] }, { properties: ['status', 'touchedAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    list: () => p.manyToOne(ContactList).deleteRule('cascade').index(),
    /** uploading | queued | running | completed | failed | cancelled */
    status: p.string().length(16),
    basis: p.string().length(32),
    express: p.boolean().default(false),
    verify: p.boolean().default(false),
    /** The file name or the declared source. */
    source: p.string().length(200).nullable(),
    /** ZContactImportMapping: which column is the address, the name, each attribute. */
    mapping: p.json<Record<string, unknown>>(),
    /** How the file was read (format, delimiter, encoding, header): no personal data. */
    options: p.json<Record<string, unknown>>().nullable(),
    rows: p.integer().default(0),
    processed: p.integer().default(0),
    imported: p.integer().default(0),
    skipped: p.integer().default(0),
    rejected: p.integer().default(0),
    /** Rows not subscribed, by reason. */
    byReason: p.json<Record<string, number>>().nullable(),
    /** Staged chunks (the last seq written). */
    chunks: p.integer().default(0),
    error: p.text().nullable(),
    createdBy: p.uuid().nullable(),
    apiKeyId: p.uuid().nullable(),
    createdAt: p.datetime(),
    /** Moved while an upload is alive; an `uploading` import untouched for minutes is abandoned. */
    touchedAt: p.datetime(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
  },
});
export class ContactImport extends ContactImportSchema.class {}
ContactImportSchema.setClass(ContactImport);

/** Parsed rows of an import waiting for the worker: a keyring ciphertext per chunk (context contact_import_chunk:id:data). */
export const ContactImportChunkSchema = defineEntity({
  name: 'ContactImportChunk',
  tableName: 'contact_import_chunk',
  uniques: [{ properties: ['contactImport', 'seq'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    contactImport: () => p.manyToOne(ContactImport).deleteRule('cascade').fieldName('import_id'),
    seq: p.integer(),
    size: p.integer(),
    data: p.text(),
  },
});
export class ContactImportChunk extends ContactImportChunkSchema.class {}
ContactImportChunkSchema.setClass(ContactImportChunk);

/** A row of an import that was not subscribed, with why. */
export const ContactImportReportSchema = defineEntity({
  name: 'ContactImportReport',
  tableName: 'contact_import_report',
  indexes: [{ properties: ['contactImport', 'row'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    contactImport: () => p.manyToOne(ContactImport).deleteRule('cascade').fieldName('import_id'),
    /** The file's row (a header is row 1). */
    row: p.integer(),
    /** The existing contact with this address, if any: erasing it removes the row. */
    contact: () => p.manyToOne(Contact).deleteRule('cascade').nullable().index(),
    /** The address as uploaded (cut to 320 characters). */
    email: p.string().length(320),
    reason: p.string().length(32),
    detail: p.text().nullable(),
  },
});
export class ContactImportReport extends ContactImportReportSchema.class {}
ContactImportReportSchema.setClass(ContactImportReport);
