// client.campaigns from the built SDK against the real API process: a draft made safe to retry by its
// Idempotency-Key, read back, listed through the async iterator, scheduling refused as a typed CONFLICT
// without a postal address (the acceptance rule), cancel, metrics, and a read-only key refused
// INSUFFICIENT_SCOPE — with the answers parsed by the API's own schemas.
import { ZCampaign, ZCampaignMetrics, ZCampaignSummary } from '@postern/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltEsm, type RunningApi, startApi, TEST_PASSWORD } from './helpers.ts';

type Sdk = Awaited<ReturnType<typeof loadBuiltEsm>>;
type Client = ReturnType<Sdk['createClient']>;

let api: RunningApi;
let sdk: Sdk;
let client: Client;
let readOnly: Client;

/** Signs an account up and in over HTTP (as the dashboard) and makes one key per scope set. */
async function keysWith(base: string, scopes: string[][]): Promise<string[]> {
  const cookies = new Map<string, string>();
  const send = async (method: 'GET' | 'POST', procedure: string, input?: unknown) => {
    const headers: Record<string, string> = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      headers['x-csrf-token'] = cookies.get('pst_csrf') ?? '';
    }
    const response = await fetch(`${base}/trpc/${procedure}`, {
      method,
      headers,
      ...(method === 'POST' ? { body: JSON.stringify(input ?? null) } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1));
    }
    const body = (await response.json()) as { result?: { data: unknown }; error?: unknown };
    if (!response.ok) throw new Error(`${procedure}: ${response.status} ${JSON.stringify(body.error)}`);
    return body.result?.data as Record<string, unknown>;
  };
  await send('GET', 'system.health');
  const email = `sdk-campaigns-${Date.now()}-${process.pid}@example.test`;
  await send('POST', 'auth.signUp', { email, password: TEST_PASSWORD });
  await send('POST', 'auth.signIn', { email, password: TEST_PASSWORD });
  const { workspaces } = (await send('GET', 'workspaces.list')) as { workspaces: { id: string }[] };
  const secrets: string[] = [];
  for (const [i, set] of scopes.entries()) {
    const made = await send('POST', 'apiKeys.create', {
      workspaceId: workspaces[0]?.id,
      name: `SDK campaigns ${i}`,
      scopes: set,
    });
    secrets.push(made.secret as string);
  }
  return secrets;
}

beforeAll(async () => {
  [api, sdk] = await Promise.all([startApi(), loadBuiltEsm()]);
  const [all, read] = await keysWith(api.url, [['campaigns:read', 'campaigns:write'], ['campaigns:read']]);
  client = sdk.createClient({ baseUrl: api.url, apiKey: all as string });
  readOnly = sdk.createClient({ baseUrl: api.url, apiKey: read as string });
});

afterAll(async () => {
  await api?.stop();
});

describe('client.campaigns', () => {
  it('creates a draft once per Idempotency-Key, reads it, lists it, cancels it and reads its metrics', async () => {
    const input = {
      name: 'SDK launch',
      subject: 'Hello {{ contact.name | default: "there" }}',
      htmlBody: '<p>Hi</p>',
    };
    const { data: draft, meta } = await client.campaigns
      .create(input, { idempotencyKey: 'sdk-draft-1' })
      .withMeta();
    expect(meta.httpStatus).toBe(201);
    expect(ZCampaign.parse(draft)).toEqual(draft);
    expect(draft).toMatchObject({ status: 'draft', textBody: 'Hi' });
    const again = await client.campaigns.create(input, { idempotencyKey: 'sdk-draft-1' }).withMeta();
    expect([again.meta.httpStatus, again.data.id]).toEqual([200, draft.id]);
    expect((await client.campaigns.get(draft.id)).name).toBe('SDK launch');
    await client.campaigns.create({ name: 'Second' });
    const seen: string[] = [];
    for await (const campaign of client.campaigns.list({ limit: 1 })) {
      expect(ZCampaignSummary.parse(campaign)).toEqual(campaign);
      seen.push(campaign.name);
    }
    expect(seen).toEqual(['Second', 'SDK launch']);
    expect((await client.campaigns.listPage({ status: 'draft', limit: 5 })).campaigns).toHaveLength(2);

    const refused = await client.campaigns
      .schedule(draft.id, { timeZone: 'Europe/Berlin' })
      .catch((e: unknown) => e);
    expect(sdk.isPosternError(refused) && refused.code).toBe('CONFLICT');
    expect((refused as Error).message).toMatch(/Set a postal address/);
    const cancelled = await client.campaigns.cancel(draft.id);
    expect(cancelled).toMatchObject({ status: 'cancelled' });
    const late = await client.campaigns.pause(draft.id).catch((e: unknown) => e);
    expect(sdk.isPosternError(late) && late.code).toBe('CONFLICT');
    const metrics = await client.campaigns.metrics(draft.id, { bucket: 'day', timeZone: 'Asia/Tokyo' });
    expect(ZCampaignMetrics.parse(metrics)).toEqual(metrics);
    expect(metrics).toMatchObject({ status: 'cancelled', bucket: 'day', timeZone: 'Asia/Tokyo', series: [] });
  });

  it('refuses with typed errors: missing scope, unknown id, bad options before any request', async () => {
    const scope = await readOnly.campaigns.create({ name: 'no' }).catch((e: unknown) => e);
    expect(sdk.isPosternError(scope) && scope.code).toBe('INSUFFICIENT_SCOPE');
    const missing = await client.campaigns
      .get('00000000-0000-4000-8000-000000000000')
      .catch((e: unknown) => e);
    expect(sdk.isPosternError(missing) && missing.code).toBe('NOT_FOUND');
    expect(() => client.campaigns.get('')).toThrow(TypeError);
    expect(() => client.campaigns.metrics('x', { bucket: 'week' as 'day' })).toThrow(
      /bucket must be hour or day/,
    );
    expect(() => client.campaigns.list({ status: 'done' as 'sent' })).toThrow(/status must be one of/);
  });
});
