// The built package, as users load it: the ESM entry (import) and the CJS entry (require), each
// calling a real API process.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ZHealthResponse } from '@postern/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CJS_ENTRY, ESM_ENTRY, loadBuiltEsm, type RunningApi, SDK_ROOT, startApi } from './helpers.ts';

const run = promisify(execFile);
const packageJson = JSON.parse(readFileSync(join(SDK_ROOT, 'package.json'), 'utf8')) as { version: string };

describe('built SDK against the real API', () => {
  let api: RunningApi;
  let sdk: Awaited<ReturnType<typeof loadBuiltEsm>>;

  beforeAll(async () => {
    sdk = await loadBuiltEsm();
    api = await startApi();
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('ESM: system.health answers a valid HealthResponse with the database ok', async () => {
    const client = sdk.createClient({ baseUrl: `${api.url}/` });
    const health = await client.system.health.query();
    expect(ZHealthResponse.parse(health)).toEqual(health);
    expect(health.checks.database.status).toBe('ok');
    expect(health.checks.api.status).toBe('ok');
    expect(Date.parse(health.time)).not.toBeNaN();
  });

  it('ESM: uses the fetch and sends the API key when given', async () => {
    const seen: string[] = [];
    const client = sdk.createClient({
      baseUrl: api.url,
      apiKey: 'pk_test_0123456789',
      timeoutMs: 10_000,
      fetch: (input, init) => {
        seen.push(`${init.method} ${input} ${new Headers(init.headers).get('authorization')}`);
        return fetch(input, init);
      },
    });
    const health = await client.system.health.query();
    expect(health.checks.database.status).toBe('ok');
    expect(seen).toEqual([`GET ${api.url}/trpc/system.health Bearer pk_test_0123456789`]);
  });

  it('CJS: a .cjs script requiring @postern/sdk gets the health JSON', async () => {
    const { stdout } = await run(process.execPath, [join(SDK_ROOT, 'test/fixtures/health.cjs'), api.url], {
      cwd: SDK_ROOT,
      timeout: 20_000,
    });
    const out = JSON.parse(stdout);
    expect(out.entry).toBe(CJS_ENTRY);
    expect(out.version).toBe(packageJson.version);
    expect(ZHealthResponse.parse(out.health).checks.database.status).toBe('ok');
    expect(out.notFound).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    expect(out.notFound.requestId).toEqual(expect.any(String));
  });

  it('ESM outside vitest: a .mjs script importing @postern/sdk gets the health JSON', async () => {
    const { stdout } = await run(process.execPath, [join(SDK_ROOT, 'test/fixtures/health.mjs'), api.url], {
      cwd: SDK_ROOT,
      timeout: 20_000,
    });
    const out = JSON.parse(stdout);
    expect(out.entry).toBe(pathToFileURL(ESM_ENTRY).href);
    expect(out.version).toBe(packageJson.version);
    expect(ZHealthResponse.parse(out.health).checks.database.status).toBe('ok');
  });
});
