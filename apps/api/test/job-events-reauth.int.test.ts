// An open job event stream authorises its caller again every `reauthMs` (production: 5 s; here 1 s,
// passed to the real server through the harness), so losing access ends it: `event: error` with the code a
// request with the same credentials now gets, then the server closes the stream — within the interval
// plus a margin of the change, not when the job ends (no worker runs here: the jobs stay queued and
// the streams would otherwise stay open). GET /v1/jobs/:id/events (API key): the key revoked, its
// workspace suspended by the operator (owner disabled; markers in Redis) or found suspended by the
// database check alone. GET /api/w/:workspaceId/jobs/:jobId/events (session): signed out, removed from
// the workspace, account disabled. A stream whose caller keeps access goes on past its re-checks.
import { AUTH_COOKIES } from '@postern/contracts';
import { createRateLimiter, setUserDisabled } from '@postern/core';
import { BulkJob, User } from '@postern/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, dashboardHeaders, listen, readEvents, type SseEvent } from './support/bulk.ts';
import { addMember, type Harness, newAccount, startHarness } from './support/harness.ts';

/** A re-check is due at the first 500 ms poll after the interval; it takes a few queries. */
const MARGIN_MS = 2000;
// Shorter than production's EVENTS_REAUTH_MS (5 s) so the file runs quickly; the mechanism is the same.
const EVENTS_REAUTH_MS = 1_000;
/** Without the re-check a stream stays open: long enough past the interval to tell. */
const STREAM_TIMEOUT_MS = EVENTS_REAUTH_MS + 5000;

let h: Harness;
let baseUrl = '';

beforeAll(async () => {
  h = await startHarness({ bulk: { reauthMs: EVENTS_REAUTH_MS } });
  baseUrl = await listen(h);
});

afterAll(async () => {
  await h?.close();
});

async function newKey(account: Account, name = 'stream') {
  const res = await account.client.mutate<{ key: { id: string }; secret: string }>('apiKeys.create', {
    workspaceId: account.workspaceId,
    name,
  });
  if (!res.data?.secret) throw new Error(`no key: ${JSON.stringify(res.error)}`);
  return { id: res.data.key.id, secret: res.data.secret };
}

/** A queued job of the key's workspace (no worker: it stays queued). */
async function queuedJob(secret: string): Promise<string> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { authorization: `Bearer ${secret}` },
    payload: { emails: ['one@postern-reauth.com', 'two@postern-reauth.com'] },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}

/** The operator disables the account (as `postern admin user disable` does, same core function). */
async function disable(email: string) {
  const ctx = { em: h.orm.em.fork(), clock: h.clock, config: h.config, kv: h.kv, sendMail: async () => {} };
  await setUserDisabled(ctx, createRateLimiter(h.kv), email, { name: 'tests', reason: 'reauth' }, true);
}

/**
 * Opens the stream, runs `act` once its first progress event arrived, and reads until the server ends
 * the stream; `afterMs`: from the end of `act` to the end of the stream.
 */
async function streamAcross(path: string, headers: Record<string, string>, act: () => Promise<unknown>) {
  let acted: Promise<number> | undefined;
  const result = await readEvents(`${baseUrl}${path}`, headers, {
    timeoutMs: STREAM_TIMEOUT_MS,
    until: (event) => {
      if (event.event === 'progress' && !acted) acted = act().then(() => performance.now());
      return false;
    },
  });
  const endedAt = performance.now();
  const actedAt = await acted;
  if (actedAt === undefined) throw new Error(`no progress event: ${result.body}`);
  return { ...result, afterMs: endedAt - actedAt };
}

const data = (event: SseEvent | undefined) => JSON.parse(event?.data ?? 'null');

/** What the same credentials get from the API now, as `{ status, code }`. */
async function freshAnswer(path: string, headers: Record<string, string>) {
  const res = await h.app.inject({ method: 'GET', url: path, headers });
  return { status: res.statusCode, code: res.json().code as string };
}

function expectRefused(result: Awaited<ReturnType<typeof streamAcross>>, code: string) {
  expect(result.status).toBe(200);
  expect(result.events.map((e) => e.event)).toEqual(['progress', 'error']);
  expect(data(result.events[1])).toEqual({ code, message: expect.any(String) });
  expect(result.closedByServer).toBe(true);
  expect(result.afterMs).toBeLessThan(EVENTS_REAUTH_MS + MARGIN_MS);
}

describe('GET /v1/jobs/:id/events re-checks its key', () => {
  it('ends once the key is revoked (UNAUTHENTICATED); another key of the workspace goes on, free of charge', {
    timeout: 40_000,
  }, async () => {
    const owner = await newAccount(h.app);
    const revoked = await newKey(owner, 'revoked');
    const kept = await newKey(owner, 'kept');
    const jobId = await queuedJob(kept.secret);
    const path = `/v1/jobs/${jobId}/events`;
    const keptOpenedAt = performance.now();
    const control = readEvents(
      `${baseUrl}${path}`,
      { authorization: `Bearer ${kept.secret}` },
      {
        timeoutMs: 30_000,
        until: (e) => e.event === 'progress' && data(e).status === 'running',
      },
    );

    const auth = { authorization: `Bearer ${revoked.secret}` };
    // The workspace's rate-limit bucket, last written when the streams were opened (the gate's token).
    const bucket = () => h.kv.client.hget(`ratelimit:ws:${owner.workspaceId}`, 'ts');
    let bucketAtRevocation: string | null = null;
    const result = await streamAcross(path, auth, async () => {
      bucketAtRevocation = await bucket();
      const res = await owner.client.mutate('apiKeys.revoke', {
        workspaceId: owner.workspaceId,
        keyId: revoked.id,
      });
      expect(res.status).toBe(200);
    });
    expectRefused(result, 'UNAUTHENTICATED');
    expect(data(result.events[1]).message).toMatch(/revoked/);
    expect(await freshAnswer(`/v1/jobs/${jobId}`, auth)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });

    // The other key's stream passed its own re-checks and still follows the job.
    const wait = keptOpenedAt + 2 * EVENTS_REAUTH_MS + 500 - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    // Its re-checks spent no token of the workspace's rate limit: the bucket was not written since.
    expect(bucketAtRevocation).not.toBeNull();
    expect(await bucket()).toBe(bucketAtRevocation);
    await h.orm.em.fork().nativeUpdate(BulkJob, { id: jobId }, { status: 'running', processed: 1 });
    const followed = await control;
    expect(followed.events.map((e) => e.event)).toEqual(['progress', 'progress']);
    expect(followed.closedByServer).toBe(false);
  });

  it('ends with ACCOUNT_DISABLED once the operator disables the owner (workspace suspended)', async () => {
    const owner = await newAccount(h.app);
    const key = await newKey(owner);
    const jobId = await queuedJob(key.secret);
    const auth = { authorization: `Bearer ${key.secret}` };
    const result = await streamAcross(`/v1/jobs/${jobId}/events`, auth, () => disable(owner.email));
    expectRefused(result, 'ACCOUNT_DISABLED');
    expect(data(result.events[1]).message).toMatch(/suspended/);
    expect(await freshAnswer(`/v1/jobs/${jobId}`, auth)).toEqual({ status: 403, code: 'ACCOUNT_DISABLED' });
  });

  it('ends with ACCOUNT_DISABLED when only the database says the workspace is suspended (no marker)', async () => {
    const owner = await newAccount(h.app);
    const key = await newKey(owner);
    const jobId = await queuedJob(key.secret);
    const auth = { authorization: `Bearer ${key.secret}` };
    // As when the operator's marker writes failed: the owner is disabled in the database alone.
    const result = await streamAcross(`/v1/jobs/${jobId}/events`, auth, () =>
      h.orm.em.fork().nativeUpdate(User, { id: owner.userId }, { disabledAt: h.clock.now() }),
    );
    expectRefused(result, 'ACCOUNT_DISABLED');
  });
});

describe('GET /api/w/:workspaceId/jobs/:jobId/events re-checks its session', () => {
  async function memberStream() {
    const owner = await newAccount(h.app);
    const member = await newAccount(h.app);
    await addMember(h, owner.client, owner.workspaceId, member, 'member');
    const jobId = await queuedJob((await newKey(owner)).secret);
    const path = `/api/w/${owner.workspaceId}/jobs/${jobId}/events`;
    const headers = await dashboardHeaders(member.client, { csrf: false });
    return { owner, member, path, headers };
  }

  it('ends once the member signs out (UNAUTHENTICATED)', async () => {
    const { member, path, headers } = await memberStream();
    const result = await streamAcross(path, headers, async () => {
      expect((await member.client.mutate('auth.signOut')).status).toBe(200);
    });
    expectRefused(result, 'UNAUTHENTICATED');
    expect(await freshAnswer(path, headers)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('ends once the member is removed from the workspace (NOT_FOUND, as a request gets)', async () => {
    const { owner, member, path, headers } = await memberStream();
    const list = await owner.client.query<{ members: { id: string; email: string }[] }>('members.list', {
      workspaceId: owner.workspaceId,
    });
    const memberId = list.data?.members.find((m) => m.email === member.email)?.id;
    const result = await streamAcross(path, headers, async () => {
      const res = await owner.client.mutate('members.remove', { workspaceId: owner.workspaceId, memberId });
      expect(res.status).toBe(200);
    });
    expectRefused(result, 'NOT_FOUND');
    expect(await freshAnswer(path, headers)).toEqual({ status: 404, code: 'NOT_FOUND' });
    // Still signed in: only the membership went.
    expect(member.client.cookies.has(AUTH_COOKIES.access)).toBe(true);
    expect((await member.client.query('workspaces.list')).status).toBe(200);
  });

  it('ends once the operator disables the account (its sessions revoked: UNAUTHENTICATED)', async () => {
    const { member, path, headers } = await memberStream();
    const result = await streamAcross(path, headers, () => disable(member.email));
    expectRefused(result, 'UNAUTHENTICATED');
    expect(await freshAnswer(path, headers)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
