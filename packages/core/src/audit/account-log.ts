// The account's security log: the caller's own `user:<id>` audit chain (sign-ins, failed attempts,
// two-factor and recovery codes, passwords, sessions), with the device and approximate location of
// each entry. The scope comes from the signed-in user only, so nobody reads another account's log.
// Sealed personal data (chain version 2) is opened with the account's key (sealing.ts).
import type { AccountLogEntry } from '@postern/contracts';
import { AuditEntry } from '@postern/db';
import { stringify } from 'csv-stringify/sync';
import { describeDevice, locateIp } from '../auth/devices.ts';
import type { CoreContext } from '../context.ts';
import { auditScope } from './record.ts';
import { openAuditEntries } from './sealing.ts';

/** An entry of the security log; `personErased` joins ZAccountLogEntry (contracts) additively. */
export type AccountLogView = AccountLogEntry & { personErased: boolean };

export const ACCOUNT_LOG_EXPORT_MAX_ROWS = 10_000;

async function toEntries(
  ctx: Pick<CoreContext, 'em' | 'keyring'>,
  entries: AuditEntry[],
): Promise<AccountLogView[]> {
  const opened = await openAuditEntries(ctx.em, ctx.keyring, entries);
  return Promise.all(
    entries.map(async (e) => {
      const data = opened.get(e.id);
      return {
        id: e.id,
        seq: e.seq,
        occurredAt: e.occurredAt.toISOString(),
        eventType: e.eventType,
        ip: data?.ip ?? null,
        device: data?.userAgent ? describeDevice(data.userAgent) : null,
        location: await locateIp(data?.ip ?? null),
        metadata: data?.metadata ?? null,
        personErased: data?.personErased ?? false,
      };
    }),
  );
}

export async function listAccountLog(
  ctx: Pick<CoreContext, 'em' | 'keyring'>,
  userId: string,
  page: { cursor?: number | undefined; limit: number },
) {
  const rows = await ctx.em.find(
    AuditEntry,
    { scope: auditScope(null, userId), ...(page.cursor ? { seq: { $lt: page.cursor } } : {}) },
    { orderBy: { seq: 'desc' }, limit: page.limit + 1 },
  );
  const entries = rows.slice(0, page.limit);
  return {
    entries: await toEntries(ctx, entries),
    nextCursor: rows.length > page.limit ? (entries.at(-1)?.seq ?? null) : null,
  };
}

/** The whole log (newest first, at most ACCOUNT_LOG_EXPORT_MAX_ROWS entries) as CSV, formulas neutralised. */
export async function exportAccountLog(ctx: Pick<CoreContext, 'em' | 'clock' | 'keyring'>, userId: string) {
  const rows = await ctx.em.find(
    AuditEntry,
    { scope: auditScope(null, userId) },
    { orderBy: { seq: 'desc' }, limit: ACCOUNT_LOG_EXPORT_MAX_ROWS },
  );
  const entries = await toEntries(ctx, rows);
  const columns = ['occurredAt', 'eventType', 'ip', 'location', 'device', 'details'] as const;
  const body = stringify(
    entries.map((e) => [
      e.occurredAt,
      e.eventType,
      e.ip ?? '',
      e.location ?? '',
      e.device ? `${e.device.browser} on ${e.device.os} (${e.device.deviceType})` : '',
      e.metadata ? JSON.stringify(e.metadata) : '',
    ]),
    { header: true, columns: [...columns], escape_formulas: true },
  );
  const stamp = ctx.clock.now().toISOString().slice(0, 10);
  return { filename: `security-log-${stamp}.csv`, contentType: 'text/csv', body, rows: entries.length };
}
