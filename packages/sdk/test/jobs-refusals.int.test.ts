// jobs.wait() ends at once on answers that polling could not change, from the built SDK against the
// real API process: a key whose workspace the instance operator suspended (its owner disabled with the
// operator console, as operators do) is refused ACCOUNT_DISABLED when the stream opens, and the job
// deleted while it is followed ends the stream with an `error` event (NOT_FOUND). Either way `wait`
// rejects with a typed PosternError after one request, without falling back to polling `get`, long
// before its timeout. No worker runs: the jobs stay queued, so nothing else could end the wait.
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { testServices } from '@postern/runtime';
import { runNodeScript, testAppRoleUrl, testRedisPrefix, waitFor } from '@postern/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalServer,
  loadBuiltEsm,
  newApiKey,
  type RunningApi,
  startApi,
  startLocalServer,
} from './helpers.ts';

type Sdk = Awaited<ReturnType<typeof loadBuiltEsm>>;

const ADMIN_MAIN = fileURLToPath(new URL('../../../apps/admin/src/main.ts', import.meta.url));
const OPERATOR = ['--as', 'SDK tests', '--reason', 'jobs.wait refusal test'];

let api: RunningApi;
let sdk: Sdk;
let proxy: LocalServer;
/** Every request that went through the proxy, as "METHOD /path". */
const seen: string[] = [];

beforeAll(async () => {
  [api, sdk] = await Promise.all([startApi(), loadBuiltEsm()]);
  // A transparent proxy in front of the API (streams pass through as they come): it counts requests.
  const target = new URL(api.url);
  proxy = await startLocalServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
});

afterAll(async () => {
  await proxy?.close();
  await api?.stop();
});

/** The operator console (`postern admin …`) on the API's database and Redis, as a separate process. */
async function operator(args: string[]) {
  const run = await runNodeScript(ADMIN_MAIN, [...args, ...OPERATOR], {
    DATABASE_URL: testAppRoleUrl(api.databaseUrl),
    REDIS_URL: testServices().redisUrl,
    REDIS_KEY_PREFIX: testRedisPrefix(api.databaseUrl),
  });
  expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
  return run.stdout;
}

/** A client of a fresh workspace through the counting proxy, without retries to hide a request. */
async function newClient() {
  const key = await newApiKey(api.url);
  const client = sdk.createClient({ baseUrl: proxy.url, apiKey: key.secret, retry: { maxRetries: 0 } });
  return { client, key };
}

async function failure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    return error as InstanceType<Sdk['PosternError']>;
  }
  throw new Error('expected the call to fail');
}

const requestsFor = (jobId: string) => seen.filter((line) => line.includes(`/v1/jobs/${jobId}`));

describe('jobs.wait() rejects at once, without polling', () => {
  // Two operator console processes (a few seconds each on a busy machine): a longer limit.
  it('ACCOUNT_DISABLED once the workspace is suspended (its owner disabled by the operator)', {
    timeout: 90_000,
  }, async () => {
    const { client, key } = await newClient();
    const job = await client.jobs.create({ emails: ['suspended@sdk-refusals.example'] });
    expect(job.status).toBe('queued');

    const shown = JSON.parse(await operator(['workspace', 'show', key.user.workspaceId, '--json'])) as {
      members: { email: string; role: string }[];
    };
    const owner = shown.members.find((m) => m.role === 'owner')?.email ?? '';
    expect(owner).toMatch(/@example\.test$/);
    await operator(['user', 'disable', owner]);
    // The console refuses the workspace's keys at once (markers in Redis); wait until this API says so.
    const refusal = await waitFor('the key to be refused', async () => {
      const error = await failure(client.me());
      return error.code === 'ACCOUNT_DISABLED' ? error : undefined;
    });
    expect(refusal.httpStatus).toBe(403);

    const before = requestsFor(job.id).length;
    const started = performance.now();
    const error = await failure(client.jobs.wait(job.id, { timeoutMs: 20_000 }));
    const elapsed = performance.now() - started;
    expect(sdk.isPosternError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ACCOUNT_DISABLED', httpStatus: 403, attempts: 1 });
    expect(error.message).toMatch(/suspended/);
    expect(elapsed).toBeLessThan(1500);
    // The stream's refusal alone: no `GET /v1/jobs/:id` poll after it.
    expect(requestsFor(job.id).slice(before)).toEqual([`GET /v1/jobs/${job.id}/events`]);
  });

  it("NOT_FOUND from the stream's error event when the job is deleted while it is followed", async () => {
    const { client } = await newClient();
    const job = await client.jobs.create({ emails: ['deleted@sdk-refusals.example'] });
    const before = requestsFor(job.id).length;
    const progress: string[] = [];
    const started = performance.now();
    const waiting = failure(
      client.jobs.wait(job.id, {
        timeoutMs: 20_000,
        // The stream is open once its first progress event arrived: delete the job then.
        onProgress: (p) => {
          progress.push(p.status);
          if (progress.length === 1) void client.jobs.delete(job.id);
        },
      }),
    );
    const error = await waiting;
    const elapsed = performance.now() - started;
    expect(progress).toEqual(['queued']);
    expect(sdk.isPosternError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'The job was deleted' });
    expect(error.requestId).toEqual(expect.any(String));
    expect(error.retryable).toBe(false);
    expect(elapsed).toBeLessThan(5000);
    expect(requestsFor(job.id).slice(before)).toEqual([
      `GET /v1/jobs/${job.id}/events`,
      `DELETE /v1/jobs/${job.id}`,
    ]);
  });
});
