// The suppression ledger of a workspace: addresses that must never be mailed again, with why
// (unsubscribed, bounced, complained, manual), where from and when. Stored as a keyed hash of the
// normalised address (suppression-keys.ts) plus the address sealed with the keyring for display.
// Manual entries can be added (one or many, all-or-nothing: one invalid address refuses the whole
// batch) and removed; unsubscribed/bounced/complained entries cannot be lifted by the workspace — only
// by the person confirming a new subscription through double opt-in (subscribe.ts `confirm`).
import { randomUUID } from 'node:crypto';
import type { SuppressionDto, SuppressionReason } from '@postern/contracts';
import { ZAddSuppressions, ZListSuppressionsQuery } from '@postern/contracts';
import { type EntityManager, execute, Suppression } from '@postern/db';
import { auditLabel } from '../audit/labels.ts';
import { recordAudit } from '../audit/record.ts';
import { encryptionContext, type Keyring } from '../crypto/types.ts';
import { DomainError } from '../errors.ts';
import { afterCursor, keysetOrder, keysetPage } from '../pagination.ts';
import { normalizeAddress, type ParsedContactAddress, tryNormalizeAddress } from './address.ts';
import { parseInput } from './parse.ts';
import {
  actingId,
  auditActor,
  type ContactsCtx,
  iso,
  jsonParam,
  lockAudience,
  recordEvents,
  uuidOrNull,
} from './shared.ts';
import { loadSuppressionKeys, suppressionHash } from './suppression-keys.ts';

const addressContext = (id: string) => encryptionContext('suppression', id, 'address_sealed');

export interface SuppressedEntry {
  id: string;
  reason: SuppressionReason;
}

/** The suppressed ones among normalised addresses (normalised address → entry), hashed under every key version. */
export async function findSuppressed(
  em: EntityManager,
  keyring: Keyring,
  workspaceId: string,
  normalized: readonly string[],
): Promise<Map<string, SuppressedEntry>> {
  const found = new Map<string, SuppressedEntry>();
  if (!normalized.length) return found;
  const keys = await loadSuppressionKeys(em, keyring);
  if (!keys.length) return found;
  const byHash = new Map<string, string>();
  for (const address of new Set(normalized))
    for (const key of keys) byHash.set(suppressionHash(key, workspaceId, address), address);
  const rows = await execute<{ id: string; address_hash: string; reason: SuppressionReason }[]>(
    em,
    `select id, address_hash, reason from suppression
      where workspace_id = ? and address_hash in (select jsonb_array_elements_text(?::jsonb))`,
    [workspaceId, jsonParam([...byHash.keys()])],
  );
  for (const row of rows) {
    const address = byHash.get(row.address_hash);
    if (address) found.set(address, { id: row.id, reason: row.reason });
  }
  return found;
}

export interface SuppressInput {
  addresses: readonly ParsedContactAddress[];
  reason: SuppressionReason;
  source?: string | null | undefined;
  /** The contact it concerns, for the webhook event (unsubscribes). */
  contactId?: string | null;
}

/**
 * Suppresses addresses inside the caller's transaction (addresses already suppressed, for any reason,
 * are left as they are) and writes a `contact.suppressed` event per new entry. The one write path of
 * the suppression ledger: manual additions, unsubscribes, and bounces and complaints (campaigns).
 */
export async function suppressInTx(
  tx: EntityManager,
  ctx: ContactsCtx,
  workspaceId: string,
  input: SuppressInput,
): Promise<{ added: string[]; existing: number }> {
  await lockAudience(tx, workspaceId, 'exclusive');
  const unique = [...new Map(input.addresses.map((a) => [a.normalized, a])).values()];
  const keys = await loadSuppressionKeys(tx, ctx.keyring, { create: true });
  const current = keys[0];
  if (!current) throw new DomainError('INTERNAL', 'the suppression key is missing');
  const already = await findSuppressed(
    tx,
    ctx.keyring,
    workspaceId,
    unique.map((a) => a.normalized),
  );
  const now = ctx.clock.now();
  const createdBy = actingId(ctx);
  const source = input.source?.trim() || null;
  const rows = unique
    .filter((a) => !already.has(a.normalized))
    .map((a) => {
      const id = randomUUID();
      return {
        id,
        hash: suppressionHash(current, workspaceId, a.normalized),
        sealed: ctx.keyring.encrypt(a.email, addressContext(id)),
      };
    });
  let added: string[] = [];
  if (rows.length) {
    const inserted = await execute<{ id: string }[]>(
      tx,
      `insert into suppression (id, workspace_id, reason, source, address_hash, key_version, address_sealed, created_by, created_at)
         select r.id, ?, ?, ?, r.hash, ?, r.sealed, ?, ?
           from jsonb_to_recordset(?::jsonb) as r(id uuid, hash text, sealed text)
         on conflict (workspace_id, address_hash) do nothing returning id`,
      [workspaceId, input.reason, source, current.version, createdBy, now, jsonParam(rows)],
    );
    added = inserted.map((row) => row.id);
  }
  await recordEvents(
    tx,
    ctx.clock,
    workspaceId,
    'contact.suppressed',
    added.map((id) => ({
      suppression_id: id,
      contact_id: input.contactId ?? null,
      reason: input.reason,
      source,
    })),
  );
  return { added, existing: unique.length - added.length };
}

/**
 * Adds manual suppressions (one or many, e.g. from a CSV). All-or-nothing: an invalid address refuses
 * the whole batch (VALIDATION_FAILED naming its position) and nothing is written.
 */
export async function addSuppressions(
  ctx: ContactsCtx,
  workspaceId: string,
  rawInput: unknown,
): Promise<{ added: number; existing: number }> {
  const input = parseInput(ZAddSuppressions, rawInput);
  const addresses: ParsedContactAddress[] = [];
  const invalid: { index: number; reason: string }[] = [];
  input.emails.forEach((email, index) => {
    const parsed = tryNormalizeAddress(email);
    if ('reason' in parsed) invalid.push({ index, reason: parsed.reason });
    else addresses.push(parsed);
  });
  if (invalid.length)
    throw new DomainError(
      'VALIDATION_FAILED',
      `${invalid.length} address(es) are not valid email addresses (first at position ${(invalid[0]?.index ?? 0) + 1}): nothing was added`,
      { invalid: invalid.slice(0, 20) },
    );
  return ctx.em.transactional(async (tx) => {
    const result = await suppressInTx(tx, ctx, workspaceId, {
      addresses,
      reason: 'manual',
      source: input.source ?? 'manual',
    });
    recordAudit(tx, ctx.clock, {
      type: 'suppression.added',
      ...auditActor(ctx),
      workspaceId,
      target: { type: 'suppression_list', id: workspaceId, label: 'Suppression list' },
      meta: ctx.meta,
      metadata: { added: result.added.length, existing: result.existing, source: input.source ?? null },
    });
    return { added: result.added.length, existing: result.existing };
  });
}

/** Removes a manual suppression. Others (unsubscribed, bounced, complained) are refused: CONFLICT. */
export async function removeSuppression(ctx: ContactsCtx, workspaceId: string, suppressionId: string) {
  await ctx.em.transactional(async (tx) => {
    const [row] = await execute<{ id: string; reason: SuppressionReason }[]>(
      tx,
      'select id, reason from suppression where id = ? and workspace_id = ? for update',
      [uuidOrNull(suppressionId), workspaceId],
    );
    if (!row) throw new DomainError('NOT_FOUND', 'No such suppression');
    if (row.reason !== 'manual')
      throw new DomainError(
        'CONFLICT',
        `This address is suppressed because it ${row.reason === 'unsubscribed' ? 'unsubscribed' : row.reason === 'bounced' ? 'bounced' : 'reported a complaint'}: only the person can lift it, by subscribing again and confirming through double opt-in`,
        { reason: row.reason },
      );
    await execute(tx, 'delete from suppression where id = ?', [row.id], 'run');
    recordAudit(tx, ctx.clock, {
      type: 'suppression.removed',
      ...auditActor(ctx),
      workspaceId,
      target: { type: 'suppression', id: row.id, label: auditLabel('suppression', row.id) },
      meta: ctx.meta,
      metadata: { reason: row.reason },
    });
  });
}

/** What the suppression list shows in place of the address of a person who was erased. */
export const ERASED_SUPPRESSION_LABEL = '(erased person)';

/**
 * Makes the suppression of an erased contact's address a tombstone, inside the erasure's transaction:
 * the keyed hash, reason, source and date stay (the address is still never mailed, and only the person
 * can lift it, by subscribing again), the sealed address is replaced by ERASED_SUPPRESSION_LABEL, so
 * nothing — not even with the keyring — gives the address back. Returns how many entries it changed.
 */
export async function tombstoneSuppression(
  tx: EntityManager,
  keyring: Keyring,
  workspaceId: string,
  normalized: string,
): Promise<number> {
  const entry = (await findSuppressed(tx, keyring, workspaceId, [normalized])).get(normalized);
  if (!entry) return 0;
  await execute(
    tx,
    'update suppression set address_sealed = ? where id = ? and workspace_id = ?',
    [keyring.encrypt(ERASED_SUPPRESSION_LABEL, addressContext(entry.id)), entry.id, workspaceId],
    'run',
  );
  return 1;
}

function suppressionDto(keyring: Keyring, row: Suppression): SuppressionDto {
  return {
    id: row.id,
    email: keyring.decryptString(row.addressSealed, addressContext(row.id)),
    reason: row.reason as SuppressionReason,
    source: row.source ?? null,
    createdAt: iso(row.createdAt) as string,
    createdBy: row.createdBy ?? null,
  };
}

/** A page of the workspace's suppressions, newest first, addresses opened. */
export async function listSuppressions(
  ctx: Pick<ContactsCtx, 'em' | 'keyring'>,
  workspaceId: string,
  rawQuery: unknown = {},
): Promise<{ suppressions: SuppressionDto[]; nextCursor: string | null }> {
  const query = parseInput(ZListSuppressionsQuery, rawQuery);
  const after = afterCursor(query.cursor);
  const where = {
    workspace: workspaceId,
    ...(query.reason ? { reason: query.reason } : {}),
    ...(after ? { $and: [after] } : {}),
  };
  const rows = await ctx.em.find(Suppression, where, keysetOrder(query.limit));
  const { page, nextCursor } = keysetPage(rows, query.limit);
  return { suppressions: page.map((row) => suppressionDto(ctx.keyring, row)), nextCursor };
}

/** Every suppression of the workspace, addresses opened (for a CSV/JSON export); audited. */
export async function exportSuppressions(ctx: ContactsCtx, workspaceId: string): Promise<SuppressionDto[]> {
  const rows = await ctx.em.find(
    Suppression,
    { workspace: workspaceId },
    { orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  const out = rows.map((row) => suppressionDto(ctx.keyring, row));
  recordAudit(ctx.em, ctx.clock, {
    type: 'suppression.exported',
    ...auditActor(ctx),
    workspaceId,
    target: { type: 'suppression_list', id: workspaceId, label: 'Suppression list' },
    meta: ctx.meta,
    metadata: { count: out.length },
  });
  await ctx.em.flush();
  return out;
}

/**
 * Which of `emails` are suppressed in the workspace (batched: one query for all), in the order
 * given. An invalid address is refused (VALIDATION_FAILED): it could never be mailed anyway.
 */
export async function isSuppressed(
  ctx: Pick<ContactsCtx, 'em' | 'keyring'>,
  workspaceId: string,
  emails: readonly string[],
): Promise<{ email: string; suppressed: boolean; reason: SuppressionReason | null }[]> {
  const parsed = emails.map((email) => normalizeAddress(email));
  const found = await findSuppressed(
    ctx.em,
    ctx.keyring,
    workspaceId,
    parsed.map((p) => p.normalized),
  );
  return parsed.map((p, i) => {
    const entry = found.get(p.normalized);
    return { email: emails[i] as string, suppressed: Boolean(entry), reason: entry?.reason ?? null };
  });
}
