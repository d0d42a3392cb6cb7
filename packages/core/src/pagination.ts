// Keyset pagination, newest first, over (created_at, id): the cursor is opaque to callers (base64url
// of the last row's time and id) and a page never skips or repeats a row while rows are added.
import { DomainError } from './errors.ts';

interface KeysetRow {
  createdAt: Date;
  id: string;
}

/** The filter for rows after the cursor (to put under `$and`), or null without a cursor. */
export function afterCursor(cursor: string | undefined): Record<string, unknown> | null {
  if (!cursor) return null;
  let decoded: { t?: unknown; id?: unknown };
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = {};
  }
  const at = typeof decoded.t === 'string' ? new Date(decoded.t) : null;
  if (!at || Number.isNaN(at.getTime()) || typeof decoded.id !== 'string')
    throw new DomainError('BAD_REQUEST', 'The cursor is not one this API returned', { option: 'cursor' });
  return { $or: [{ createdAt: { $lt: at } }, { createdAt: at, id: { $lt: decoded.id } }] };
}

/** Options for `em.find`: newest first, one row more than the page to know whether another follows. */
export const keysetOrder = (limit: number) => ({
  orderBy: { createdAt: 'desc' as const, id: 'desc' as const },
  limit: limit + 1,
});

/** Cuts the extra row off and makes the next cursor (null on the last page). */
export function keysetPage<T extends KeysetRow>(
  rows: T[],
  limit: number,
): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify({ t: last.createdAt.toISOString(), id: last.id })).toString('base64url')
      : null;
  return { page, nextCursor };
}
