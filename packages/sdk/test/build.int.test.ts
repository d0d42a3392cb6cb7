// The built package, as users load it: the ESM entry (import) and the CJS entry (require), each
// calling a real API process with a real API key created the way a user creates one.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ZV1Me, ZV1Usage } from '@postern/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CJS_ENTRY,
  type DashboardUser,
  ESM_ENTRY,
  loadBuiltEsm,
  newApiKey,
  type RunningApi,
  SDK_ROOT,
  startApi,
} from './helpers.ts';

const run = promisify(execFile);
const packageJson = JSON.parse(readFileSync(join(SDK_ROOT, 'package.json'), 'utf8')) as { version: string };

describe('built SDK against the real API', () => {
  let api: RunningApi;
  let sdk: Awaited<ReturnType<typeof loadBuiltEsm>>;
  let key: { user: DashboardUser; id: string; secret: string };

  beforeAll(async () => {
    sdk = await loadBuiltEsm();
    api = await startApi();
    key = await newApiKey(api.url);
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('ESM: me() answers the workspace and the key, as ZV1Me', async () => {
    const client = sdk.createClient({ baseUrl: `${api.url}/`, apiKey: key.secret });
    const me = await client.me();
    expect(ZV1Me.parse(me)).toEqual(me);
    expect(me.workspace).toMatchObject({ id: key.user.workspaceId, plan: 'starter' });
    expect(me.key).toMatchObject({ id: key.id, name: 'SDK tests', expiresAt: null });
    expect(me.key.displayPrefix).toBe(`${key.secret.slice(0, 13)}…`);
  });

  it('ESM: usage() answers the Starter plan and 30 days, with the metadata of its response', async () => {
    const client = sdk.createClient({ baseUrl: api.url, apiKey: key.secret });
    const { data: usage, meta } = await client.usage().withMeta();
    expect(ZV1Usage.parse(usage)).toEqual(usage);
    expect(usage).toMatchObject({ plan: 'starter', limits: { perMinute: 60, burst: 100 } });
    expect(usage.last30Days).toHaveLength(30);
    expect(usage.today.requests).toBeGreaterThanOrEqual(1);
    expect(meta).toMatchObject({ httpStatus: 200, attempts: 1 });
    expect(meta.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.rateLimit).toEqual({
      limit: 100,
      remaining: expect.any(Number),
      resetSeconds: expect.any(Number),
      windowSeconds: 100,
    });
    expect(client.lastRateLimit).toEqual(meta.rateLimit);
    expect(meta.rateLimit?.remaining).toBeLessThan(100);
  });

  it('ESM: sends only the Authorization header for the key, and the SDK version', async () => {
    const seen: string[] = [];
    const client = sdk.createClient({
      baseUrl: api.url,
      apiKey: key.secret,
      fetch: (input, init) => {
        const headers = new Headers(init.headers);
        seen.push(`${init.method} ${input} ${headers.get('authorization')} ${headers.get('x-postern-sdk')}`);
        return fetch(input, init);
      },
    });
    await client.me();
    expect(seen).toEqual([`GET ${api.url}/v1/me Bearer ${key.secret} ${packageJson.version}`]);
  });

  it('CJS: a .cjs script requiring @postern/sdk gets me, usage, rate limits and a typed error', async () => {
    const revoked = await key.user.createKey('to revoke');
    await key.user.revokeKey(revoked.id);
    const { stdout } = await run(process.execPath, [join(SDK_ROOT, 'test/fixtures/v1.cjs'), api.url], {
      cwd: SDK_ROOT,
      timeout: 20_000,
      env: { ...process.env, POSTERN_API_KEY: key.secret, POSTERN_REVOKED_KEY: revoked.secret },
    });
    const out = JSON.parse(stdout);
    expect(out.entry).toBe(CJS_ENTRY);
    expect(out.version).toBe(packageJson.version);
    expect(ZV1Me.parse(out.me).key.id).toBe(key.id);
    expect(ZV1Usage.parse(out.usage).plan).toBe('starter');
    expect(out.meta).toMatchObject({ httpStatus: 200, attempts: 1, rateLimit: { limit: 100 } });
    expect(out.lastRateLimit).toEqual(out.meta.rateLimit);
    expect(out.revoked).toMatchObject({
      isPosternError: true,
      code: 'UNAUTHENTICATED',
      httpStatus: 401,
      attempts: 1,
      message: 'This API key was revoked',
    });
    expect(out.revoked.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.badKey).toEqual({
      name: 'TypeError',
      message: expect.stringMatching(
        /^@postern\/sdk: apiKey is not a Postern API key: it has 8 characters after "pst_live_" instead of 38/,
      ),
    });
  });

  it('ESM outside vitest: a .mjs script importing @postern/sdk gets me and usage', async () => {
    const { stdout } = await run(process.execPath, [join(SDK_ROOT, 'test/fixtures/v1.mjs'), api.url], {
      cwd: SDK_ROOT,
      timeout: 20_000,
      env: { ...process.env, POSTERN_API_KEY: key.secret },
    });
    const out = JSON.parse(stdout);
    expect(out.entry).toBe(pathToFileURL(ESM_ENTRY).href);
    expect(out.version).toBe(packageJson.version);
    expect(ZV1Me.parse(out.me).workspace.id).toBe(key.user.workspaceId);
    expect(ZV1Usage.parse(out.usage).limits.burst).toBe(100);
  });
});
