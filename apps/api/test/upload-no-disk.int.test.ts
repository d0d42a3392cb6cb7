// "An upload is never written to disk", proved while it happens rather than by what is left after
// (issue #25: a temp file written and deleted in `finally` passed the after-the-fact check). A real
// API process runs under Node's permission model with file reads allowed and no file writes at all
// (`--permission --allow-fs-read=*`): any write — a temp file, a spool under the working directory,
// anywhere — throws ERR_ACCESS_DENIED inside the upload path and the upload fails. Its TMPDIR is also
// a fresh folder watched (recursively) during a large bulk upload: no entry may ever appear in it.
import { type FSWatcher, watch } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, generatedLines, multipartStream, rawRequest } from './support/bulk.ts';
import { type Harness, newAccount, startHarness } from './support/harness.ts';

const MB = 1024 * 1024;
const NO_WRITES = '--permission --allow-fs-read=* --allow-addons';
let h: Harness;
let api: SpawnedApp | undefined;
let key = '';
let tempDir = '';

beforeAll(async () => {
  // The harness (in this process) signs up and creates the key; the upload goes to the real process.
  h = await startHarness();
  key = await createApiKey(await newAccount(h.app));
  tempDir = await mkdtemp(join(tmpdir(), 'postern-upload-tmp-'));
  api = await spawnApp('api', {
    DATABASE_URL: h.db.url,
    WEB_DIST: '/nonexistent',
    TMPDIR: tempDir,
    NODE_OPTIONS: NO_WRITES,
  });
  await api.waitForLine(/api ready/, 60_000);
  await waitForHttp(`${api.url}/healthz`);
});

afterAll(async () => {
  try {
    await api?.stop();
    await h?.close();
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
});

const line = (i: number) =>
  i === 0 ? 'email' : i % 100 === 0 ? `disk${i}@postern-disk.com` : `row ${i} no address`;

describe('an upload is never written to disk', () => {
  it('the API process runs with file writes denied', async () => {
    const pid = api?.proc.pid as number;
    const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
    expect(environ).toContain(`NODE_OPTIONS=${NO_WRITES}`);
    expect(environ).toContain(`TMPDIR=${tempDir}`);
  });

  it('a 16 MB bulk upload is accepted with no write allowed and nothing created in TMPDIR', async () => {
    const created: string[] = [];
    const watcher: FSWatcher = watch(tempDir, { recursive: true }, (event, name) =>
      created.push(`${event} ${name}`),
    );
    try {
      const body = multipartStream(
        [['depth', 'standard']],
        { filename: 'big.csv' },
        generatedLines(16 * MB, line),
      );
      const res = await rawRequest(`${api?.url}/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': body.contentType },
        body: body.stream,
      });
      expect(res.status, res.text).toBe(201);
      const job = JSON.parse(res.text);
      expect(job.summary.bytes).toBeGreaterThanOrEqual(16 * MB);
      expect(job.total).toBeGreaterThan(1000);
      // Let the last events of the watcher arrive.
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      watcher.close();
    }
    expect(created).toEqual([]);
    expect(await readdir(tempDir)).toEqual([]);
    expect(api?.lines.filter((l) => /ERR_ACCESS_DENIED/.test(l)) ?? []).toEqual([]);
  }, 60_000);
});
