// OAuth token refresh benchmark: TOKENS OAuth mailboxes whose access tokens expire within the refresh
// window, WORKERS real worker processes (the entry point operators run) each running the
// `mailboxes.oauth_refresh` job at once (as the per-minute schedule would), against a local token
// endpoint (node:http on 127.0.0.1) that rotates refresh tokens and counts every refresh token it is
// shown. Proves single flight: every token refreshed exactly once (`refreshed_twice` 0).
// BENCH_MAILBOX_TOKENS (default 10000), BENCH_MAILBOX_WORKERS (default 2).
// The last stdout line is one JSON object: refreshed, refreshed_twice, refresh_s, worker_peak_rss_mb.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SpawnedApp, spawnApp } from '@postern/runtime/testing';
import { ALL_QUEUES, QUEUES } from '../../packages/contracts/src/index.ts';
import { createKeyring, parseEncryptionKeys, refreshTokenContext } from '../../packages/core/src/index.ts';
import { createOrm } from '../../packages/db/src/index.ts';
import { createTestDatabase } from '../../packages/db/src/testing.ts';
import { createLogger, createQueueClient, ensureQueues } from '../../packages/runtime/src/index.ts';
import { round, rssMb } from '../lib.ts';

const TOKENS = Number(process.env.BENCH_MAILBOX_TOKENS ?? 10_000);
const WORKERS = Number(process.env.BENCH_MAILBOX_WORKERS ?? 2);
const log = (line: string) => process.stderr.write(`mailboxes: ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const KEYS = `b:${randomBytes(32).toString('base64url')}`;
const keyring = createKeyring(parseEncryptionKeys(KEYS));

// The provider: every refresh token it was shown, and how often.
const shown = new Map<string, number>();
const provider = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const presented = form.get('refresh_token') ?? '';
    shown.set(presented, (shown.get(presented) ?? 0) + 1);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        access_token: `at-${randomUUID()}`,
        refresh_token: `rt-${randomUUID()}`,
        token_type: 'Bearer',
        expires_in: 3600,
      }),
    );
  });
});
await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
const providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;

const db = await createTestDatabase();
const orm = await createOrm({ databaseUrl: db.url, poolMax: 4 });
const producer = createQueueClient({
  databaseUrl: db.url,
  role: 'producer',
  logger: createLogger({ level: 'silent', name: 'bench' }),
});
await producer.start();
await ensureQueues(producer, ALL_QUEUES);

const workers: SpawnedApp[] = [];
async function cleanup() {
  for (const w of workers) await w.stop('SIGTERM', 20_000).catch(() => {});
  await new Promise((resolve) => provider.close(resolve));
  await producer.stop({ graceful: false }).catch(() => {});
  await orm.close(true).catch(() => {});
  await db.drop().catch(() => {});
}
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
let result: unknown;

try {
  const conn = orm.em.fork().getConnection();
  // One workspace row is all the mailboxes need (the bench database is thrown away).
  await conn.execute('alter table mailbox drop constraint mailbox_workspace_id_foreign');
  const ws = randomUUID();
  const expires = new Date(Date.now() + 5 * 60_000);
  log(`sealing ${TOKENS} refresh tokens`);
  for (let start = 0; start < TOKENS; start += 1000) {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (let i = start; i < Math.min(TOKENS, start + 1000); i++) {
      const id = randomUUID();
      const email = `u${i}@gmail.test`;
      rows.push(
        "(?, ?, ?, 'gmail', 'connected', 'smtp.gmail.com', 993, 'tls', 'smtp.gmail.com', 465, 'tls', ?, ?, ?, ?, ?, now(), now())",
      );
      values.push(
        id,
        ws,
        email,
        email,
        email,
        keyring.encrypt(`at-initial-${i}`, `mailbox:${id}:access_token`),
        keyring.encrypt(`rt-initial-${i}`, refreshTokenContext(id)),
        expires,
      );
    }
    await conn.execute(
      `insert into mailbox (id, workspace_id, email, provider, status, imap_host, imap_port, imap_security,
         smtp_host, smtp_port, smtp_security, username, from_address, access_token, refresh_token,
         token_expires_at, created_at, updated_at) values ${rows.join(', ')}`,
      values,
    );
  }

  log(`starting ${WORKERS} worker process(es)`);
  for (let i = 0; i < WORKERS; i++) {
    workers.push(
      await spawnApp('worker', {
        DATABASE_URL: db.url,
        ENCRYPTION_KEYS: KEYS,
        LOG_LEVEL: 'warn',
        DATABASE_POOL_MAX: '6',
        OAUTH_GOOGLE_CLIENT_ID: 'bench',
        OAUTH_GOOGLE_CLIENT_SECRET: 'bench-secret',
        OAUTH_GOOGLE_TOKEN_URL: `${providerUrl}/token`,
      }),
    );
  }
  for (const deadline = Date.now() + 90_000; ; ) {
    const rows = (await conn.execute('select count(*)::int as n from worker_heartbeat')) as { n: number }[];
    if ((rows[0]?.n ?? 0) >= WORKERS) break;
    if (Date.now() > deadline)
      throw new Error(`workers did not start:\n${workers.flatMap((w) => w.lines).join('\n')}`);
    await sleep(100);
  }

  const started = performance.now();
  // One run per worker at once (the schedule would start one a minute; these make both race now).
  for (let i = 0; i < WORKERS; i++) await producer.send(QUEUES.mailboxOAuthRefresh.name, {});
  let refreshed = 0;
  for (const deadline = Date.now() + 280_000; Date.now() < deadline; ) {
    const rows = (await conn.execute(
      'select count(*)::int as n from mailbox where last_refresh_at is not null',
    )) as { n: number }[];
    refreshed = rows[0]?.n ?? 0;
    if (refreshed >= TOKENS) break;
    await sleep(100);
  }
  const refreshS = (performance.now() - started) / 1000;
  const initial = [...shown.entries()].filter(([token]) => token.startsWith('rt-initial-'));
  const workerErrors = workers.flatMap((w) => w.lines.filter((line) => /"level":"(error|fatal)"/.test(line)));
  for (const line of workerErrors.slice(0, 5)) log(`worker: ${line.slice(0, 600)}`);
  result = {
    bench: 'mailboxes',
    tokens: TOKENS,
    workers: WORKERS,
    refreshed,
    refreshed_twice: initial.filter(([, n]) => n > 1).length,
    provider_calls: initial.reduce((sum, [, n]) => sum + n, 0),
    refresh_s: round(refreshS),
    worker_errors: workerErrors.length,
    worker_peak_rss_mb: Math.max(...workers.map((w) => rssMb(w.proc.pid, 'VmHWM'))),
  };
} catch (error) {
  await cleanup();
  throw error;
}
await cleanup();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
