// The bulk job event stream's own mechanics, with short intervals: keep-alive comments while nothing
// changes, a progress event on each change and `done` at the end, and — once the client goes away —
// no more polling of the database (each open stream costs one query per interval, so a stream
// that outlived its client would cost forever).
import { randomUUID } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBulkJob, NO_REQUEST_META } from '@postern/core';
import { BulkJob } from '@postern/db';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../src/deps.ts';
import { type BulkHttp, createBulkHttp } from '../src/http/shared/bulk.ts';
import { type Harness, startHarness } from './support/harness.ts';

let h: Harness;
let server: FastifyInstance;
let bulk: BulkHttp;
let baseUrl = '';
/** Statements the stream handlers ran through the ORM connection (the real one, counted). */
let queries = 0;
const workspaceId = randomUUID();
const caller = { workspaceId, actorId: null, apiKeyId: null, meta: { ip: '127.0.0.1', userAgent: 'test' } };

/** The real ORM, with `em.getConnection().execute` counted on its way through. */
function countingOrm(orm: Harness['orm']): Harness['orm'] {
  const wrapConnection = (connection: ReturnType<Harness['orm']['em']['getConnection']>) =>
    new Proxy(connection, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== 'execute' || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          queries += 1;
          return value.apply(target, args);
        };
      },
    });
  const em = new Proxy(orm.em, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'getConnection') return () => wrapConnection(target.getConnection());
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return new Proxy(orm, {
    get(target, prop, receiver) {
      return prop === 'em' ? em : Reflect.get(target, prop, receiver);
    },
  });
}

interface Stream {
  response: IncomingMessage;
  text: () => string;
  close: () => void;
}

function open(jobId: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const request = get(`${baseUrl}/events/${jobId}`, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('error', () => {});
      resolve({ response, text: () => text, close: () => request.destroy() });
    });
    request.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
    });
  });
}

async function until(what: string, check: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const events = (text: string, name: string) =>
  text
    .split('\n\n')
    .filter((block) => block.includes(`event: ${name}\n`))
    .map(
      (block) =>
        JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { processed: number; status: string },
    );

beforeAll(async () => {
  h = await startHarness();
  const deps = {
    config: h.config,
    orm: countingOrm(h.orm),
    clock: h.clock,
    keyring: h.keyring,
    boss: h.boss,
  } as unknown as ApiDeps;
  bulk = createBulkHttp(deps, { pollMs: 20, keepAliveMs: 40 });
  server = Fastify();
  server.get<{ Params: { id: string } }>('/events/:id', (req, reply) =>
    bulk.events(caller, req.params.id, req, reply),
  );
  await server.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  bulk?.closeStreams();
  await server?.close();
  await h?.close();
});

/** A job of two pending addresses (no worker runs here: the test moves its counters). */
async function newJob(): Promise<string> {
  const core = { em: h.orm.em.fork(), keyring: h.keyring, clock: h.clock, queue: h.boss };
  const job = await createBulkJob({ ...core, actor: null, meta: NO_REQUEST_META }, workspaceId, {
    source: ['one@postern-events.com', 'two@postern-events.com'],
    depth: 'standard',
  });
  return job.id;
}

describe('bulk job event stream', () => {
  it('sends keep-alive comments while nothing changes, progress on a change and done at the end', async () => {
    const jobId = await newJob();
    const stream = await open(jobId);
    expect(stream.response.headers['content-type']).toMatch(/^text\/event-stream/);
    await until('the first progress event', () => events(stream.text(), 'progress').length === 1);
    await until('two keep-alive comments', () => stream.text().split(': keep-alive\n\n').length > 2);
    // Still one progress event: nothing changed, nothing sent.
    expect(events(stream.text(), 'progress')).toHaveLength(1);

    await h.orm.em.fork().nativeUpdate(BulkJob, { id: jobId }, { processed: 1, status: 'running' });
    await until('a progress event for the change', () => events(stream.text(), 'progress').length === 2);
    expect(events(stream.text(), 'progress')[1]).toMatchObject({ processed: 1, status: 'running' });

    await h.orm.em.fork().nativeUpdate(BulkJob, { id: jobId }, { processed: 2, status: 'completed' });
    await until('done', () => events(stream.text(), 'done').length === 1);
    await until('the end of the response', () => stream.response.complete);
    expect(events(stream.text(), 'done')[0]).toMatchObject({ processed: 2, status: 'completed' });
  });

  it('stops polling the database as soon as the client disconnects', async () => {
    const jobId = await newJob();
    const stream = await open(jobId);
    await until('the first progress event', () => events(stream.text(), 'progress').length === 1);
    const before = queries;
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Polling every 20 ms while the client listens.
    expect(queries - before).toBeGreaterThanOrEqual(4);

    stream.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const afterClose = queries;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(queries).toBe(afterClose);
  });
});
