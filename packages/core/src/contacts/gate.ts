// The ONE way into a subscription. subscribe() (API, dashboard, forms) and importContacts() both pass
// their rows through subscribeRows(), which checks the suppression ledger and earlier unsubscribes
// first, decides the status, and writes contacts, subscriptions and the ledger with set-based SQL:
//
// - a suppressed address, or one that unsubscribed from this list, is refused (skipped in an import)
//   unless the person asks themselves through a sign-up form (and the suppression is not a manual
//   one, which is the workspace's own decision): then it gets an `unconfirmed`
//   subscription, which only a double opt-in confirmation (subscribe.ts confirm) turns active — that
//   confirmation is what lifts the suppression. Import, API and dashboard can never bring it back;
// - otherwise the status is `unconfirmed` when the list has double opt-in and the method is a form or
//   the API without a `confirmedAt` (proof of your own double opt-in), else `active`.
import { randomUUID } from 'node:crypto';
import {
  type ConsentMethod,
  type ContactAttributes,
  type IMPORT_SKIP_REASONS,
  SELF_SERVICE_METHODS,
  type SubscriptionStatus,
} from '@postern/contracts';
import { type ContactList, type EntityManager, execute } from '@postern/db';
import { DomainError } from '../errors.ts';
import { type ConsentEventInput, writeConsentEvents } from './ledger.ts';
import { type ContactsCtx, jsonParam, lockAudience, recordEvents } from './shared.ts';
import { findSuppressed } from './suppressions.ts';

export type SkipReason = (typeof IMPORT_SKIP_REASONS)[number];

export interface GateRow {
  /** 1-based position in the caller's input. */
  row: number;
  email: string;
  normalized: string;
  /** undefined: keep the existing contact's value. */
  name?: string | null | undefined;
  attributes?: ContactAttributes | undefined;
}

export interface GateEvidence {
  method: ConsentMethod;
  ip?: string | null | undefined;
  userAgent?: string | null | undefined;
  consentTextVersionId?: string | null | undefined;
  express?: boolean | undefined;
  basis?: string | null | undefined;
  confirmedAt?: string | undefined;
  source?: string | null | undefined;
}

export type GateOutcome =
  | {
      row: number;
      contactId: string;
      status: SubscriptionStatus;
      changed: boolean;
      confirmationRequired: boolean;
    }
  | { row: number; skipped: SkipReason; detail: string | null };

interface Decision {
  item: GateRow;
  status: SubscriptionStatus;
}

/** The consent text version to record: the one given (it must be the list's), else the list's current one. */
export async function consentVersionFor(
  em: EntityManager,
  list: ContactList,
  given: string | null | undefined,
): Promise<string | null> {
  if (!given) return list.consentTextVersionId ?? null;
  const [row] = await execute(em, 'select 1 from consent_text_version where id = ? and list_id = ?', [
    given,
    list.id,
  ]);
  if (!row)
    throw new DomainError('VALIDATION_FAILED', 'The consent text version is not one of this list', {
      field: 'evidence.consentTextVersionId',
    });
  return given;
}

function targetStatus(list: ContactList, evidence: GateEvidence): SubscriptionStatus {
  const selfService = SELF_SERVICE_METHODS.includes(evidence.method);
  const unproven = selfService || (evidence.method === 'api' && !evidence.confirmedAt);
  return list.doubleOptIn && unproven ? 'unconfirmed' : 'active';
}

/** Contact ids by normalised address; contacts missing are created (concurrent creators agree). */
async function upsertContacts(
  tx: EntityManager,
  ctx: ContactsCtx,
  workspaceId: string,
  rows: readonly GateRow[],
  known: Map<string, string>,
): Promise<void> {
  const now = ctx.clock.now();
  const fresh = rows.filter((r) => !known.has(r.normalized));
  if (fresh.length) {
    const inserted = await execute<{ id: string; email_normalized: string }[]>(
      tx,
      `insert into contact (id, workspace_id, email, email_normalized, name, attributes, created_at, updated_at)
         select r.id, ?, r.email, r.normalized, r.name, coalesce(r.attributes, '{}'::jsonb), ?, ?
           from jsonb_to_recordset(?::jsonb) as r(id uuid, email text, normalized text, name text, attributes jsonb)
         on conflict (workspace_id, email_normalized) do nothing returning id, email_normalized`,
      [
        workspaceId,
        now,
        now,
        jsonParam(
          fresh.map((r) => ({
            id: randomUUID(),
            email: r.email,
            normalized: r.normalized,
            name: r.name ?? null,
            attributes: r.attributes ?? null,
          })),
        ),
      ],
    );
    for (const row of inserted) known.set(row.email_normalized, row.id);
    const raced = fresh.filter((r) => !known.has(r.normalized));
    if (raced.length)
      await readContactIds(
        tx,
        workspaceId,
        raced.map((r) => r.normalized),
        known,
      );
  }
  const changes = rows.filter(
    (r) => !fresh.includes(r) && (r.name !== undefined || r.attributes !== undefined),
  );
  if (changes.length)
    await execute(
      tx,
      `update contact c set
          name = case when r.set_name then r.name else c.name end,
          attributes = case when r.attributes is null then c.attributes else c.attributes || r.attributes end,
          updated_at = ?
         from jsonb_to_recordset(?::jsonb) as r(id uuid, set_name boolean, name text, attributes jsonb)
        where c.id = r.id`,
      [
        now,
        jsonParam(
          changes.map((r) => ({
            id: known.get(r.normalized),
            set_name: r.name !== undefined,
            name: r.name ?? null,
            attributes: r.attributes ?? null,
          })),
        ),
      ],
      'run',
    );
}

async function readContactIds(
  em: EntityManager,
  workspaceId: string,
  normalized: readonly string[],
  into: Map<string, string>,
): Promise<void> {
  const rows = await execute<{ id: string; email_normalized: string }[]>(
    em,
    `select id, email_normalized from contact
      where workspace_id = ? and email_normalized in (select jsonb_array_elements_text(?::jsonb))`,
    [workspaceId, jsonParam(normalized)],
  );
  for (const row of rows) into.set(row.email_normalized, row.id);
}

interface GateState {
  suppressed: Map<string, { reason: string }>;
  contactIds: Map<string, string>;
  /** Current subscription status to the list, by contact id. */
  current: Map<string, SubscriptionStatus>;
}

const AGAIN = 'only the person can subscribe again, through a sign-up form and double opt-in';

/** What becomes of each row (pure): a status to set or keep, or a skip with why. */
function decide(
  rows: readonly GateRow[],
  state: GateState,
  list: ContactList,
  evidence: GateEvidence,
  mode: 'subscribe' | 'import',
): { decisions: Decision[]; outcomes: Map<number, GateOutcome> } {
  const selfService = SELF_SERVICE_METHODS.includes(evidence.method);
  const normalTarget = targetStatus(list, evidence);
  const outcomes = new Map<number, GateOutcome>();
  const decisions: Decision[] = [];
  for (const item of rows) {
    const id = state.contactIds.get(item.normalized);
    const now = id ? state.current.get(id) : undefined;
    const suppression = state.suppressed.get(item.normalized);
    const blocked = suppression ? 'suppressed' : now === 'unsubscribed' ? 'unsubscribed' : null;
    // A manual suppression is the workspace's decision: not even the person's own form lifts it.
    if (blocked && (!selfService || suppression?.reason === 'manual')) {
      const detail = suppression
        ? `the address is suppressed (${suppression.reason}): ${AGAIN}`
        : `the contact unsubscribed from this list: ${AGAIN}`;
      outcomes.set(item.row, { row: item.row, skipped: blocked, detail });
      continue;
    }
    const status: SubscriptionStatus = blocked ? 'unconfirmed' : normalTarget;
    if (now === status || (now === 'active' && !blocked)) {
      if (mode === 'import')
        outcomes.set(item.row, { row: item.row, skipped: 'already_subscribed', detail: null });
      else decisions.push({ item, status: now as SubscriptionStatus });
      continue;
    }
    decisions.push({ item, status });
  }
  return { decisions, outcomes };
}

/** Sets the subscriptions' status (insert, or update the existing row) in one statement. */
async function writeSubscriptions(
  tx: EntityManager,
  ctx: ContactsCtx,
  workspaceId: string,
  list: ContactList,
  evidence: GateEvidence,
  changes: { contactId: string; status: SubscriptionStatus }[],
): Promise<void> {
  if (!changes.length) return;
  const now = ctx.clock.now();
  await execute(
    tx,
    `insert into subscription (id, workspace_id, contact_id, list_id, status, express, confirmed_at,
         unsubscribed_at, created_at, updated_at)
       select r.id, ?, r.contact_id, ?, r.status, ?, ?, null, ?, ?
         from jsonb_to_recordset(?::jsonb) as r(id uuid, contact_id uuid, status text)
       on conflict (contact_id, list_id) do update set status = excluded.status,
         express = excluded.express, confirmed_at = excluded.confirmed_at, unsubscribed_at = null,
         updated_at = excluded.updated_at`,
    [
      workspaceId,
      list.id,
      evidence.express ?? false,
      evidence.confirmedAt && evidence.method === 'api' ? new Date(evidence.confirmedAt) : null,
      now,
      now,
      jsonParam(changes.map((c) => ({ id: randomUUID(), contact_id: c.contactId, status: c.status }))),
    ],
    'run',
  );
}

/**
 * Subscribes rows to `list` on `tx`'s transaction (see the header). Outcomes are in the rows' order.
 * `mode: 'import'` records `imported` ledger events and no webhook events; `'subscribe'` records
 * `subscribed` and emits `contact.subscribed`.
 */
export async function subscribeRows(
  tx: EntityManager,
  ctx: ContactsCtx,
  workspaceId: string,
  list: ContactList,
  rows: readonly GateRow[],
  evidence: GateEvidence,
  mode: 'subscribe' | 'import',
): Promise<GateOutcome[]> {
  await lockAudience(tx, workspaceId, 'shared');
  const consentTextVersionId = await consentVersionFor(tx, list, evidence.consentTextVersionId);
  const normalized = rows.map((r) => r.normalized);
  // The suppression ledger first: nothing below runs for an address it refuses.
  const state: GateState = {
    suppressed: await findSuppressed(tx, ctx.keyring, workspaceId, normalized),
    contactIds: new Map(),
    current: new Map(),
  };
  await readContactIds(tx, workspaceId, normalized, state.contactIds);
  if (state.contactIds.size) {
    const subs = await execute<{ contact_id: string; status: SubscriptionStatus }[]>(
      tx,
      `select contact_id, status from subscription
        where list_id = ? and contact_id in (select jsonb_array_elements_text(?::jsonb)::uuid) for update`,
      [list.id, jsonParam([...state.contactIds.values()])],
    );
    for (const sub of subs) state.current.set(sub.contact_id, sub.status);
  }
  const { decisions, outcomes } = decide(rows, state, list, evidence, mode);
  await upsertContacts(
    tx,
    ctx,
    workspaceId,
    decisions.map((d) => d.item),
    state.contactIds,
  );
  const idOf = (d: Decision) => state.contactIds.get(d.item.normalized) as string;
  const changes = decisions.filter((d) => state.current.get(idOf(d)) !== d.status);
  await writeSubscriptions(
    tx,
    ctx,
    workspaceId,
    list,
    evidence,
    changes.map((d) => ({ contactId: idOf(d), status: d.status })),
  );
  const events: ConsentEventInput[] = changes.map((d) => ({
    contactId: idOf(d),
    listId: list.id,
    type: mode === 'import' ? 'imported' : 'subscribed',
    method: evidence.method,
    consentTextVersionId,
    express: evidence.express ?? false,
    basis: evidence.basis ?? null,
    personal: {
      email: d.item.email,
      ip: evidence.ip,
      userAgent: evidence.userAgent,
      source: evidence.source,
    },
  }));
  await writeConsentEvents(tx, ctx, workspaceId, events);
  if (mode === 'subscribe')
    await recordEvents(
      tx,
      ctx.clock,
      workspaceId,
      'contact.subscribed',
      changes.map((d) => ({
        contact_id: idOf(d),
        list_id: list.id,
        status: d.status,
        method: evidence.method,
      })),
    );
  const changed = new Set(changes.map((d) => d.item.row));
  for (const d of decisions)
    outcomes.set(d.item.row, {
      row: d.item.row,
      contactId: idOf(d),
      status: d.status,
      changed: changed.has(d.item.row),
      confirmationRequired: d.status === 'unconfirmed',
    });
  return rows.map((r) => outcomes.get(r.row) as GateOutcome);
}
