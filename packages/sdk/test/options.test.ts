// createClient's options: clear errors for bad ones, and what a valid set puts on the wire.
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltEsm, SDK_ROOT, startLocalServer } from './helpers.ts';

type Sdk = Awaited<ReturnType<typeof loadBuiltEsm>>;

let sdk: Sdk;
beforeAll(async () => {
  sdk = await loadBuiltEsm();
});

describe('invalid options throw a TypeError naming the problem', () => {
  const cases: [string, unknown, RegExp][] = [
    ['no options', undefined, /createClient expects an options object/],
    [
      'no baseUrl',
      {},
      /baseUrl is required, e\.g\. createClient\(\{ baseUrl: 'https:\/\/postern\.example\.com'/,
    ],
    ['empty baseUrl', { baseUrl: '' }, /baseUrl is required/],
    ['relative baseUrl', { baseUrl: '/api' }, /baseUrl must be an absolute http\(s\) URL .*\(got "\/api"\)/],
    ['host without scheme', { baseUrl: 'postern.example.com' }, /baseUrl must be an absolute http\(s\) URL/],
    [
      'other protocol',
      { baseUrl: 'ftp://postern.example.com' },
      /baseUrl must start with http:\/\/ or https:\/\//,
    ],
    [
      'host:port without scheme',
      { baseUrl: 'localhost:3000' },
      /must start with http:\/\/ or https:\/\/ \(got "localhost:3000"\)/,
    ],
    ['number baseUrl', { baseUrl: 42 }, /baseUrl must be a string or a URL \(got 42\)/],
    [
      'credentials in baseUrl',
      { baseUrl: 'https://user:pw@postern.example.com' },
      /must not contain credentials/,
    ],
    ['query in baseUrl', { baseUrl: 'https://postern.example.com/?x=1' }, /must not contain a query string/],
    [
      'misspelt option',
      { baseURL: 'https://postern.example.com' },
      /unknown option "baseURL" \(did you mean "baseUrl"\?\)/,
    ],
    ['empty apiKey', { baseUrl: 'https://p.example', apiKey: '' }, /apiKey must be a non-empty string/],
    [
      'Bearer in apiKey',
      { baseUrl: 'https://p.example', apiKey: 'Bearer pk_1' },
      /without the "Bearer " prefix/,
    ],
    [
      'line break in apiKey',
      { baseUrl: 'https://p.example', apiKey: 'pk_1\n' },
      /apiKey contains spaces, line breaks/,
    ],
    ['fetch not a function', { baseUrl: 'https://p.example', fetch: 'fetch' }, /fetch must be a function/],
    ['headers not an object', { baseUrl: 'https://p.example', headers: 'x' }, /headers must be an object/],
    [
      'header value not a string',
      { baseUrl: 'https://p.example', headers: { 'x-a': 1 } },
      /value of "x-a" must be a string/,
    ],
    [
      'bad header',
      { baseUrl: 'https://p.example', headers: { 'x-a': 'a\r\nb' } },
      /"x-a" has an invalid name or value/,
    ],
    [
      'zero timeout',
      { baseUrl: 'https://p.example', timeoutMs: 0 },
      /timeoutMs must be a number of milliseconds between 1/,
    ],
    ['NaN timeout', { baseUrl: 'https://p.example', timeoutMs: Number.NaN }, /timeoutMs .* \(got NaN\)/],
    ['string timeout', { baseUrl: 'https://p.example', timeoutMs: '5000' }, /timeoutMs .* \(got "5000"\)/],
  ];

  it.each(cases)('%s', (_name, options, message) => {
    const create = () => sdk.createClient(options as Parameters<Sdk['createClient']>[0]);
    expect(create).toThrow(TypeError);
    expect(create).toThrow(message);
    expect(create).toThrow(/^@postern\/sdk: /);
  });

  it('accepts a URL object, a path prefix and trailing slashes', () => {
    expect(() => sdk.createClient({ baseUrl: new URL('https://postern.example.com') })).not.toThrow();
    expect(() => sdk.createClient({ baseUrl: 'http://127.0.0.1:3000/postern//' })).not.toThrow();
  });
});

describe('what a client sends', () => {
  it('Authorization, x-postern-sdk and custom headers, at <baseUrl>/trpc with the prefix kept', async () => {
    const seen: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];
    const server = await startLocalServer((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ result: { data: { status: 'ok' } } }));
    });
    try {
      const client = sdk.createClient({
        baseUrl: `${server.url}/postern/`,
        apiKey: 'pk_live_abc123',
        headers: { 'X-Trace': 'trace-1', 'x-postern-sdk': 'spoofed' },
      });
      await expect(client.system.health.query()).resolves.toEqual({ status: 'ok' });
      const anonymous = sdk.createClient({ baseUrl: server.url });
      await anonymous.system.health.query();
    } finally {
      await server.close();
    }
    const version = JSON.parse(readFileSync(join(SDK_ROOT, 'package.json'), 'utf8')).version;
    expect(seen).toHaveLength(2);
    expect(seen[0]?.url).toBe('/postern/trpc/system.health');
    expect(seen[0]?.headers).toMatchObject({
      authorization: 'Bearer pk_live_abc123',
      'x-postern-sdk': version,
      'x-trace': 'trace-1',
    });
    expect(seen[1]?.url).toBe('/trpc/system.health');
    expect(seen[1]?.headers.authorization).toBeUndefined();
    expect(seen[1]?.headers['x-postern-sdk']).toBe(version);
  });

  it('SDK_VERSION is the package version', () => {
    const version = JSON.parse(readFileSync(join(SDK_ROOT, 'package.json'), 'utf8')).version;
    expect(sdk.SDK_VERSION).toBe(version);
  });
});
