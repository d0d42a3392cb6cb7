// Imports contacts into a list with a declared basis (required). Per-row report, not all-or-nothing:
// rows that cannot be imported (invalid address, name or attributes, a duplicate of an earlier row, a
// suppressed address, a contact that unsubscribed from the list, one already subscribed) are skipped
// and reported with their 1-based position and why; every other row is imported, all of them in one
// transaction (a failure writes nothing). Rows go through the one gate (gate.ts) in batches of
// multi-row statements; imports emit no per-contact webhook event (one audit entry instead).
import { type ImportResult, isStorableText, ZContactAttributes, ZImportContacts } from '@postern/contracts';
import { auditLabel } from '../audit/labels.ts';
import { recordAudit } from '../audit/record.ts';
import { tryNormalizeAddress } from './address.ts';
import { type GateRow, subscribeRows } from './gate.ts';
import { findList } from './lists.ts';
import { parseInput } from './parse.ts';
import { auditActor, type ContactsCtx } from './shared.ts';

const BATCH = 2000;

type Skip = ImportResult['skipped'][number];

/** One row checked on its own (address, name, attributes, an earlier duplicate): a gate row or a skip. */
function checkRow(
  raw: { email: string; name?: string | null | undefined; attributes?: unknown },
  row: number,
  seen: Map<string, number>,
): GateRow | Skip {
  const address = tryNormalizeAddress(raw.email);
  if ('reason' in address) return { row, reason: 'invalid_address', detail: address.reason };
  const name = typeof raw.name === 'string' ? raw.name.trim() : raw.name;
  if (typeof name === 'string' && (name.length > 200 || !isStorableText(name)))
    return { row, reason: 'invalid_name', detail: 'at most 200 characters of storable text' };
  let attributes: GateRow['attributes'];
  if (raw.attributes !== undefined && raw.attributes !== null) {
    const parsed = ZContactAttributes.safeParse(raw.attributes);
    if (!parsed.success)
      return { row, reason: 'invalid_attributes', detail: parsed.error.issues[0]?.message ?? null };
    attributes = parsed.data;
  }
  const first = seen.get(address.normalized);
  if (first) return { row, reason: 'duplicate_in_import', detail: `same address as row ${first}` };
  seen.set(address.normalized, row);
  return { row, ...address, name: name || undefined, attributes };
}

export async function importContacts(
  ctx: ContactsCtx,
  workspaceId: string,
  rawInput: unknown,
): Promise<ImportResult> {
  const input = parseInput(ZImportContacts, rawInput);
  const skipped: ImportResult['skipped'] = [];
  const rows: GateRow[] = [];
  const seen = new Map<string, number>();
  input.rows.forEach((raw, index) => {
    const checked = checkRow(raw, index + 1, seen);
    if ('reason' in checked) skipped.push(checked);
    else rows.push(checked);
  });
  const imported = await ctx.em.transactional(async (tx) => {
    const list = await findList(tx, workspaceId, input.listId);
    let count = 0;
    for (let i = 0; i < rows.length; i += BATCH) {
      const outcomes = await subscribeRows(
        tx,
        ctx,
        workspaceId,
        list,
        rows.slice(i, i + BATCH),
        { method: 'import', basis: input.basis, express: input.express, source: input.source ?? null },
        'import',
      );
      for (const outcome of outcomes) {
        if ('skipped' in outcome)
          skipped.push({ row: outcome.row, reason: outcome.skipped, detail: outcome.detail });
        else if (outcome.changed) count++;
      }
    }
    recordAudit(tx, ctx.clock, {
      type: 'contact.imported',
      ...auditActor(ctx),
      workspaceId,
      target: { type: 'contact_list', id: list.id, label: auditLabel('contact_list', list.id, list.name) },
      meta: ctx.meta,
      metadata: {
        imported: count,
        skipped: skipped.length,
        basis: input.basis,
        source: input.source ?? null,
      },
    });
    return count;
  });
  skipped.sort((a, b) => a.row - b.row);
  return { imported, skipped };
}
