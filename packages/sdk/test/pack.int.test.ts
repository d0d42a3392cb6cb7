// @postern/sdk as a user outside this repository gets it: the packed tarball passes publint and attw,
// installs with plain npm into a scratch project in the system's temp directory, type-checks under
// strict node16 and bundler resolution as ES module and CommonJS (its declarations on their own: no
// workspace package, no zod), and runs against the real API: ESM, CommonJS, the webhooks entry and
// the `postern` command.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, newApiKey, type RunningApi, SDK_ROOT, startApi } from './helpers.ts';
import { installScratch, lintTarball, pack, scratchDir, sh, typecheckConsumers } from './pack-helpers.ts';

const version = (JSON.parse(await readFile(join(SDK_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

const ESM_CONSUMER = `import { createClient, isPosternError, type BulkJob, type PosternClient, type V1Me } from '@postern/sdk';
import { verifyWebhook, type WebhookEvent } from '@postern/sdk/webhooks';

const client: PosternClient = createClient({ baseUrl: 'https://postern.example.com', apiKey: 'pst_live_x' });
export async function main(): Promise<[V1Me, BulkJob[]]> {
  const jobs: BulkJob[] = [];
  for await (const job of client.jobs.list({ limit: 50 })) jobs.push(job);
  const me = await client.me().catch((error: unknown) => {
    if (isPosternError(error)) throw new Error(error.code);
    throw error;
  });
  return [me, jobs];
}
export const event: (body: string, headers: Headers) => WebhookEvent = (body, headers) =>
  verifyWebhook(body, headers, 'whsec_c2VjcmV0');
// @ts-expect-error: the plan is one of starter, professional, business
export const plan: V1Me['workspace']['plan'] = 'free';
`;

const CJS_CONSUMER = `import sdk = require('@postern/sdk');
import webhooks = require('@postern/sdk/webhooks');

const client: sdk.PosternClient = sdk.createClient({ baseUrl: 'https://postern.example.com', apiKey: 'pst_live_x' });
export async function main(): Promise<sdk.BulkJobList> {
  const usage: sdk.V1Usage = await client.usage();
  void usage.limits.burst;
  return client.jobs.listPage({ limit: 10 });
}
export function check(error: unknown): sdk.PosternErrorCode | undefined {
  return sdk.isPosternError(error) ? error.code : webhooks.isWebhookVerificationError(error) ? 'BAD_RESPONSE' : undefined;
}
// @ts-expect-error: not a code of the API or the client
export const wrong: sdk.PosternErrorCode = 'TEAPOT';
`;

// Plain JavaScript, run by node from the scratch project.
const ESM_PROGRAM = `import { createHmac } from 'node:crypto';
import { createClient, SDK_VERSION } from '@postern/sdk';
import { verifyWebhook } from '@postern/sdk/webhooks';

const [baseUrl, secret] = process.argv.slice(2);
const client = createClient({ baseUrl, apiKey: process.env.POSTERN_API_KEY });
const me = await client.me();
const jobs = [];
for await (const job of client.jobs.list()) jobs.push(job);
const body = JSON.stringify({ type: 'bulk_job.completed', timestamp: new Date().toISOString(), workspace_id: me.workspace.id, data: {} });
const ts = Math.floor(Date.now() / 1000);
const signature = createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(\`msg_1.\${ts}.\${body}\`).digest('base64');
const event = verifyWebhook(body, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': \`v1,\${signature}\` }, secret);
console.log(JSON.stringify({ version: SDK_VERSION, entry: import.meta.resolve('@postern/sdk'), me, jobs: jobs.length, event }));
`;

const CJS_PROGRAM = `const { createClient } = require('@postern/sdk');
const { isWebhookVerificationError, verifyWebhook } = require('@postern/sdk/webhooks');

createClient({ baseUrl: process.argv[2], apiKey: process.env.POSTERN_API_KEY })
  .usage()
  .then((usage) => {
    let refused;
    try {
      verifyWebhook('{}', { 'webhook-id': 'a', 'webhook-timestamp': '1', 'webhook-signature': 'v1,AAAA' }, 'whsec_c2VjcmV0');
    } catch (error) {
      refused = isWebhookVerificationError(error) ? error.code : 'other';
    }
    console.log(JSON.stringify({ entry: require.resolve('@postern/sdk'), plan: usage.plan, refused }));
  });
`;

describe('@postern/sdk packed, installed with npm outside the workspace', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let tarball: string;
  let api: RunningApi;
  let apiKey: string;

  beforeAll(async () => {
    assertBuilt();
    scratch = await scratchDir('sdk-pack');
    const apiStarted = startApi();
    tarball = await pack(SDK_ROOT, scratch.dir);
    await installScratch(scratch.dir, [tarball]);
    api = await apiStarted;
    apiKey = (await newApiKey(api.url)).secret;
  });

  afterAll(async () => {
    await api?.stop();
    await scratch?.remove();
  });

  it('the tarball holds dist, README and LICENSE, and depends on eventsource-parser only', async () => {
    const { stdout } = await sh('tar', ['-tzf', tarball], { cwd: scratch.dir });
    const files = stdout.trim().split('\n').sort();
    expect(files).toContain('package/LICENSE');
    expect(files).toContain('package/README.md');
    expect(files).toContain('package/dist/index.d.cts');
    expect(files.filter((f) => !/^package\/(dist\/|README\.md$|LICENSE$|package\.json$)/.test(f))).toEqual(
      [],
    );
    const installed = JSON.parse(
      await readFile(join(scratch.dir, 'node_modules/@postern/sdk/package.json'), 'utf8'),
    ) as { version: string; license: string; dependencies: Record<string, string> };
    expect(installed).toMatchObject({ version, license: 'Apache-2.0' });
    expect(Object.keys(installed.dependencies)).toEqual(['eventsource-parser']);
  });

  it('publint and attw find no problem', async () => {
    const { publint, entrypoints, problems } = await lintTarball(tarball);
    expect(publint).not.toMatch(/Errors|Warnings|Suggestions/);
    expect(entrypoints).toEqual(['.', './webhooks', './package.json']);
    expect(problems).toEqual([]);
  });

  it('type-checks under strict node16 and bundler, as ESM and CJS, from self-contained declarations', async () => {
    const files = await typecheckConsumers(scratch.dir, { esm: ESM_CONSUMER, cjs: CJS_CONSUMER }, []);
    expect(files['node16-esm']).toMatch(/node_modules\/@postern\/sdk\/dist\/index\.d\.ts/);
    expect(files['bundler-esm']).toMatch(/node_modules\/@postern\/sdk\/dist\/webhooks\.d\.ts/);
    expect(files['node16-cjs']).toMatch(/node_modules\/@postern\/sdk\/dist\/index\.d\.cts/);
    expect(files['bundler-cjs']).toMatch(/node_modules\/@postern\/sdk\/dist\/webhooks\.d\.cts/);
    for (const list of Object.values(files)) {
      expect(list).not.toMatch(/contracts|zod|@types\/node/);
    }
  }, 120_000);

  it('runs against the real API: ESM with the webhooks entry, CommonJS, and the postern command', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    await writeFile(join(scratch.dir, 'program.mjs'), ESM_PROGRAM);
    await writeFile(join(scratch.dir, 'program.cjs'), CJS_PROGRAM);
    const env = { ...process.env, POSTERN_API_KEY: apiKey };
    const esm = JSON.parse(
      (await sh(process.execPath, ['program.mjs', api.url, secret], { cwd: scratch.dir, env })).stdout,
    );
    expect(esm).toMatchObject({ version, me: { workspace: { plan: 'starter' } }, jobs: 0 });
    expect(esm.entry).toMatch(/node_modules\/@postern\/sdk\/dist\/index\.js$/);
    expect(esm.event).toMatchObject({ type: 'bulk_job.completed', workspace_id: esm.me.workspace.id });

    const cjs = JSON.parse(
      (await sh(process.execPath, ['program.cjs', api.url], { cwd: scratch.dir, env })).stdout,
    );
    expect(cjs).toMatchObject({ plan: 'starter', refused: 'TIMESTAMP_TOO_OLD' });
    expect(cjs.entry).toMatch(/node_modules\/@postern\/sdk\/dist\/index\.cjs$/);

    const cli = await sh(join(scratch.dir, 'node_modules/.bin/postern'), ['--version'], { cwd: scratch.dir });
    expect(cli.stdout.trim()).toBe(version);
  }, 60_000);
});
