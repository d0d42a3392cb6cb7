// The retention rules of contact imports (core/retention/policy.ts): report rows (addresses as
// uploaded) 30 days after the import ended, and uploads abandoned mid-file (their process stopped).
import { type EntityManager, execute } from '@postern/db';
import { IMPORT_UPLOAD_STALE_MS } from './create.ts';

const DAY = 86_400_000;
/** Days a finished import's report is kept. */
export const IMPORT_REPORT_DAYS = 30;

/** Deletes the report rows (and any staged chunk) of imports that ended more than 30 days ago. */
export async function purgeImportReports(em: EntityManager, now: Date): Promise<number> {
  const before = new Date(now.getTime() - IMPORT_REPORT_DAYS * DAY);
  const result = await execute<{ affectedRows: number }>(
    em,
    `delete from contact_import_report where import_id in
       (select id from contact_import where finished_at < ? and status in ('completed', 'failed', 'cancelled'))`,
    [before],
    'run',
  );
  await execute(
    em,
    `delete from contact_import_chunk where import_id in
       (select id from contact_import where status in ('completed', 'failed', 'cancelled'))`,
    [],
    'run',
  );
  return result.affectedRows;
}

/** Removes imports still `uploading` whose heartbeat stopped (the API process died mid-upload). */
export async function purgeAbandonedImports(em: EntityManager, now: Date): Promise<number> {
  const result = await execute<{ affectedRows: number }>(
    em,
    `delete from contact_import where status = 'uploading' and touched_at < ?`,
    [new Date(now.getTime() - IMPORT_UPLOAD_STALE_MS)],
    'run',
  );
  return result.affectedRows;
}
