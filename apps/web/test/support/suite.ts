// Shared by the Chromium e2e suites: the environment every stack starts from, what a failed step
// leaves behind to look at, and the teardown, so each suite declares only what it is about.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { testServices } from '@postern/runtime';
import type { SpawnedApp } from '@postern/runtime/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestContext } from 'vitest';
import {
  startDnsServer,
  type TestDnsServer,
  type Zones,
} from '../../../../packages/validator/test/support/dns-server.ts';
import { launchChromium, RESULTS, WEB_DIST } from './browser.ts';
import { makeMailDir, startApi, startMailWorker } from './stack.ts';

/** The settings every API and worker of a suite share, plus the suite's own. */
export function stackEnv(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_URL: db.url, REDIS_URL: testServices().redisUrl, LOG_LEVEL: 'warn', ...extra };
}

/** A fresh secret: nothing is read from another run's cache, and API and worker derive the same keys. */
export function freshSecret(): string {
  return randomBytes(36).toString('base64url');
}

/** SMTP probe settings; the default port is a closed local one (standard depth never probes). */
export function probeEnv(port = '9'): Record<string, string> {
  return {
    SMTP_PROBE_PORT: port,
    SMTP_PROBE_HELO: 'probe.postern-e2e.com',
    SMTP_PROBE_MAIL_FROM: 'probe@postern-e2e.com',
  };
}

/** A domain whose mail host resolves: what sign-ups and standard-depth checks of it need from DNS. */
export const EXAMPLE_MAIL_ZONES: Zones = {
  'example-mail.com': { mx: [{ exchange: 'mx.example-mail.com', priority: 10 }] },
  'mx.example-mail.com': { a: ['192.0.2.25'] },
};

/** The parts of a suite's stack, filled by its beforeAll (each only what it needs). */
export interface Stack {
  db?: TestDatabase;
  dns?: TestDnsServer;
  api?: SpawnedApp;
  worker?: SpawnedApp;
  browser?: Browser;
  /** Where the worker delivers mail. */
  mailDir?: string;
}

/**
 * What a dashboard suite drives: a fresh database, the API serving the built dashboard and the mail
 * worker (both with stackEnv, a fresh POSTERN_SECRET and `extra`), and Chromium (returned). With `dns`,
 * a local DNS server answering those zones first (`stack.dns`), the only resolver API and worker use,
 * so nothing reaches the network. After prepareBrowserRun (and any DNS server of the suite's own).
 */
export async function startWebStack(
  stack: Stack,
  extra: Record<string, string> = {},
  options: { dns?: Zones; dnsTimeoutMs?: number } = {},
): Promise<Browser> {
  if (options.dns) stack.dns = await startDnsServer(options.dns);
  const resolver: Record<string, string> = stack.dns
    ? { DNS_SERVERS: stack.dns.address, DNS_TIMEOUT_MS: String(options.dnsTimeoutMs ?? 2000) }
    : {};
  stack.mailDir = await makeMailDir();
  stack.db = await createTestDatabase();
  const env = stackEnv(stack.db, { POSTERN_SECRET: freshSecret(), ...resolver, ...extra });
  // One after the other: on a busy machine two processes booting at once can keep the API from
  // answering its health check in time. MAIL_DIR: the API's mail viewer reads what the worker delivers.
  stack.api = await startApi({ ...env, WEB_DIST, MAIL_DIR: stack.mailDir });
  stack.worker = await startMailWorker(env, stack.mailDir);
  stack.browser = await launchChromium();
  return stack.browser;
}

/** When a step failed: a picture of every page given and the processes' logs, under `prefix`. */
export async function saveFailure(
  test: TestContext,
  prefix: string,
  pages: readonly (Page | undefined)[],
  stack: Stack = {},
): Promise<void> {
  if (test.task.result?.state !== 'fail') return;
  const name = test.task.name.slice(0, 30).replace(/\W+/g, '-');
  let index = 0;
  for (const page of pages) {
    index += 1;
    await page
      ?.screenshot({ path: join(RESULTS, `${prefix}-${name}-${index}.png`), fullPage: true })
      .catch(() => {});
  }
  for (const [label, app] of [
    ['api', stack.api],
    ['worker', stack.worker],
  ] as const) {
    if (app) await writeFile(join(RESULTS, `${prefix}-${label}.log`), app.lines.join('\n')).catch(() => {});
  }
}

/** Every open page of the contexts, for `saveFailure`. */
export function openPages(contexts: readonly (BrowserContext | undefined)[]): Page[] {
  return contexts.flatMap((context) => context?.pages() ?? []);
}

interface Closable {
  close(): Promise<unknown> | unknown;
}

/** Closes the browser side first, then the processes, the database, the local servers and folders. */
export async function stopStack(
  stack: Stack,
  more: {
    contexts?: readonly (BrowserContext | undefined)[];
    servers?: readonly (Closable | undefined)[];
    dirs?: readonly (string | undefined)[];
  } = {},
): Promise<void> {
  for (const context of more.contexts ?? []) await context?.close().catch(() => {});
  await stack.browser?.close().catch(() => {});
  await stack.worker?.stop('SIGTERM');
  await stack.api?.stop('SIGTERM');
  await stack.db?.drop();
  for (const server of [stack.dns, ...(more.servers ?? [])]) await server?.close();
  for (const dir of [stack.mailDir, ...(more.dirs ?? [])])
    if (dir) await rm(dir, { recursive: true, force: true });
}
