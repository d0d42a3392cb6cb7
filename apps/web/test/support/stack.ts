// Shared by the Chromium e2e suites: the real API and worker processes.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';

/** Starts the API process and waits until it answers its health check. */
export async function startApi(env: Record<string, string>): Promise<SpawnedApp> {
  const api = await spawnApp('api', env);
  await waitForHttp(`${api.url}/healthz`);
  return api;
}

/** A fresh folder the worker delivers mail into (as .eml files). */
export function makeMailDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'postern-web-mail-'));
}

/** Starts the worker, delivering mail into `mailDir`. */
export function startMailWorker(env: Record<string, string>, mailDir: string): Promise<SpawnedApp> {
  return spawnApp('worker', { ...env, MAIL_DIR: mailDir, WORKER_POLL_SECONDS: '0.5' });
}
