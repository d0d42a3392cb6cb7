// Reading the audit log of a workspace: filters (event types, actor — a member or an API key —,
// target, date range), keyset pagination by sequence number, actor and target labels (labels.ts), and
// export as CSV (formula injection neutralised by csv-stringify's escape_formulas, which also covers
// the full-width ＝＋－＠) or JSON. Personal data sealed under a person's key (chain version 2,
// sealing.ts) is opened for display; when the key is gone the entry reads `personErased` with nulls.
import type { AuditEntryDto } from '@postern/contracts';
import { AuditEntry, type EntityManager } from '@postern/db';
import { stringify } from 'csv-stringify/sync';
import { actorUserId, type CoreContext } from '../context.ts';
import type { Keyring } from '../crypto/types.ts';
import { entryLabels } from './labels.ts';
import { recordAudit } from './record.ts';
import { openAuditEntries } from './sealing.ts';

/** An entry as the log shows it; `personErased` joins ZAuditEntryDto (contracts) additively. */
export type AuditEntryView = AuditEntryDto & { personErased: boolean };

export interface AuditFilter {
  eventTypes?: string[] | undefined;
  /** Entries by this member. */
  actorId?: string | undefined;
  /** Entries by this API key (actor type `api_key`). */
  actorKeyId?: string | undefined;
  /** Entries about this object (a member's user id, a key, a job…), of `targetType` when given. */
  targetId?: string | undefined;
  targetType?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export const EXPORT_MAX_ROWS = 50_000;

function where(workspaceId: string, filter: AuditFilter, cursor?: number) {
  return {
    workspaceId,
    ...(filter.eventTypes?.length ? { eventType: { $in: filter.eventTypes } } : {}),
    ...(filter.actorId ? { actorId: filter.actorId } : {}),
    ...(filter.actorKeyId ? { actorId: null, metadata: { apiKeyId: filter.actorKeyId } } : {}),
    ...(filter.targetId ? { targetId: filter.targetId } : {}),
    ...(filter.targetType ? { targetType: filter.targetType } : {}),
    ...(filter.from || filter.to
      ? {
          occurredAt: {
            ...(filter.from ? { $gte: new Date(filter.from) } : {}),
            ...(filter.to ? { $lte: new Date(filter.to) } : {}),
          },
        }
      : {}),
    ...(cursor ? { seq: { $lt: cursor } } : {}),
  };
}

async function toDtos(em: EntityManager, keyring: Keyring, entries: AuditEntry[]): Promise<AuditEntryView[]> {
  const opened = await openAuditEntries(em, keyring, entries);
  const readable = entries.map((e) => ({ ...e, metadata: opened.get(e.id)?.metadata ?? null }));
  const labels = await entryLabels(em, readable);
  return readable.map((e) => {
    const label = labels.get(e.id);
    const data = opened.get(e.id);
    return {
      id: e.id,
      seq: e.seq,
      occurredAt: e.occurredAt.toISOString(),
      eventType: e.eventType,
      actorType: label?.actorType ?? 'system',
      actorId: e.actorId ?? null,
      actorEmail:
        label?.actorType === 'user' && e.actorId && label.actorLabel !== 'Deleted account'
          ? label.actorLabel
          : null,
      actorLabel: label?.actorLabel ?? 'System',
      targetType: e.targetType ?? null,
      targetId: e.targetId ?? null,
      targetLabel: label?.targetLabel ?? null,
      ip: data?.ip ?? null,
      userAgent: data?.userAgent ?? null,
      metadata: e.metadata,
      personErased: data?.personErased ?? false,
      hash: e.hash,
    };
  });
}

export async function listAudit(
  ctx: Pick<CoreContext, 'em' | 'keyring'>,
  workspaceId: string,
  filter: AuditFilter & { cursor?: number | undefined; limit: number },
) {
  const { em } = ctx;
  const entries = await em.find(AuditEntry, where(workspaceId, filter, filter.cursor), {
    orderBy: { seq: 'desc' },
    limit: filter.limit + 1,
  });
  const page = entries.slice(0, filter.limit);
  return {
    entries: await toDtos(em, ctx.keyring, page),
    nextCursor: entries.length > filter.limit ? (page[page.length - 1]?.seq ?? null) : null,
  };
}

/** The workspace's log as a file (at most EXPORT_MAX_ROWS entries); the export itself is audited. */
export async function exportAudit(
  ctx: Pick<CoreContext, 'em' | 'clock' | 'actor' | 'meta' | 'keyring'>,
  workspaceId: string,
  filter: AuditFilter,
  format: 'csv' | 'json',
) {
  const { em } = ctx;
  const entries = await em.find(AuditEntry, where(workspaceId, filter), {
    orderBy: { seq: 'asc' },
    limit: EXPORT_MAX_ROWS,
  });
  const rows = await toDtos(em, ctx.keyring, entries);
  const file = auditFile(rows, format);
  recordAudit(em, ctx.clock, {
    type: 'audit.exported',
    actorId: actorUserId(ctx),
    workspaceId,
    meta: ctx.meta,
    metadata: { format, rows: file.rows, filter },
  });
  await em.flush();
  return file;
}

function auditFile(rows: AuditEntryView[], format: 'csv' | 'json') {
  const stamp = new Date().toISOString().slice(0, 10);
  if (format === 'json') {
    return {
      filename: `audit-log-${stamp}.json`,
      contentType: 'application/json',
      body: JSON.stringify(rows, null, 2),
      rows: rows.length,
    };
  }
  const columns = [
    'seq',
    'occurredAt',
    'eventType',
    'actorType',
    'actorLabel',
    'actorEmail',
    'actorId',
    'targetType',
    'targetId',
    'targetLabel',
    'ip',
    'userAgent',
    'personErased',
    'metadata',
    'hash',
  ] as const;
  const body = stringify(
    rows.map((row) =>
      columns.map((column) => {
        const value = row[column];
        if (value === null || value === undefined) return '';
        return typeof value === 'object' ? JSON.stringify(value) : String(value);
      }),
    ),
    { header: true, columns: [...columns], escape_formulas: true },
  );
  return { filename: `audit-log-${stamp}.csv`, contentType: 'text/csv', body, rows: rows.length };
}
