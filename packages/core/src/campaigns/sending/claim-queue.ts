// Claims and sent records grouped per worker process and campaign: every send batch of a campaign
// running in this process (a worker runs several at once) queues its claims here, and the claims that
// queue while the previous claim statement runs go together in the next one (claimMany re-checks each
// row in that statement: campaign still sending, subscription active, address not suppressed). Sent
// rows are written the same way, a few at a time for the whole campaign (recipient.ts's SentWriter).
// A claim waits at most one statement and CLAIM_SPACING_MS; the SMTP transaction follows it at once.
import type { EntityManager } from '@postern/db';
import { type ClaimInput, claimMany, SentWriter } from './recipient.ts';

/** Most claims made by one statement. */
const CLAIM_GROUP_MAX = 50;
/**
 * Least time between two claim statements of a campaign in one process. A claim asked while the
 * queue is idle goes at once; under load, claims arrive as SMTP slots free up (one by one), and
 * spacing the statements lets several share one: a statement has a fixed cost (~0.2 ms of the
 * worker's CPU, ~1 ms of PostgreSQL's) against ~20 µs and ~50 µs a row, so 8 rows a statement cost
 * twice what 32 do (measured). At 30 ms about 15–20 claims share one under load (`pnpm bench
 * campaigns`: 0.86 ms of worker CPU a message against 1.0 at 15 ms with 6 sends in flight per batch).
 * A claim waits at most this long: less than the pool's queue holds it anyway
 * (SENDS_IN_FLIGHT_PER_BATCH keeps enough claimed sends queued). The unsubscribe POST waits for the
 * address's claimed sends to settle (unsubscribe.ts), so a claim made early never outlives it.
 */
export const CLAIM_SPACING_MS = 30;

type ClaimOutcome = number | null | 'stopped';

interface QueuedClaim {
  input: ClaimInput;
  /** Whether the batch that asked has stopped meanwhile (then the claim is handed back unmade). */
  stopped: () => boolean;
  done: (outcome: ClaimOutcome, error?: unknown) => void;
}

interface CampaignQueue {
  claims: QueuedClaim[];
  claiming: boolean;
}

const queues = new Map<string, CampaignQueue>();
const writers = new Map<string, { writer: SentWriter; users: number }>();

/**
 * Claims one recipient (the attempts after the claim), null when the statement refused it, or
 * 'stopped' when its batch stopped before the statement ran.
 */
export function queueClaim(
  em: EntityManager,
  campaignId: string,
  input: ClaimInput,
  stopped: () => boolean,
): Promise<ClaimOutcome> {
  // Claims of one statement share the campaign's list and consent rule.
  const key = `${campaignId}:${input.listId}:${input.casl}`;
  let queue = queues.get(key);
  if (!queue) {
    queue = { claims: [], claiming: false };
    queues.set(key, queue);
  }
  const q = queue;
  return new Promise((resolve, reject) => {
    q.claims.push({ input, stopped, done: (outcome, error) => (error ? reject(error) : resolve(outcome)) });
    if (!q.claiming) void drain(em, key, q);
  });
}

async function drain(em: EntityManager, key: string, queue: CampaignQueue): Promise<void> {
  queue.claiming = true;
  try {
    // Let the sends that are about to claim in this turn join the first statement.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.claims.length) {
      const started = Date.now();
      const group: QueuedClaim[] = [];
      for (const item of queue.claims.splice(0, CLAIM_GROUP_MAX)) {
        if (item.stopped()) item.done('stopped');
        else group.push(item);
      }
      if (!group.length) continue;
      const last = group[group.length - 1]?.input as ClaimInput;
      try {
        const claimed = await claimMany(
          em,
          { workspaceId: last.workspaceId, listId: last.listId, casl: last.casl, now: last.now },
          group.map(({ input }) => ({
            recipientId: input.recipientId,
            hashes: input.hashes,
            keyVersion: input.keyVersion,
          })),
        );
        for (const item of group) item.done(claimed.get(item.input.recipientId) ?? null);
      } catch (error) {
        for (const item of group) item.done(null, error ?? new Error('claim failed'));
      }
      const rest = CLAIM_SPACING_MS - (Date.now() - started);
      if (rest > 0 && queue.claims.length < CLAIM_GROUP_MAX)
        await new Promise((resolve) => setTimeout(resolve, rest));
    }
  } finally {
    queue.claiming = false;
    if (!queue.claims.length && queues.get(key) === queue) queues.delete(key);
  }
}

/** The campaign's shared sent writer in this process; `release` when the batch has flushed. */
export function sentWriterFor(
  em: EntityManager,
  campaignId: string,
): { writer: SentWriter; release(): void } {
  let entry = writers.get(campaignId);
  if (!entry) {
    entry = { writer: new SentWriter(em), users: 0 };
    writers.set(campaignId, entry);
  }
  const held = entry;
  held.users++;
  let released = false;
  return {
    writer: held.writer,
    release() {
      if (released) return;
      released = true;
      held.users--;
      if (held.users === 0 && writers.get(campaignId) === held) writers.delete(campaignId);
    },
  };
}
