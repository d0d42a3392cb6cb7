// The API's memory stays flat while a large upload streams through it: a generated 64 MB file (made
// on demand, never held whole by the client either) is piped as a multipart body into a real API
// process, whose resident set size (/proc/<pid>/status, VmRSS) is sampled throughout.
//
// A warm-up upload first brings the process to its steady state (V8 touches its heap pages once;
// RSS then plateaus, whatever the size); from there the 64 MB upload must leave RSS within what
// garbage awaiting a collection explains, over the whole upload and over its second half: buffering
// the file whole, in any form, would add several times its size.
import { readFile } from 'node:fs/promises';
import { type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, createApiKey, generatedLines, multipartStream, rawRequest } from './support/bulk.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';

const MB = 1024 * 1024;
const SIZE = 64 * MB;
let h: Harness;
let api: SpawnedApp;
let account: Account;
let key = '';

beforeAll(async () => {
  // The harness (in this process) signs up and creates the key; the uploads go to a real API process.
  h = await startHarness();
  account = await newAccount(h.app);
  key = await createApiKey(account);
  api = await spawnApp('api', { DATABASE_URL: h.db.url, WEB_DIST: '/nonexistent' });
  await api.waitForLine(/api ready/, 60_000);
  await waitForHttp(`${api.url}/healthz`);
});

afterAll(async () => {
  await api?.stop();
  await h?.close();
});

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) * 1024;
}

/** Mostly rows without an address (counted, not stored); one in 200 is a real one. A plain list. */
const line = (i: number) =>
  i === 0
    ? 'email'
    : i % 200 === 0
      ? `mem${i}@postern-mem.com`
      : `row ${i} holds no address and no delimiter (a plain list) just words to make the file large ${'-'.repeat(80)}`;

async function send(bytes: number, progress = { sent: 0 }) {
  const body = multipartStream(
    [['depth', 'standard']],
    { filename: 'big.txt' },
    generatedLines(bytes, line),
    progress,
  );
  return rawRequest(`${api.url}/v1/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': body.contentType },
    body: body.stream,
  });
}

describe('memory while a large upload streams', () => {
  it(`the API process's RSS stays flat while ${SIZE / MB} MB stream through it`, async () => {
    const pid = api.proc.pid as number;
    expect((await send(30 * MB)).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const before = await rssOf(pid);
    const progress = { sent: 0 };
    const samples: { sent: number; rss: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push({ sent: progress.sent, rss: await rssOf(pid) });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const started = Date.now();
    const res = await send(SIZE, progress);
    sampling = false;
    await sampler;
    samples.push({ sent: progress.sent, rss: await rssOf(pid) });
    const seconds = (Date.now() - started) / 1000;

    expect(res.status).toBe(201);
    const job = JSON.parse(res.text);
    expect(job.summary.bytes).toBeGreaterThanOrEqual(SIZE);
    expect(job.total).toBeGreaterThan(1500);
    const peak = (list: typeof samples) => Math.max(before, ...list.map((s) => s.rss));
    const growth = (peak(samples) - before) / MB;
    const secondHalf =
      (peak(samples.filter((s) => s.sent > SIZE / 2)) - peak(samples.filter((s) => s.sent <= SIZE / 2))) / MB;
    const report = `peak RSS growth ${growth.toFixed(1)} MB (second half ${secondHalf.toFixed(1)} MB) over ${(before / MB).toFixed(0)} MB, ${seconds.toFixed(1)} s`;
    // Chunks already parsed wait for V8 to collect them (it lets Buffer memory grow by up to 64 MiB
    // before it forces a collection), so some growth may land in either half; a buffering variant
    // grew by ~340 MB over this upload, several times the file.
    expect(growth, report).toBeLessThan(80);
    expect(secondHalf, report).toBeLessThan(48);
  }, 60_000);
});
