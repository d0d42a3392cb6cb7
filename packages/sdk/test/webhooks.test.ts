// verifyWebhook from the built ESM and CommonJS `@postern/sdk/webhooks` entries: signatures made here independently (node's
// HMAC over "id.timestamp.body", Standard Webhooks) are accepted; a tampered body, a stale or future
// timestamp and a wrong secret are refused with a typed error; during a rotation both signatures are
// sent and either secret verifies. (Real deliveries are checked with this verifier and with the
// `standardwebhooks` package in packages/core and apps/worker tests.)
import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ESM_ENTRY, WEBHOOKS_CJS_ENTRY, WEBHOOKS_ESM_ENTRY } from './helpers.ts';

type Sdk = typeof import('../src/webhooks.ts');

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const sign = (secret: string, id: string, ts: number, body: string) =>
  `v1,${createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
    .update(`${id}.${ts}.${body}`)
    .digest('base64')}`;

const body = JSON.stringify({
  type: 'bulk_job.completed',
  timestamp: '2026-11-21T10:00:00.000Z',
  workspace_id: 'ws_1',
  data: { job_id: 'j1', total: 2 },
});
const id = 'msg_0123456789abcdef0123456789abcdef';
const now = new Date('2026-11-21T10:00:05Z');
const ts = Math.floor(now.getTime() / 1000);

function headers(signature: string, timestamp = ts) {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

const builds: [string, () => Promise<Sdk>][] = [
  ['ESM', async () => (await import(pathToFileURL(WEBHOOKS_ESM_ENTRY).href)) as Sdk],
  ['CommonJS', async () => createRequire(import.meta.url)(WEBHOOKS_CJS_ENTRY) as Sdk],
];

it('the root entry has no webhook verification and imports no Node.js built-in', async () => {
  assertBuilt();
  const root = await import(pathToFileURL(ESM_ENTRY).href);
  expect(root).not.toHaveProperty('verifyWebhook');
  const { readFile } = await import('node:fs/promises');
  const code = await readFile(ESM_ENTRY, 'utf8');
  // Only the lazy node:fs of jobs.create({ file: path }) (Node.js only, loaded on that call).
  expect(code.match(/["']node:[a-z/_]+["']/g) ?? []).toEqual(['"node:fs"']);
});

describe.each(builds)('verifyWebhook (%s build)', (_name, load) => {
  let sdk: Sdk;
  const secret = newSecret();
  const expectCode = (fn: () => unknown, code: string) => {
    try {
      fn();
    } catch (error) {
      expect(sdk.isWebhookVerificationError(error)).toBe(true);
      expect((error as { code: string }).code).toBe(code);
      expect((error as Error).name).toBe('WebhookVerificationError');
      return;
    }
    throw new Error(`expected ${code}`);
  };

  beforeAll(async () => {
    sdk = await load();
  });

  it('accepts a valid delivery and returns its event (string or bytes, any header style)', () => {
    const signature = sign(secret, id, ts, body);
    const event = sdk.verifyWebhook(body, headers(signature), secret, { now });
    expect(event).toEqual(JSON.parse(body));
    expect(sdk.verifyWebhook(Buffer.from(body), headers(signature), secret, { now }).type).toBe(
      'bulk_job.completed',
    );
    expect(
      sdk.verifyWebhook(new Uint8Array(Buffer.from(body)), new Headers(headers(signature)), secret, { now }),
    ).toEqual(event);
    const mixedCase = { 'Webhook-Id': id, 'WEBHOOK-TIMESTAMP': String(ts), 'Webhook-Signature': [signature] };
    expect(sdk.verifyWebhook(body, mixedCase, secret, { now })).toEqual(event);
  });

  it('refuses a tampered body', () => {
    const signature = sign(secret, id, ts, body);
    expectCode(
      () => sdk.verifyWebhook(body.replace('"total":2', '"total":3'), headers(signature), secret, { now }),
      'INVALID_SIGNATURE',
    );
    expectCode(() => sdk.verifyWebhook(`${body} `, headers(signature), secret, { now }), 'INVALID_SIGNATURE');
    // The id and timestamp are signed too.
    expectCode(
      () => sdk.verifyWebhook(body, { ...headers(signature), 'webhook-id': 'msg_other' }, secret, { now }),
      'INVALID_SIGNATURE',
    );
  });

  it('refuses a stale or future timestamp (replays), with a configurable tolerance', () => {
    const old = ts - 301;
    expectCode(
      () => sdk.verifyWebhook(body, headers(sign(secret, id, old, body), old), secret, { now }),
      'TIMESTAMP_TOO_OLD',
    );
    const future = ts + 301;
    expectCode(
      () => sdk.verifyWebhook(body, headers(sign(secret, id, future, body), future), secret, { now }),
      'TIMESTAMP_TOO_NEW',
    );
    const edge = ts - 300;
    expect(sdk.verifyWebhook(body, headers(sign(secret, id, edge, body), edge), secret, { now }).type).toBe(
      'bulk_job.completed',
    );
    expect(
      sdk.verifyWebhook(body, headers(sign(secret, id, old, body), old), secret, {
        now,
        toleranceSeconds: 600,
      }).type,
    ).toBe('bulk_job.completed');
    expectCode(
      () => sdk.verifyWebhook(body, headers(sign(secret, id, ts, body), Number.NaN), secret, { now }),
      'INVALID_TIMESTAMP',
    );
  });

  it('refuses a wrong secret', () => {
    const signature = sign(secret, id, ts, body);
    expectCode(() => sdk.verifyWebhook(body, headers(signature), newSecret(), { now }), 'INVALID_SIGNATURE');
  });

  it('accepts either secret during a rotation (both signatures are sent)', () => {
    const next = newSecret();
    const both = `${sign(next, id, ts, body)} ${sign(secret, id, ts, body)}`;
    expect(sdk.verifyWebhook(body, headers(both), next, { now }).type).toBe('bulk_job.completed');
    expect(sdk.verifyWebhook(body, headers(both), secret, { now }).type).toBe('bulk_job.completed');
    expect(sdk.verifyWebhook(body, headers(sign(secret, id, ts, body)), [next, secret], { now }).type).toBe(
      'bulk_job.completed',
    );
    expectCode(() => sdk.verifyWebhook(body, headers(both), newSecret(), { now }), 'INVALID_SIGNATURE');
    // Unknown versions in the list are ignored; a v1 among them still counts.
    expect(
      sdk.verifyWebhook(body, headers(`v2,abc ${sign(secret, id, ts, body)}`), secret, { now }).type,
    ).toBe('bulk_job.completed');
  });

  it('names what is missing or malformed', () => {
    const signature = sign(secret, id, ts, body);
    expectCode(() => sdk.verifyWebhook(body, { 'webhook-id': id }, secret, { now }), 'MISSING_HEADER');
    expectCode(() => sdk.verifyWebhook(body, headers(signature), 'whsec_!!!', { now }), 'INVALID_SECRET');
    const text = 'not json';
    expectCode(
      () => sdk.verifyWebhook(text, headers(sign(secret, id, ts, text)), secret, { now }),
      'INVALID_PAYLOAD',
    );
  });
});
