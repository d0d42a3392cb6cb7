// A property test over the whole API surface: text PostgreSQL cannot hold (U+0000, lone surrogates)
// in any string of any procedure's input — found by walking appRouter's zod input schemas, so a new
// procedure is covered without editing this file — and in every /v1 body and query string, gets a
// 4xx answer: never a 500, never an error-level log line.
import { API_KEY_SCOPES, QUEUES } from '@postern/contracts';
import { ensureQueues } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../src/router.ts';
import { createApiKey, multipart } from './support/bulk.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';
import { BAD, type Schema, sample, stringPaths } from './support/zod-strings.ts';

let h: Harness;
let owner: Awaited<ReturnType<typeof newAccount>>;
let apiKey = '';

beforeAll(async () => {
  h = await startHarness();
  await ensureQueues(h.boss, [QUEUES.webhookDispatch]);
  owner = await newAccount(h.app);
  apiKey = await createApiKey(owner, 'unstorable text', API_KEY_SCOPES);
});

afterAll(async () => {
  await h?.close();
});

const errorLines = () => h.logs.filter((line) => /"level":"(error|fatal)"/.test(line));

describe('text PostgreSQL cannot hold is refused with a 4xx everywhere', () => {
  it('in every string of every tRPC procedure input (walked from the router)', {
    timeout: 120_000,
  }, async () => {
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { type: 'query' | 'mutation' | 'subscription'; inputs: Schema[] } }
    >;
    const answers: string[] = [];
    let probes = 0;
    const covered = new Set<string>();
    for (const [path, procedure] of Object.entries(procedures)) {
      const input = procedure._def.inputs[0];
      if (!input || procedure._def.type === 'subscription') continue;
      for (const target of stringPaths(input)) {
        for (const [name, bad] of Object.entries(BAD)) {
          const value = sample(input, { workspaceId: owner.workspaceId }, target, bad);
          const res =
            procedure._def.type === 'query'
              ? await owner.client.query(path, value)
              : await owner.client.mutate(path, value);
          probes++;
          covered.add(path);
          if (res.status < 400 || res.status >= 500) {
            answers.push(
              `${path} ${target.join('')} (${name}): ${res.status} ${JSON.stringify(res.error ?? res.data)}`,
            );
          }
        }
      }
    }
    // The walk reaches the inputs named in the finding, and many more.
    for (const path of [
      'workspaces.create',
      'workspaces.rename',
      'apiKeys.create',
      'webhooks.create',
      'webhooks.update',
      'audit.export',
      'audit.list',
      'bulk.preview',
      'members.invite',
      'auth.signUp',
    ]) {
      expect(covered, path).toContain(path);
    }
    expect(probes).toBeGreaterThan(100);
    expect(answers).toEqual([]);
    expect(errorLines()).toEqual([]);
  });

  it('in every /v1 body and query string', { timeout: 60_000 }, async () => {
    const auth = { authorization: `Bearer ${apiKey}` };
    const json = (url: string, body: unknown) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const get = (url: string) => h.app.inject({ method: 'GET', url, headers: auth });
    const form = (parts: [string, string][]) => {
      const body = multipart([...parts, { content: 'email\nada@example.com\n', filename: 'list.csv' }]);
      return h.app.inject({
        method: 'POST',
        url: '/v1/jobs',
        headers: { ...auth, 'content-type': body.contentType },
        payload: body.payload,
      });
    };
    const job = await json('/v1/jobs', { emails: ['ada@example.com'] });
    expect(job.statusCode).toBe(201);
    const jobId = (job.json() as { id: string }).id;
    const patch = (url: string, body: unknown) =>
      h.app.inject({
        method: 'PATCH',
        url,
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const list = await json('/v1/lists', { name: 'Newsletter' });
    expect(list.statusCode).toBe(201);
    const listId = (list.json() as { id: string }).id;
    const contact = await json('/v1/contacts', { email: 'grace@example.com' });
    expect(contact.statusCode).toBe(201);
    const contactId = (contact.json() as { id: string }).id;
    const campaign = await json('/v1/campaigns', { name: 'Spring' });
    expect(campaign.statusCode).toBe(201);
    const campaignId = (campaign.json() as { id: string }).id;

    /**
     * Each /v1 operation that reads text from the client, with its probes. JSON carries any of the
     * bad characters (`\u0000`, `\ud800` escapes); raw text (form fields, query strings) is UTF-8,
     * which cannot encode a lone surrogate at all, so those probes send U+0000 only.
     */
    type Probe = { send: (bad: string) => ReturnType<typeof get>; rawText?: boolean };
    const probes: Record<string, Probe[]> = {
      'POST /v1/validate': [{ send: (bad) => json('/v1/validate', { email: `ad${bad}a@example.com` }) }],
      'POST /v1/validate/batch': [
        { send: (bad) => json('/v1/validate/batch', { emails: [`ad${bad}a@example.com`] }) },
      ],
      'POST /v1/jobs': [
        { send: (bad) => json('/v1/jobs', { emails: ['ada@example.com'], name: `list ${bad} one` }) },
        {
          send: (bad) =>
            json('/v1/jobs', { emails: ['ada@example.com'], metadata: { crm: `hub${bad}spot` } }),
        },
        {
          send: (bad) =>
            json('/v1/jobs', { emails: ['ada@example.com'], metadata: { [`cr${bad}m`]: 'hub' } }),
        },
        { send: (bad) => form([['name', `list ${bad} one`]]), rawText: true },
        { send: (bad) => form([['column', `em${bad}ail`]]), rawText: true },
        { send: (bad) => form([['metadata', JSON.stringify({ crm: `hub${bad}spot` })]]) },
        { send: (bad) => form([['metadata', JSON.stringify({ [`cr${bad}m`]: 'x' })]]) },
      ],
      'PUT /v1/policy': [
        {
          send: (bad) =>
            h.app.inject({
              method: 'PUT',
              url: '/v1/policy',
              headers: { ...auth, 'content-type': 'application/json' },
              payload: JSON.stringify({
                rules: [{ reason: [`role${bad}_account`], action: 'accept' }],
                default: 'engine',
              }),
            }),
        },
        {
          send: (bad) =>
            h.app.inject({
              method: 'PUT',
              url: '/v1/policy',
              headers: { ...auth, 'content-type': 'application/json' },
              payload: JSON.stringify({ rules: [], default: `eng${bad}ine` }),
            }),
        },
      ],
      'POST /v1/contacts': [
        { send: (bad) => json('/v1/contacts', { email: 'ada@example.com', name: `Ad${bad}a` }) },
        { send: (bad) => json('/v1/contacts', { email: `ad${bad}a@example.com` }) },
      ],
      'PATCH /v1/contacts/{id}': [
        { send: (bad) => patch(`/v1/contacts/${contactId}`, { name: `Ad${bad}a` }) },
        { send: (bad) => patch(`/v1/contacts/${contactId}`, { attributes: { [`pl${bad}an`]: 'pro' } }) },
      ],
      'POST /v1/lists': [{ send: (bad) => json('/v1/lists', { name: `News${bad}letter` }) }],
      'PATCH /v1/lists/{id}': [{ send: (bad) => patch(`/v1/lists/${listId}`, { name: `News${bad}letter` }) }],
      'POST /v1/lists/{id}/subscriptions': [
        {
          send: (bad) =>
            json(`/v1/lists/${listId}/subscriptions`, { contact: { email: `gr${bad}ace@example.com` } }),
        },
      ],
      'POST /v1/suppressions': [
        { send: (bad) => json('/v1/suppressions', { emails: [`gr${bad}ace@example.com`] }) },
        { send: (bad) => json('/v1/suppressions', { emails: ['grace@example.com'], source: `cr${bad}m` }) },
      ],
      'POST /v1/campaigns': [
        { send: (bad) => json('/v1/campaigns', { name: `Spr${bad}ing` }) },
        { send: (bad) => json('/v1/campaigns', { name: 'Spring', subject: `Hel${bad}lo` }) },
        { send: (bad) => json('/v1/campaigns', { name: 'Spring', htmlBody: `<p>Hi${bad}</p>` }) },
        { send: (bad) => json('/v1/campaigns', { name: 'Spring', replyTo: `re${bad}ply@example.com` }) },
      ],
      'POST /v1/campaigns/{id}/schedule': [
        { send: (bad) => json(`/v1/campaigns/${campaignId}/schedule`, { timeZone: `Europe/Ber${bad}lin` }) },
      ],
      'GET /v1/jobs': [
        { send: (bad) => get(`/v1/jobs?cursor=${encodeURIComponent(`ab${bad}cd`)}`), rawText: true },
      ],
      'GET /v1/jobs/{id}/results': [
        {
          send: (bad) => get(`/v1/jobs/${jobId}/results?status=${encodeURIComponent(`do${bad}ne`)}`),
          rawText: true,
        },
      ],
    };
    const answers: string[] = [];
    for (const [operation, list] of Object.entries(probes)) {
      for (const [index, probe] of list.entries()) {
        for (const [name, bad] of Object.entries(BAD)) {
          if (probe.rawText && bad !== BAD.nul) continue;
          const res = await probe.send(bad);
          if (res.statusCode < 400 || res.statusCode >= 500) {
            answers.push(`${operation} #${index} (${name}): ${res.statusCode} ${res.body.slice(0, 200)}`);
          }
        }
      }
    }
    expect(answers).toEqual([]);
    expect(errorLines()).toEqual([]);

    // Every documented operation with a request body is probed above (a new one fails here first).
    const doc = (await h.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    const withBody = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op?.requestBody)
        .map(([method]) => `${method.toUpperCase()} /v1${path}`),
    );
    expect(withBody.length).toBeGreaterThan(0);
    for (const operation of withBody) expect(Object.keys(probes), operation).toContain(operation);
  });
});
