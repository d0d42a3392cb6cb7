// createClient's options: clear errors for bad ones (before any request), and what a valid set puts
// on the wire.
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { API_KEY_PATTERN } from '@postern/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltEsm, SDK_ROOT, startLocalServer, wellFormedKey } from './helpers.ts';

type Sdk = Awaited<ReturnType<typeof loadBuiltEsm>>;

let sdk: Sdk;
beforeAll(async () => {
  sdk = await loadBuiltEsm();
});

const key = wellFormedKey();
const base = { baseUrl: 'https://p.example', apiKey: key };
/** The key with one character of its random part changed: the checksum no longer matches. */
const typo = `${key.slice(0, 12)}${key[12] === 'a' ? 'b' : 'a'}${key.slice(13)}`;

describe('invalid options throw a TypeError naming the problem', () => {
  const cases: [string, unknown, RegExp][] = [
    ['no options', undefined, /createClient expects an options object/],
    ['no baseUrl', { apiKey: key }, /baseUrl is required .* e\.g\. createClient\(\{ baseUrl: 'https:\/\//],
    ['empty baseUrl', { ...base, baseUrl: '' }, /baseUrl is required/],
    ['relative baseUrl', { ...base, baseUrl: '/api' }, /absolute http\(s\) URL .*\(got "\/api"\)/],
    ['host without scheme', { ...base, baseUrl: 'postern.example.com' }, /absolute http\(s\) URL/],
    [
      'other protocol',
      { ...base, baseUrl: 'ftp://postern.example.com' },
      /must start with http:\/\/ or https/,
    ],
    ['number baseUrl', { ...base, baseUrl: 42 }, /baseUrl must be a string or a URL \(got 42\)/],
    [
      'credentials in baseUrl',
      { ...base, baseUrl: 'https://u:pw@p.example' },
      /must not contain credentials/,
    ],
    [
      'query in baseUrl',
      { ...base, baseUrl: `https://p.example/?api_key=${key}` },
      /must not contain a query/,
    ],
    [
      'misspelt option',
      { ...base, baseURL: 'https://p.example' },
      /unknown option "baseURL" \(did you mean "baseUrl"\?\)/,
    ],
    ['no apiKey', { baseUrl: 'https://p.example' }, /apiKey is required: create a key in the dashboard/],
    ['apiKey undefined (unset env var)', { ...base, apiKey: undefined }, /apiKey is required/],
    ['number apiKey', { ...base, apiKey: 42 }, /apiKey must be a string \(got 42\)/],
    ['Bearer in apiKey', { ...base, apiKey: `Bearer ${key}` }, /without the "Bearer " prefix/],
    ['another kind of key', { ...base, apiKey: 'sk_live_0123456789' }, /does not start with "pst_live_"/],
    [
      'a truncated key',
      { ...base, apiKey: key.slice(0, -3) },
      /has 35 characters after "pst_live_" instead of 38/,
    ],
    ['line break in the key', { ...base, apiKey: `${key}\n` }, /only letters and digits/],
    ['a mistyped key', { ...base, apiKey: typo }, /its checksum does not match/],
    ['fetch not a function', { ...base, fetch: 'fetch' }, /fetch must be a function/],
    ['headers not an object', { ...base, headers: 'x' }, /headers must be an object/],
    ['header value not a string', { ...base, headers: { 'x-a': 1 } }, /value of "x-a" must be a string/],
    ['bad header', { ...base, headers: { 'x-a': 'a\r\nb' } }, /"x-a" has an invalid name or value/],
    ['Authorization header', { ...base, headers: { Authorization: 'x' } }, /do not set Authorization/],
    ['zero timeout', { ...base, timeoutMs: 0 }, /timeoutMs must be a number of milliseconds between 1/],
    ['NaN timeout', { ...base, timeoutMs: Number.NaN }, /timeoutMs .* \(got NaN\)/],
    ['retry not an object', { ...base, retry: 3 }, /retry must be an object of retry settings or false/],
    [
      'misspelt retry option',
      { ...base, retry: { maxretries: 1 } },
      /unknown retry option "maxretries" \(did you mean "maxRetries"\?\)/,
    ],
    [
      'fractional maxRetries',
      { ...base, retry: { maxRetries: 1.5 } },
      /retry\.maxRetries must be an integer from 0 to 100/,
    ],
    ['negative baseDelayMs', { ...base, retry: { baseDelayMs: -1 } }, /retry\.baseDelayMs must be a number/],
    [
      'maxDelayMs below baseDelayMs',
      { ...base, retry: { baseDelayMs: 500, maxDelayMs: 100 } },
      /retry\.maxDelayMs must be a number from 500/,
    ],
    ['onRetry not a function', { ...base, retry: { onRetry: 'log' } }, /retry\.onRetry must be a function/],
    [
      'budget ratio below 0',
      { ...base, retry: { budget: { ratio: -0.1 } } },
      /retry\.budget\.ratio must be a number from 0/,
    ],
    [
      'unknown budget option',
      { ...base, retry: { budget: { percent: 10 } } },
      /unknown retry\.budget option "percent"/,
    ],
  ];

  it.each(cases)('%s', (_name, options, message) => {
    const create = () => sdk.createClient(options as Parameters<Sdk['createClient']>[0]);
    expect(create).toThrow(TypeError);
    expect(create).toThrow(message);
    expect(create).toThrow(/^@postern\/sdk: /);
  });

  it('messages about the key never repeat it', () => {
    for (const apiKey of [typo, key.slice(0, -3), `${key}\n`, `Bearer ${key}`]) {
      expect(() => sdk.createClient({ ...base, apiKey })).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining(key.slice(9, 20)) }),
      );
    }
  });

  it('accepts a URL object, a path prefix, trailing slashes and retry settings', () => {
    expect(() =>
      sdk.createClient({ ...base, baseUrl: new URL('https://postern.example.com') }),
    ).not.toThrow();
    const client = sdk.createClient({ ...base, baseUrl: 'http://127.0.0.1:3000/postern//' });
    expect(client.baseUrl).toBe('http://127.0.0.1:3000/postern');
    expect(client.lastRateLimit).toBeUndefined();
    expect(() => sdk.createClient({ ...base, retry: false })).not.toThrow();
    expect(() =>
      sdk.createClient({ ...base, retry: { maxRetries: 0, budget: false, maxRetryAfterMs: 60_000 } }),
    ).not.toThrow();
  });

  it('bad call options reject the call', async () => {
    const client = sdk.createClient(base);
    await expect(client.me({ timeoutMs: -1 })).rejects.toThrow(/timeoutMs must be a number/);
    await expect(client.me({ signal: 'stop' as unknown as AbortSignal })).rejects.toThrow(
      /signal must be an AbortSignal/,
    );
  });
});

describe('the key format', () => {
  it('API_KEY_PATTERN is the one of @postern/contracts', () => {
    expect(sdk.API_KEY_PATTERN.source).toBe(API_KEY_PATTERN.source);
    expect(sdk.API_KEY_PATTERN.flags).toBe(API_KEY_PATTERN.flags);
  });

  it('isWellFormedApiKey checks the format and the checksum', () => {
    expect(sdk.isWellFormedApiKey(key)).toBe(true);
    expect(sdk.isWellFormedApiKey(typo)).toBe(false);
    expect(sdk.isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(sdk.isWellFormedApiKey(42)).toBe(false);
  });
});

describe('what a client sends', () => {
  it('GET <baseUrl>/v1/me and /v1/usage with the prefix kept, the key, the SDK version and custom headers', async () => {
    const seen: { method: string | undefined; url: string | undefined; headers: IncomingHttpHeaders }[] = [];
    const server = await startLocalServer((req, res) => {
      seen.push({ method: req.method, url: req.url, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
    try {
      const client = sdk.createClient({
        baseUrl: `${server.url}/postern/`,
        apiKey: key,
        headers: { 'X-Trace': 'trace-1', 'x-postern-sdk': 'spoofed' },
      });
      await client.me();
      await client.usage();
    } finally {
      await server.close();
    }
    const version = JSON.parse(readFileSync(join(SDK_ROOT, 'package.json'), 'utf8')).version;
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /postern/v1/me', 'GET /postern/v1/usage']);
    expect(seen[0]?.headers).toMatchObject({
      authorization: `Bearer ${key}`,
      accept: 'application/json',
      'x-postern-sdk': version,
      'x-trace': 'trace-1',
    });
  });

  it('SDK_VERSION is the package version', () => {
    const version = JSON.parse(readFileSync(join(SDK_ROOT, 'package.json'), 'utf8')).version;
    expect(sdk.SDK_VERSION).toBe(version);
  });
});
