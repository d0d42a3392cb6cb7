// An in-process API (the real buildServer) over a test database and real Redis, with a controllable
// clock, captured logs, and a cookie-keeping client that behaves like the dashboard (CSRF header).
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { AUTH_COOKIES, CSRF_HEADER, QUEUES } from '@postern/contracts';
import { type Clock, enqueueEmail, keyringFromConfig, openMessage } from '@postern/core';
import { createOrm, type MikroORM } from '@postern/db';
import { createTestDatabase, dumpDatabase, type TestDatabase } from '@postern/db/testing';
import {
  type Config,
  connectRedis,
  createLogger,
  createQueueClient,
  ensureQueues,
  loadConfig,
  type PgBoss,
  RedisKvStore,
  testServices,
} from '@postern/runtime';
import { createVerificationEngine, type VerificationEngine } from '@postern/validator';
import type { FastifyInstance } from 'fastify';
import { publicApiDeps } from '../../src/public-api.ts';
import { buildServer } from '../../src/server.ts';

export class TestClock implements Clock {
  offsetMs = 0;
  now() {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number) {
    this.offsetMs += ms;
  }
}

export interface Harness {
  db: TestDatabase;
  orm: MikroORM;
  config: Config;
  clock: TestClock;
  boss: PgBoss;
  logs: string[];
  /** Another API process on the same database and Redis (to prove cross-process behaviour). */
  apps: FastifyInstance[];
  app: FastifyInstance;
  keyring: ReturnType<typeof keyringFromConfig>;
  /** Every email queued so far, opened with the keyring. */
  mails(): Promise<{ to: string; subject: string; text: string }[]>;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    processes?: number;
    engine?: () => VerificationEngine;
    /** Extra settings, as environment variables (e.g. BULK_MAX_UPLOAD_BYTES). */
    env?: Record<string, string>;
  } = {},
): Promise<Harness> {
  const db = await createTestDatabase();
  const orm = await createOrm({ databaseUrl: db.url, poolMax: 6 });
  const config = loadConfig({
    DATABASE_URL: db.url,
    LOG_LEVEL: 'info',
    WEB_DIST: '/nonexistent',
    ...options.env,
  });
  const clock = new TestClock();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ level: 'info', name: 'api-test', destination: sink });
  const boss = createQueueClient({ databaseUrl: db.url, role: 'producer', logger });
  await boss.start();
  await boss.createQueue(QUEUES.email.name);
  // Bulk jobs enqueue their chunks on creation (a worker process, when a test starts one, runs them).
  await ensureQueues(boss, [QUEUES.bulkChunk]);
  const keyring = keyringFromConfig(config);
  const prefix = `test:${randomUUID()}:`;
  const stores: RedisKvStore[] = [];
  const apps: FastifyInstance[] = [];
  for (let i = 0; i < (options.processes ?? 1); i++) {
    const kv = new RedisKvStore(
      await connectRedis(testServices().redisUrl, { connectTimeoutMs: 3000, keyPrefix: prefix }),
    );
    stores.push(kv);
    const app = await buildServer({
      config,
      orm,
      kv,
      logger,
      clock,
      keyring,
      boss,
      sendMail: async (message) => {
        await enqueueEmail(boss, keyring, message);
      },
      ...publicApiDeps({ orm, kv, clock }),
      // By default no resolver answers (port 1): tests that check addresses bring their own DNS server.
      engine:
        options.engine?.() ??
        createVerificationEngine({ dns: { servers: ['127.0.0.1:1'], timeoutMs: 200, tries: 1 } }),
      version: 'test',
      startedAt: new Date(),
    });
    await app.ready();
    apps.push(app);
  }
  const [app] = apps;
  if (!app) throw new Error('no app');
  return {
    db,
    orm,
    config,
    clock,
    boss,
    logs,
    apps,
    app,
    keyring,
    async mails() {
      const jobs = await boss.findJobs<{ sealed: string }>(QUEUES.email.name);
      // Oldest first, so "the newest mail" is the last one.
      jobs.sort((x, y) => x.createdOn.getTime() - y.createdOn.getTime());
      return jobs.map((job) => openMessage(keyring, job.data.sealed));
    },
    async close() {
      for (const a of apps) await a.close();
      for (const kv of stores) await kv.close();
      await boss.stop({ graceful: false });
      await orm.close(true);
      await db.drop();
    },
  };
}

interface CallResult<T> {
  status: number;
  data?: T;
  error?: { message: string; data: { code: string; details?: Record<string, unknown>; httpStatus: number } };
  headers: Record<string, string | string[] | undefined>;
}

/** A browser-like client: keeps cookies, sends the CSRF header on mutations. */
export class Client {
  cookies = new Map<string, string>();
  app: FastifyInstance;
  userAgent: string;
  ip: string;

  constructor(app: FastifyInstance, options: { userAgent?: string; ip?: string } = {}) {
    this.app = app;
    this.userAgent =
      options.userAgent ??
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
    this.ip = options.ip ?? '127.0.0.1';
  }

  /** The same cookies, talking to another API process. */
  on(app: FastifyInstance): Client {
    const other = new Client(app, { userAgent: this.userAgent, ip: this.ip });
    other.cookies = this.cookies;
    return other;
  }

  #cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #absorb(setCookie: string | string[] | undefined) {
    for (const line of [setCookie ?? []].flat()) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...rest] = (pair ?? '').split('=');
      if (!name) continue;
      const value = rest.join('=');
      const expired = attrs.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()));
      if (!value || expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
  }

  async query<T = unknown>(path: string, input?: unknown): Promise<CallResult<T>> {
    const url =
      input === undefined
        ? `/trpc/${path}`
        : `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.#cookieHeader(), 'user-agent': this.userAgent },
      remoteAddress: this.ip,
    });
    return this.#result<T>(res);
  }

  async mutate<T = unknown>(
    path: string,
    input?: unknown,
    options: { csrf?: string | null; origin?: string } = {},
  ): Promise<CallResult<T>> {
    if (!this.cookies.has(AUTH_COOKIES.csrf)) await this.query('system.health');
    const csrf = options.csrf === undefined ? this.cookies.get(AUTH_COOKIES.csrf) : options.csrf;
    const res = await this.app.inject({
      method: 'POST',
      url: `/trpc/${path}`,
      headers: {
        cookie: this.#cookieHeader(),
        'user-agent': this.userAgent,
        'content-type': 'application/json',
        ...(csrf ? { [CSRF_HEADER]: csrf } : {}),
        ...(options.origin ? { origin: options.origin } : {}),
      },
      remoteAddress: this.ip,
      payload: input === undefined ? '' : JSON.stringify(input),
    });
    return this.#result<T>(res);
  }

  #result<T>(res: Awaited<ReturnType<FastifyInstance['inject']>>): CallResult<T> {
    this.#absorb(res.headers['set-cookie']);
    const body = res.json() as { result?: { data: T }; error?: CallResult<T>['error'] };
    return {
      status: res.statusCode,
      data: body.result?.data,
      error: body.error,
      headers: res.headers as CallResult<T>['headers'],
    };
  }
}

export const STRONG_PASSWORD = 'Correct-Horse-Battery-9';
let counter = 0;
export const uniqueEmail = () => `user${Date.now()}${counter++}@example.test`;

/**
 * Reads every row of every table (application and pg-boss schemas) as text and returns the secrets
 * found in it: a test registers the plaintext passwords, TOTP secrets, recovery codes and refresh
 * tokens it used, and expects none to be stored anywhere.
 */
export async function findStoredSecrets(
  db: Pick<TestDatabase, 'url'>,
  secrets: Iterable<string>,
): Promise<string[]> {
  const dump = await dumpDatabase(db.url);
  const variants = (s: string) => [s, s.replace(/-/g, ''), encodeURIComponent(s)];
  return [...secrets].filter(
    (secret) => secret.length >= 6 && variants(secret).some((v) => dump.includes(v)),
  );
}

/** Signs a new account up through the API; returns its client, address and first workspace. */
export async function newAccount(app: FastifyInstance, options: { email?: string } = {}) {
  const client = new Client(app);
  const email = options.email ?? uniqueEmail();
  const res = await client.mutate<{ user: { id: string } }>('auth.signUp', {
    email,
    password: STRONG_PASSWORD,
  });
  if (res.status !== 200) throw new Error(`sign-up failed: ${JSON.stringify(res.error)}`);
  const list = await client.query<{ workspaces: { id: string }[] }>('workspaces.list');
  const workspaceId = list.data?.workspaces[0]?.id ?? '';
  return { client, email, userId: res.data?.user.id ?? '', workspaceId };
}

/** The token of the newest invitation mailed to `email`. */
export async function invitationToken(h: Harness, email: string): Promise<string> {
  const mails = (await h.mails()).filter((m) => m.to === email && /invited you/.test(m.subject));
  const text = mails[mails.length - 1]?.text ?? '';
  const link = /https?:\/\/\S+\/invitations\/accept\?token=[^\s"<]+/.exec(text)?.[0];
  if (!link) throw new Error(`no invitation mailed to ${email}`);
  return new URL(link).searchParams.get('token') ?? '';
}

/** Invites `email` into the workspace as `role` and accepts with that account's client. */
export async function addMember(
  h: Harness,
  owner: Client,
  workspaceId: string,
  member: { client: Client; email: string },
  role: string,
) {
  const invite = await owner.mutate('members.invite', {
    workspaceId,
    email: member.email,
    role: role === 'owner' ? 'admin' : role,
  });
  if (invite.status !== 200) throw new Error(`invite failed: ${JSON.stringify(invite.error)}`);
  const accept = await member.client.mutate('invitations.accept', {
    token: await invitationToken(h, member.email),
  });
  if (accept.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accept.error)}`);
  if (role === 'owner') {
    const members = await owner.query<{ members: { id: string; email: string }[] }>('members.list', {
      workspaceId,
    });
    const id = members.data?.members.find((m) => m.email === member.email)?.id;
    const change = await owner.mutate('members.changeRole', { workspaceId, memberId: id, role: 'owner' });
    if (change.status !== 200) throw new Error(`promotion failed: ${JSON.stringify(change.error)}`);
  }
}

/** Fails when any of the secrets is stored in the database or written to the logs. */
export async function expectNoSecretsKept(h: Harness, secrets: Iterable<string>): Promise<string[]> {
  const list = [...secrets].filter((secret) => secret.length >= 6);
  const logs = h.logs.join('');
  return [
    ...(await findStoredSecrets(h.db, list)),
    ...list.filter((secret) => logs.includes(secret)).map((s) => `log:${s}`),
  ];
}
