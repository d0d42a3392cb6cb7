// Campaign sending benchmark: one campaign to RECIPIENTS contacts (1 % of them suppressed) through 2
// real worker processes to a local SMTP sink (smtp-server over TLS in this process, counting messages
// per recipient), the per-mailbox throttle raised (RATE_LIMIT_MULTIPLIER) and the daily cap lifted.
// Baselines in the same run (each before and after the engine, 30,000 messages each time, mean): the
// engine's own messages (composeMessage for recipients that exist only in the baseline, made before it
// starts) from the same number of processes over the same number of connections per process, to the
// same sink (raw-sender.ts): plain pooled nodemailer, the reference (`raw_*`,
// `ratio_over_raw`), and packages/mailer's own pooled sender (`mailer_*`, `ratio_over_mailer`).
//
//   pnpm bench campaigns                      100,000 recipients
//   pnpm bench campaigns --recipients 10000   a quick run
//   pnpm bench campaigns --engine-only        the engine alone (no baselines): A/B of an engine change
//
// Figures: messages_per_s (engine: messages received by the sink ÷ time from the first to the last),
// raw_messages_per_s, ratio_over_raw (goal ≥ 0.7), suppressed_received (must be 0),
// duplicates_received (must be 0), worker_peak_rss_mb (VmHWM, goal ≤ 512), end-to-end seconds
// (start job → campaign sent, snapshot included). Contacts are seeded with set-based SQL. Progress on
// stderr; the last stdout line is one JSON object.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type SpawnedApp, spawnApp } from '@postern/runtime/testing';
import { QUEUES } from '../../packages/contracts/src/index.ts';
import { composeMessage, loadBatchSetting } from '../../packages/core/src/campaigns/sending/compose.ts';
import { loadEngineCampaign } from '../../packages/core/src/campaigns/sending/shared.ts';
import {
  addSuppressions,
  ensureAuditSealing,
  keyringFromConfig,
  passwordContext,
  SENDS_IN_FLIGHT_PER_BATCH,
  SMTP_CONNECTIONS_PER_MAILBOX,
  systemClock,
} from '../../packages/core/src/index.ts';
import {
  type CampaignSink,
  SINK_PASSWORD,
  SINK_USER,
  seedCampaign,
  startCampaignSink,
} from '../../packages/core/test/support/campaign-world.ts';
import { createOrm } from '../../packages/db/src/index.ts';
import { createTestDatabase, type TestDatabase } from '../../packages/db/src/testing.ts';
import { createLogger, createQueueClient, loadConfig } from '../../packages/runtime/src/index.ts';
import { processTicks } from '../bulk/proc.ts';
import { round, rssMb } from '../lib.ts';

const { values } = parseArgs({
  options: {
    recipients: { type: 'string', default: '100000' },
    // Only the engine (no baselines, no ratio): a quick A/B of an engine change, compared by CPU per message.
    'engine-only': { type: 'boolean', default: false },
  },
});
const RECIPIENTS = Number(values.recipients);
if (!Number.isInteger(RECIPIENTS) || RECIPIENTS < 100 || RECIPIENTS > 1_000_000) {
  process.stderr.write(
    'usage: pnpm bench campaigns [--recipients N]   (100 to 1,000,000, default 100,000)\n',
  );
  process.exit(2);
}
const WORKERS = 2;
/** Sends in flight per worker process: 4 batch jobs (the queue's concurrency) × SENDS_IN_FLIGHT_PER_BATCH. */
const INFLIGHT = QUEUES.campaignSendBatch.policy.concurrency * SENDS_IN_FLIGHT_PER_BATCH;
const log = (line: string) => process.stderr.write(`[bench campaigns] ${line}\n`);

const started: {
  db?: TestDatabase;
  sink?: CampaignSink;
  workers: SpawnedApp[];
  orm?: Awaited<ReturnType<typeof createOrm>>;
} = {
  workers: [],
};

type RawKind = 'nodemailer' | 'mailer';

function rawSender(
  kind: RawKind,
  port: number,
  caFile: string,
  messagesFile: string,
): Promise<{ ms: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        new URL('./raw-sender.ts', import.meta.url).pathname,
        String(port),
        caFile,
        messagesFile,
        String(SMTP_CONNECTIONS_PER_MAILBOX),
        String(INFLIGHT),
        kind,
      ],
      { env: { ...process.env, SINK_USER, SINK_PASSWORD }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`raw sender exited ${code}`)),
    );
  });
}

type Sql = (q: string, p?: unknown[]) => Promise<Record<string, unknown>[]>;

/** A fresh database, the sink, and the campaign seeded set-based with 1 % of its addresses suppressed. */
async function prepare() {
  const db = await createTestDatabase();
  started.db = db;
  const sink = await startCampaignSink({ keepRaw: false });
  started.sink = sink;
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: 'redis://127.0.0.1:6379/0',
    LOG_LEVEL: 'warn',
    WEB_DIST: '/nonexistent',
    DNS_SERVERS: '127.0.0.1:1',
    RATE_LIMIT_MULTIPLIER: '100000',
    ...sink.env,
  };
  const keyring = keyringFromConfig(loadConfig({ ...env, NODE_ENV: 'test', MIGRATION_DATABASE_URL: db.url }));
  const orm = await createOrm({ databaseUrl: db.url, poolMax: 2 });
  started.orm = orm;
  ensureAuditSealing(orm.em, keyring);
  const sql: Sql = async (q, p = []) =>
    (await orm.em.fork().getConnection().execute(q, p)) as Record<string, unknown>[];
  const t = performance.now();
  const seeded = await seedCampaign(sql, {
    contacts: RECIPIENTS,
    port: sink.port,
    seal: (pw, id) => keyring.encrypt(pw, passwordContext(id)),
    dailyCap: 10_000_000,
  });
  const suppressed = seeded.emails.filter((_, i) => i % 100 === 7);
  for (let i = 0; i < suppressed.length; i += 5000)
    await addSuppressions(
      { em: orm.em.fork(), clock: systemClock, keyring, actor: null, meta: { ip: null, userAgent: null } },
      seeded.workspaceId,
      { emails: suppressed.slice(i, i + 5000), source: 'bench' },
    );
  await sql('analyze');
  log(
    `seeded ${RECIPIENTS.toLocaleString('en-US')} contacts (${suppressed.length} suppressed) in ${round((performance.now() - t) / 1000, 1)} s`,
  );
  const config = loadConfig({ ...env, NODE_ENV: 'test', MIGRATION_DATABASE_URL: db.url });
  const compose = await messageComposer(
    sql,
    { em: orm.em.fork(), config, keyring, clock: systemClock } as Parameters<typeof loadBatchSetting>[0],
    seeded.campaignId,
  );
  return { db, sink, env, sql, seeded, suppressed, compose };
}

type Composer = (offset: number, count: number) => Promise<unknown[]>;

/**
 * The engine's own messages for baseline recipients: composeMessage (compose.ts) with the campaign's
 * content, sender, postal address and links, for contacts that exist only here (`raw<i>@bench.test`,
 * the seeded contacts' name and attributes). Rendering is not part of the baseline: the messages are
 * made before it starts and handed to the senders as files.
 */
async function messageComposer(
  sql: Sql,
  ctx: Parameters<typeof loadBatchSetting>[0],
  campaignId: string,
): Promise<Composer> {
  const campaign = await loadEngineCampaign(ctx.em, campaignId);
  const setting = campaign && (await loadBatchSetting(ctx, campaign));
  if (!campaign?.list_id || !setting) throw new Error('the seeded campaign cannot be composed');
  const [contact] = await sql('select name, attributes from contact limit 1');
  return async (offset, count) => {
    const out: unknown[] = [];
    for (let i = offset; i < offset + count; i++)
      out.push(
        await composeMessage(ctx.config, { ...campaign, list_id: campaign.list_id as string }, setting, {
          id: randomUUID(),
          contact_id: randomUUID(),
          email: `raw${i}@bench.test`,
          name: `Person ${i}`,
          attributes: (contact?.attributes ?? {}) as Record<string, unknown>,
        }),
      );
    return out;
  };
}

/**
 * A baseline (raw-sender.ts): the engine's messages (`compose`), the same number of processes,
 * connections and sends in flight per process as the engine.
 */
async function baseline(
  kind: RawKind,
  sink: CampaignSink,
  compose: Composer,
  toSend: number,
  offset: number,
) {
  const perProcess = Math.ceil(toSend / WORKERS);
  const dir = mkdtempSync(join(tmpdir(), 'postern-bench-raw-'));
  try {
    const files: string[] = [];
    for (let w = 0; w < WORKERS; w++) {
      const file = join(dir, `messages-${w}.json`);
      const n = Math.min(perProcess, toSend - w * perProcess);
      writeFileSync(file, JSON.stringify(await compose(offset + w * perProcess, n)));
      files.push(file);
    }
    const t = performance.now();
    const runs = await Promise.all(
      files.map((file) => rawSender(kind, sink.port, sink.env.MAILBOX_TLS_CA_FILE as string, file)),
    );
    const seconds = (performance.now() - t) / 1000;
    const cpuMs = runs.reduce((n, r) => n + r.cpuMs, 0);
    log(
      `baseline (${kind}): ${toSend} messages in ${round(seconds, 1)} s = ${round(toSend / seconds, 0)}/s, ${round(cpuMs / toSend, 2)} ms CPU each`,
    );
    return { perSecond: toSend / seconds, cpuMsPerMessage: cpuMs / toSend };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The engine: WORKERS worker processes, one campaigns.start job, until the campaign is sent. */
async function engineRun(
  env: Record<string, string>,
  sql: Sql,
  campaignId: string,
  dbUrl: string,
  sink: CampaignSink,
) {
  const before = sink.messages.length;
  for (let i = 0; i < WORKERS; i++)
    started.workers.push(
      await spawnApp('worker', {
        ...env,
        LOG_LEVEL: 'info',
        // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the workers.
        ...(process.env.BENCH_WORKER_NODE_OPTIONS
          ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS }
          : {}),
      }),
    );
  await Promise.all(started.workers.map((w) => w.waitForLine(/worker started/, 30_000)));
  const cpuAt = () => started.workers.reduce((n, w) => n + processTicks(w.proc.pid), 0) * 10;
  const cpuBefore = cpuAt();
  const producer = createQueueClient({
    databaseUrl: dbUrl,
    role: 'producer',
    logger: createLogger({ level: 'silent', name: 'bench' }),
  });
  await producer.start();
  const t = performance.now();
  await producer.send(QUEUES.campaignStart.name, { campaignId });
  let lastLog = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const [c] = await sql('select status, sent, failed, unknown from campaign where id = ?', [campaignId]);
    if (c?.status === 'sent') break;
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log(
        `${c?.status}: ${sink.messages.length - before} received, sent ${c?.sent} failed ${c?.failed} unknown ${c?.unknown}`,
      );
    }
    if (performance.now() - t > 30 * 60_000) throw new Error('the campaign did not finish within 30 minutes');
    if (c?.status === 'paused' || c?.status === 'failed') throw new Error(`campaign ${c?.status}`);
  }
  const endToEnd = (performance.now() - t) / 1000;
  const rss = started.workers.map((w) => rssMb(w.proc.pid, 'VmHWM'));
  const cpuMs = cpuAt() - cpuBefore;
  await producer.stop({ graceful: false });
  return { endToEnd, rss, cpuMs, received: sink.messages.slice(before) };
}

/** Seconds from the first message the sink received to the last. */
function sendingSeconds(received: readonly { at: number }[]): number {
  return Math.max(0.001, ((received.at(-1)?.at ?? 0) - (received[0]?.at ?? 0)) / 1000);
}

async function main() {
  const { db, sink, env, sql, seeded, suppressed, compose } = await prepare();
  if (values['engine-only']) {
    const run = await engineRun(env, sql, seeded.campaignId, db.url, sink);
    console.log(
      JSON.stringify({
        recipients: RECIPIENTS,
        messages_received: run.received.length,
        messages_per_s: round(run.received.length / sendingSeconds(run.received), 1),
        worker_cpu_ms_per_message: round(run.cpuMs / Math.max(1, run.received.length), 3),
        end_to_end_s: round(run.endToEnd, 1),
        duplicates_received: sink.duplicates().length,
        worker_peak_rss_mb: Math.max(...run.rss),
      }),
    );
    return;
  }
  // The machine may be shared: each baseline runs before and after the engine (a sample of up to
  // 30,000 messages each time, offset so every baseline address is new) and the mean is the reference.
  const sample = Math.min(RECIPIENTS - suppressed.length, 30_000);
  const rawBefore = await baseline('nodemailer', sink, compose, sample, 0);
  const mailerBefore = await baseline('mailer', sink, compose, sample, sample);
  const { endToEnd, rss, cpuMs, received } = await engineRun(env, sql, seeded.campaignId, db.url, sink);
  const mailerAfter = await baseline('mailer', sink, compose, sample, 2 * sample);
  const rawAfter = await baseline('nodemailer', sink, compose, sample, 3 * sample);
  const rawPerSecond = (rawBefore.perSecond + rawAfter.perSecond) / 2;
  const rawCpu = (rawBefore.cpuMsPerMessage + rawAfter.cpuMsPerMessage) / 2;
  const mailerPerSecond = (mailerBefore.perSecond + mailerAfter.perSecond) / 2;
  const sending = sendingSeconds(received);
  const perSecond = received.length / sending;
  const suppressedSet = new Set(suppressed.map((a) => a.toLowerCase()));
  const [counters] = await sql(
    'select recipients, sent, failed, unknown, skipped_suppressed from campaign where id = ?',
    [seeded.campaignId],
  );
  const figures = {
    recipients: RECIPIENTS,
    workers: WORKERS,
    connections_per_worker: SMTP_CONNECTIONS_PER_MAILBOX,
    messages_received: received.length,
    messages_per_s: round(perSecond, 1),
    raw_messages_per_s: round(rawPerSecond, 1),
    raw_before_after: [round(rawBefore.perSecond, 1), round(rawAfter.perSecond, 1)],
    // CPU per message does not depend on what else the machine runs: the fairer comparison when shared.
    worker_cpu_ms_per_message: round(cpuMs / Math.max(1, received.length), 2),
    raw_cpu_ms_per_message: round(rawCpu, 2),
    ratio_over_raw: round(perSecond / rawPerSecond, 3),
    // The second reference: packages/mailer's pooled sender alone (what the engine sends through).
    mailer_messages_per_s: round(mailerPerSecond, 1),
    mailer_before_after: [round(mailerBefore.perSecond, 1), round(mailerAfter.perSecond, 1)],
    mailer_cpu_ms_per_message: round((mailerBefore.cpuMsPerMessage + mailerAfter.cpuMsPerMessage) / 2, 2),
    ratio_over_mailer: round(perSecond / mailerPerSecond, 3),
    end_to_end_s: round(endToEnd, 1),
    sending_s: round(sending, 1),
    suppressed_received: received.filter((m) => suppressedSet.has(m.to)).length,
    duplicates_received: sink.duplicates().length,
    worker_peak_rss_mb: Math.max(...rss),
    worker_rss_mb: rss,
    load_average: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
    counters,
    goals: { ratio_over_raw: 0.7, suppressed_received: 0, duplicates_received: 0, worker_peak_rss_mb: 512 },
  };
  console.log(JSON.stringify(figures));
}

try {
  await main();
} finally {
  await Promise.allSettled(started.workers.map((w) => w.stop()));
  await started.orm?.close(true);
  await started.sink?.close();
  if (process.env.BENCH_KEEP_DB) log(`kept database ${started.db?.url}`);
  else await started.db?.drop();
}
process.exit(0);
