// One recipient's state changes, each its own committed statement (no transaction is held across the
// SMTP exchange). At most once: `claim` marks the row `sending` BEFORE the SMTP transaction, and only
// if — at that very statement — the campaign is still sending, the subscription is still active (with
// express consent on a CASL list) and the address is not suppressed; `markSent` AFTER. A row a later
// run finds in `sending` is the trace of a worker that died mid-send: `unknown`, never retried.
import { type EntityManager, execute, executeBound } from '@postern/db';
import { loadSuppressionKeys, suppressionHash } from '../../contacts/suppression-keys.ts';
import type { Keyring } from '../../crypto/types.ts';

/** The suppression hashes of an address under every key version, and the newest version known. */
export interface SuppressionProbe {
  version: number | null;
  hashes(workspaceId: string, normalized: string): string[];
}

export async function suppressionProbe(em: EntityManager, keyring: Keyring): Promise<SuppressionProbe> {
  const keys = await loadSuppressionKeys(em, keyring);
  return {
    version: keys[0]?.version ?? null,
    hashes: (workspaceId, normalized) => keys.map((key) => suppressionHash(key, workspaceId, normalized)),
  };
}

export interface ClaimInput {
  recipientId: string;
  workspaceId: string;
  listId: string;
  casl: boolean;
  hashes: string[];
  keyVersion: number | null;
  now: Date;
}

/**
 * pending → sending for several recipients of one campaign in one statement (the claims that queued
 * while the previous statement ran), each row checked in this same statement — the campaign still
 * `sending`, its own subscription active (express on a CASL list), none of its own suppression hashes
 * present, the suppression key version unchanged.
 * The rows are found by primary key only — the ids also as an array, whose length the planner sees
 * (an unnamed statement is planned with its values; a JSON record set counts as 100 rows) — and the
 * campaign is checked per row (a subquery, not a join), so no plan can walk the (campaign_id, status)
 * index: with a table analysed before the snapshot (or never: autoanalyze lags), such a plan scans
 * every pending row for each claim.
 * Returns the attempts after the claim by recipient id; an id missing from the map was not claimed.
 */
export async function claimMany(
  em: EntityManager,
  c: Omit<ClaimInput, 'recipientId' | 'hashes' | 'keyVersion'>,
  items: readonly { recipientId: string; hashes: string[]; keyVersion: number | null }[],
): Promise<Map<string, number>> {
  if (items.length === 0) return new Map();
  // Bound parameters: `execute` would escape the JSON into the SQL text character by character (a
  // sixteenth of the worker's allocations while sending).
  const { rows } = await executeBound<{ id: string; attempts: number }>(
    em,
    `update campaign_recipient r set status = 'sending', sending_started_at = $1, attempts = r.attempts + 1, updated_at = $1
       from jsonb_to_recordset($2::jsonb) as x(id uuid, hashes jsonb, key_version int)
      where r.id = x.id and r.id = any($3::uuid[]) and r.status = 'pending'
        and (select c.status from campaign c where c.id = r.campaign_id) = 'sending'
        and exists (select 1 from subscription s where s.contact_id = r.contact_id and s.list_id = $4
                     and s.status = 'active' and (not $5 or s.express))
        and not exists (select 1 from suppression s2 where s2.workspace_id = $6
                         and s2.address_hash = any(array(select jsonb_array_elements_text(x.hashes))))
        and (select max(version) from suppression_key) is not distinct from x.key_version
      returning r.id, r.attempts`,
    [
      c.now,
      JSON.stringify(items.map((i) => ({ id: i.recipientId, hashes: i.hashes, key_version: i.keyVersion }))),
      items.map((i) => i.recipientId),
      c.listId,
      c.casl,
      c.workspaceId,
    ],
  );
  return new Map(rows.map((row) => [row.id, row.attempts]));
}

export type ClaimRefusal =
  | { kind: 'taken' }
  | { kind: 'campaign'; status: string }
  | { kind: 'keys' }
  | { kind: 'skip'; reason: 'suppressed' | 'unsubscribed' | 'no_consent' };

/** Why a claim did not happen (one read after the refusal). */
export async function whyRefused(em: EntityManager, c: ClaimInput): Promise<ClaimRefusal> {
  const [row] = await execute<
    {
      rstatus: string;
      cstatus: string;
      sub: string | null;
      express: boolean | null;
      suppressed: boolean;
      keyver: number | null;
    }[]
  >(
    em,
    `select r.status as rstatus, c.status as cstatus, s.status as sub, s.express,
            exists (select 1 from suppression x where x.workspace_id = ?
                     and x.address_hash = any(array(select jsonb_array_elements_text(?::jsonb)))) as suppressed,
            (select max(version) from suppression_key) as keyver
       from campaign_recipient r join campaign c on c.id = r.campaign_id
       left join subscription s on s.contact_id = r.contact_id and s.list_id = ?
      where r.id = ?`,
    [c.workspaceId, JSON.stringify(c.hashes), c.listId, c.recipientId],
  );
  if (row?.rstatus !== 'pending') return { kind: 'taken' };
  if (row.cstatus !== 'sending') return { kind: 'campaign', status: row.cstatus };
  if ((row.keyver ?? null) !== c.keyVersion) return { kind: 'keys' };
  if (row.suppressed) return { kind: 'skip', reason: 'suppressed' };
  if (row.sub !== 'active') return { kind: 'skip', reason: 'unsubscribed' };
  if (c.casl && !row.express) return { kind: 'skip', reason: 'no_consent' };
  // Changed back between the two reads (re-subscribed): the next run takes it.
  return { kind: 'taken' };
}

export async function markSkipped(
  em: EntityManager,
  id: string,
  reason: string,
  now: Date,
): Promise<boolean> {
  const r = await execute<{ affectedRows: number }>(
    em,
    `update campaign_recipient set status = 'skipped', skip_reason = ?, updated_at = ? where id = ? and status = 'pending'`,
    [reason, now, id],
    'run',
  );
  return r.affectedRows === 1;
}

/**
 * Records sends as `sent` a few at a time (one statement per SENT_FLUSH rows or SENT_FLUSH_MS; rows
 * found by primary key, as claimMany finds them): the claim before each SMTP transaction must be its
 * own statement, the outcome need not (a statement's fixed cost is several rows' worth: see
 * CLAIM_SPACING_MS). A worker dying before a flush leaves those rows `sending` (at most SENT_FLUSH
 * of them, or 200 ms of sends), which the retry marks `unknown` — never sent twice.
 */
export class SentWriter {
  static readonly SENT_FLUSH = 50;
  static readonly SENT_FLUSH_MS = 200;
  readonly #em: EntityManager;
  #rows: { id: string; message_id: string; sent_at: Date }[] = [];
  #timer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(em: EntityManager) {
    this.#em = em;
  }

  add(id: string, messageId: string, now: Date): void {
    this.#rows.push({ id, message_id: messageId.slice(0, 255), sent_at: now });
    if (this.#rows.length >= SentWriter.SENT_FLUSH) void this.flush().catch(() => {});
    else this.#timer ??= setTimeout(() => void this.flush().catch(() => {}), SentWriter.SENT_FLUSH_MS);
  }

  /** Writes what is waiting; resolves when every row added so far is written (or throws). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const rows = this.#rows;
    this.#rows = [];
    const previous = this.#flushing;
    this.#flushing = previous.then(async () => {
      if (!rows.length) return;
      await executeBound(
        this.#em,
        `update campaign_recipient r set status = 'sent', message_id = x.message_id, sent_at = x.sent_at,
                last_error = null, updated_at = x.sent_at
           from jsonb_to_recordset($1::jsonb) as x(id uuid, message_id text, sent_at timestamptz)
          where r.id = x.id and r.id = any($2::uuid[]) and r.status = 'sending'`,
        [JSON.stringify(rows), rows.map((row) => row.id)],
      );
    });
    return this.#flushing;
  }
}

export async function markFailed(em: EntityManager, id: string, error: string, now: Date): Promise<void> {
  await execute(
    em,
    `update campaign_recipient set status = 'failed', last_error = ?, updated_at = ? where id = ? and status in ('sending', 'pending')`,
    [error.slice(0, 500), now, id],
    'run',
  );
}

/** sending → pending again: a temporary failure (attempts kept) or the sender's problem (attempt given back). */
export async function markPending(
  em: EntityManager,
  id: string,
  options: { nextAttemptAt: Date | null; error: string | null; refundAttempt: boolean; now: Date },
): Promise<void> {
  await execute(
    em,
    `update campaign_recipient set status = 'pending', next_attempt_at = ?, last_error = ?, sending_started_at = null,
            attempts = attempts - ?, updated_at = ?
      where id = ? and status = 'sending'`,
    [
      options.nextAttemptAt,
      options.error?.slice(0, 500) ?? null,
      options.refundAttempt ? 1 : 0,
      options.now,
      id,
    ],
    'run',
  );
}

/** The connection was lost with no answer during the send: maybe delivered, so `unknown`, never retried. */
export async function markUnknown(em: EntityManager, id: string, error: string, now: Date): Promise<void> {
  await execute(
    em,
    `update campaign_recipient set status = 'unknown', last_error = ?, updated_at = ?
      where id = ? and status = 'sending'`,
    [
      `The connection was lost during the SMTP exchange (${error}): the message may have been delivered, so it is not sent again.`.slice(
        0,
        500,
      ),
      now,
      id,
    ],
  );
}

/** Rows of these ids left in `sending` by a run that died: unknown (maybe delivered), never retried. */
export async function markLostAsUnknown(
  em: EntityManager,
  campaignId: string,
  ids: readonly string[],
  now: Date,
): Promise<number> {
  const rows = await execute<{ id: string }[]>(
    em,
    `update campaign_recipient set status = 'unknown', updated_at = ?,
            last_error = 'The worker stopped during the SMTP exchange: the message may have been delivered, so it is not sent again.'
      where campaign_id = ? and status = 'sending' and id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid))
      returning id`,
    [now, campaignId, JSON.stringify(ids)],
  );
  return rows.length;
}
