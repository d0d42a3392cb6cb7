// An in-process API (the real buildServer) over a test database and real Redis, with a controllable
// clock, captured logs, and a cookie-keeping client that behaves like the dashboard (CSRF header).
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { AUTH_COOKIES, CSRF_HEADER, HOST_COOKIE_PREFIX, QUEUES } from '@postern/contracts';
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
    /** Level of the captured API log (default info, as in production). */
    logLevel?: string;
  } = {},
): Promise<Harness> {
  const db = await createTestDatabase();
  // The API works as the restricted application role, as in production (db.url is the owner).
  const orm = await createOrm({ databaseUrl: db.appUrl, poolMax: 6 });
  const config = loadConfig({
    DATABASE_URL: db.appUrl,
    MIGRATION_DATABASE_URL: db.url,
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
  const logger = createLogger({ level: options.logLevel ?? 'info', name: 'api-test', destination: sink });
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

  /** The CSRF cookie's value, under its http name or its `__Host-` name (https deployments). */
  csrfToken(): string | undefined {
    return (
      this.cookies.get(AUTH_COOKIES.csrf) ?? this.cookies.get(`${HOST_COOKIE_PREFIX}${AUTH_COOKIES.csrf}`)
    );
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
    options: { csrf?: string | null; origin?: string; ip?: string } = {},
  ): Promise<CallResult<T>> {
    if (!this.csrfToken()) await this.query('system.health');
    const csrf = options.csrf === undefined ? this.csrfToken() : options.csrf;
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
      remoteAddress: options.ip ?? this.ip,
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
 * The forms a secret could take in a log line or a row: as it is, without dashes, URL-encoded (once
 * and twice), and hex, base64 and base64url of its UTF-8 bytes; a secret that is itself base64url
 * or hex also in hex/base64/base64url of the bytes it encodes. Forms shorter than 8 characters are
 * left out (they would match by chance).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([
    secret,
    secret.replace(/-/g, ''),
    encodeURIComponent(secret),
    encodeURIComponent(encodeURIComponent(secret)),
    encodeURIComponent(JSON.stringify(secret)),
  ]);
  const encode = (bytes: Buffer) => {
    forms.add(bytes.toString('hex'));
    forms.add(bytes.toString('hex').toUpperCase());
    forms.add(bytes.toString('base64'));
    forms.add(bytes.toString('base64url'));
  };
  encode(Buffer.from(secret, 'utf8'));
  if (/^[A-Za-z0-9_-]{16,}$/.test(secret)) encode(Buffer.from(secret, 'base64url'));
  if (/^(?:[0-9a-f]{2}){8,}$/i.test(secret)) encode(Buffer.from(secret, 'hex'));
  return [...forms].filter((form) => form.length >= 8);
}

/** Which of `secrets` appear in the captured log, in any of their forms (see secretForms). */
export function findLoggedSecrets(logs: string[] | string, secrets: Iterable<string>): string[] {
  const text = Array.isArray(logs) ? logs.join('') : logs;
  return [...secrets]
    .filter((secret) => secret.length >= 6)
    .filter((secret) => secretForms(secret).some((form) => text.includes(form)));
}

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
  return [...secrets].filter(
    (secret) => secret.length >= 6 && secretForms(secret).some((form) => dump.includes(form)),
  );
}

let signUpAddresses = 0;
/** A fresh client address for each sign-up, so test set-ups stay under the per-IP sign-up limit. */
export const signUpIp = () => `10.254.${(signUpAddresses >> 8) & 255}.${signUpAddresses++ & 255}`;

/**
 * Signs `email` up (from a fresh address) and then in with `client`, as the dashboard does: sign-up
 * answers "check your email" without a session. Returns the sign-in's result.
 */
export async function signUpAndIn(client: Client, email: string, password = STRONG_PASSWORD) {
  const signUp = await client.mutate('auth.signUp', { email, password }, { ip: signUpIp() });
  if (signUp.status !== 200) throw new Error(`sign-up failed: ${JSON.stringify(signUp.error)}`);
  const res = await client.mutate<{ status: string; user: { id: string; email: string } }>('auth.signIn', {
    email,
    password,
  });
  if (res.status !== 200) throw new Error(`sign-in after sign-up failed: ${JSON.stringify(res.error)}`);
  return res;
}

/** Signs a new account up through the API; returns its client, address and first workspace. */
export async function newAccount(app: FastifyInstance, options: { email?: string } = {}) {
  const client = new Client(app);
  const email = options.email ?? uniqueEmail();
  const res = await signUpAndIn(client, email);
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
  return [
    ...(await findStoredSecrets(h.db, list)),
    ...findLoggedSecrets(h.logs, list).map((s) => `log:${s}`),
  ];
}
