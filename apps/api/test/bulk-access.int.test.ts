// Who may reach a bulk job. Workspace B's API key gets 404 for every route naming workspace A's job
// (never a hint that it exists) and changes nothing. On the dashboard's /api routes: a viewer cannot
// upload (403, nothing stored) but can download and follow events; a non-member gets 404; no session
// gets 401; and the upload needs the CSRF token. The OpenAPI document describes every /v1/jobs route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  bulkRowCounts,
  createApiKey,
  dashboardHeaders,
  listen,
  multipart,
  readEvents,
} from './support/bulk.ts';
import { addMember, type Harness, newAccount, startHarness } from './support/harness.ts';

let h: Harness;
let a: Account;
let b: Account;
let viewer: Account;
let outsider: Account;
let keyA = '';
let keyB = '';
let jobA = '';
let baseUrl = '';

const csv = () =>
  multipart([{ content: 'email\none@postern-a.com\ntwo@postern-a.com\n', filename: 'a.csv' }]);

beforeAll(async () => {
  h = await startHarness();
  a = await newAccount(h.app);
  b = await newAccount(h.app);
  viewer = await newAccount(h.app);
  outsider = await newAccount(h.app);
  await addMember(h, a.client, a.workspaceId, viewer, 'viewer');
  keyA = await createApiKey(a);
  keyB = await createApiKey(b);
  const body = csv();
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { authorization: `Bearer ${keyA}`, 'content-type': body.contentType },
    payload: body.payload,
  });
  expect(res.statusCode).toBe(201);
  jobA = res.json().id;
  baseUrl = await listen(h);
});

afterAll(async () => {
  await h?.close();
});

describe("workspace B's API key and workspace A's job", () => {
  it.each([
    ['GET', ''],
    ['GET', '/results'],
    ['GET', '/download'],
    ['GET', '/download?format=json'],
    ['GET', '/events'],
    ['POST', '/cancel'],
    ['POST', '/retry'],
    ['DELETE', ''],
  ] as const)('%s /v1/jobs/:id%s → 404', async (method, path) => {
    const res = await h.app.inject({
      method,
      url: `/v1/jobs/${jobA}${path}`,
      headers: { authorization: `Bearer ${keyB}` },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', message: 'No such bulk job' });
  });

  it('does not list it, and left it untouched', async () => {
    const list = await h.app.inject({
      method: 'GET',
      url: '/v1/jobs',
      headers: { authorization: `Bearer ${keyB}` },
    });
    expect(list.json()).toEqual({ jobs: [], nextCursor: null });
    const own = await h.app.inject({
      method: 'GET',
      url: `/v1/jobs/${jobA}`,
      headers: { authorization: `Bearer ${keyA}` },
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ id: jobA, status: 'queued', total: 2 });
  });

  it('over the event stream too (a real socket)', async () => {
    const res = await readEvents(`${baseUrl}/v1/jobs/${jobA}/events`, { authorization: `Bearer ${keyB}` });
    expect(res.status).toBe(404);
    expect(res.events).toEqual([]);
  });
});

describe('the dashboard routes (/api)', () => {
  it('a viewer cannot upload (403, nothing stored) but can download and follow events', async () => {
    const before = await bulkRowCounts(h);
    const body = csv();
    const upload = await h.app.inject({
      method: 'POST',
      url: `/api/w/${a.workspaceId}/jobs`,
      headers: { ...(await dashboardHeaders(viewer.client)), 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(upload.statusCode).toBe(403);
    expect(upload.json()).toMatchObject({
      code: 'FORBIDDEN',
      message: 'Your role (viewer) does not allow this',
    });
    expect(await bulkRowCounts(h)).toEqual(before);

    const download = await h.app.inject({
      method: 'GET',
      url: `/api/w/${a.workspaceId}/jobs/${jobA}/download`,
      headers: await dashboardHeaders(viewer.client, { csrf: false }),
    });
    expect(download.statusCode).toBe(200);
    // Every data row with its row of the file (the header is row 1); no verdict yet.
    expect(download.body.trimEnd().split('\n').slice(1)).toEqual([
      `2,one@postern-a.com,one@postern-a.com,pending${','.repeat(13)}`,
      `3,two@postern-a.com,two@postern-a.com,pending${','.repeat(13)}`,
    ]);

    const events = await readEvents(
      `${baseUrl}/api/w/${a.workspaceId}/jobs/${jobA}/events`,
      await dashboardHeaders(viewer.client, { csrf: false }),
      { until: (event) => event.event === 'progress', timeoutMs: 5000 },
    );
    expect(events.status).toBe(200);
    expect(JSON.parse(events.events[0]?.data ?? '{}')).toMatchObject({
      id: jobA,
      status: 'queued',
      processed: 0,
    });
  });

  it('a non-member gets 404 on every route, even with the right ids', async () => {
    const headers = await dashboardHeaders(outsider.client);
    const body = csv();
    const upload = await h.app.inject({
      method: 'POST',
      url: `/api/w/${a.workspaceId}/jobs`,
      headers: { ...headers, 'content-type': body.contentType },
      payload: body.payload,
    });
    expect(upload.statusCode).toBe(404);
    for (const path of ['download', 'events']) {
      const res = await h.app.inject({
        method: 'GET',
        url: `/api/w/${a.workspaceId}/jobs/${jobA}/${path}`,
        headers,
      });
      expect(res.statusCode, path).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND', message: 'No such workspace' });
    }
  });

  it("a member of B naming B's workspace and A's job gets 404", async () => {
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/w/${b.workspaceId}/jobs/${jobA}/download`,
      headers: await dashboardHeaders(b.client, { csrf: false }),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', message: 'No such bulk job' });
  });

  it('no session: 401; an API key is not a session', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/api/w/${a.workspaceId}/jobs/${jobA}/download` });
    expect(res.statusCode).toBe(401);
    const withKey = await h.app.inject({
      method: 'GET',
      url: `/api/w/${a.workspaceId}/jobs/${jobA}/download`,
      headers: { authorization: `Bearer ${keyA}` },
    });
    expect(withKey.statusCode).toBe(401);
  });

  it('an upload from another origin is refused even with the token', async () => {
    const body = csv();
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/w/${a.workspaceId}/jobs`,
      headers: {
        ...(await dashboardHeaders(a.client)),
        origin: 'https://evil.example',
        'content-type': body.contentType,
      },
      payload: body.payload,
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/cross-site/);
  });
});

describe('the reference', () => {
  it('documents every /v1/jobs route with its schemas', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    const jobPaths = Object.keys(doc.paths).filter((p) => p.startsWith('/jobs'));
    expect(jobPaths.sort()).toEqual(
      ['', '/{id}', '/{id}/events', '/{id}/results', '/{id}/download', '/{id}/cancel', '/{id}/retry']
        .map((p) => `/jobs${p}`)
        .sort(),
    );
    expect(Object.keys(doc.paths['/jobs']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/jobs/{id}']).sort()).toEqual(['delete', 'get']);
    const create = doc.paths['/jobs'].post;
    expect(Object.keys(create.requestBody.content)).toEqual(['multipart/form-data', 'application/json']);
    expect(create.requestBody.content['multipart/form-data'].schema.properties.file.format).toBe('binary');
    expect(Object.keys(create.responses)).toEqual(
      expect.arrayContaining(['200', '201', '400', '413', '422']),
    );
    expect(doc.components.schemas.BulkJob.properties.percent).toBeDefined();
    expect(doc.components.schemas.BulkProgressEvent.required).toEqual(
      expect.arrayContaining(['id', 'status', 'processed', 'total', 'percent', 'counts', 'etaSeconds']),
    );
    expect(doc.components.schemas.CreateBulkJobJsonInput.required).toEqual(['emails']);
    const page = await h.app.inject({ method: 'GET', url: '/v1/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('/jobs/{id}/download');
    expect(page.body).toContain('curl -X DELETE');
  });
});

describe('shutdown', () => {
  it('ends open event streams so the server can close at once', async () => {
    const stream = readEvents(
      `${baseUrl}/v1/jobs/${jobA}/events`,
      { authorization: `Bearer ${keyA}` },
      { timeoutMs: 10_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await h.app.close();
    const closed = await stream;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(closed.closedByServer).toBe(true);
    expect(closed.events.map((e) => e.event)).toEqual(['progress']);
  });
});
