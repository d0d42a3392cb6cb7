// The built dashboard, served by the real API process, driven in a real Chromium. No mocks: the
// status page must show what the API reports, and follow it live when the worker starts.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@postern/db/testing';
import { spawnApp } from '@postern/runtime/testing';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  cspViolations,
  prepareBrowserRun,
  RESULTS,
  recordCspViolations,
  WEB_DIST,
} from './support/browser.ts';
import { startApi } from './support/stack.ts';
import { type Stack, stackEnv, stopStack } from './support/suite.ts';

const LIVE_TIMEOUT = 30_000;

/** Everything a page reported that a user would count as broken. */
interface PageProblems {
  console: string[];
  pageErrors: string[];
  failedRequests: string[];
  badResponses: string[];
}

/** The shell asks who is signed in; for an anonymous visitor the answer is a 401, which is fine. */
const isAnonymousMe = (status: number, url: string) =>
  status === 401 && new URL(url).pathname === '/trpc/auth.me';

function watch(page: Page): PageProblems {
  const problems: PageProblems = { console: [], pageErrors: [], failedRequests: [], badResponses: [] };
  // CSP violations are reported by Chromium as console errors ("Refused to execute inline script…").
  page.on('console', (message) => {
    if (message.text().includes('status of 401') && isAnonymousMe(401, message.location().url || 'http://x/'))
      return;
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.console.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  page.on('requestfailed', (request) =>
    problems.failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400 && !isAnonymousMe(response.status(), response.url()))
      problems.badResponses.push(`${response.status()} ${response.url()}`);
  });
  return problems;
}

async function statusOf(page: Page, check: string): Promise<string | null> {
  return page
    .getAttribute(`[data-testid="check-${check}"]`, 'data-status', { timeout: 1_000 })
    .catch(() => null);
}

async function overallStatus(page: Page): Promise<string | null> {
  return page.textContent('[data-testid="overall-status"]', { timeout: 1_000 }).catch(() => null);
}

describe('dashboard (built SPA served by the API, in Chromium)', () => {
  const stack: Stack = {};
  let context: BrowserContext | undefined;
  let userDataDir: string | undefined;
  let apiEnv: Record<string, string>;

  beforeAll(async () => {
    await prepareBrowserRun();
    stack.db = await createTestDatabase();
    apiEnv = stackEnv(stack.db, { WEB_DIST });
    stack.api = await startApi(apiEnv);

    userDataDir = await mkdtemp(join(tmpdir(), 'postern-web-e2e-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1360, height: 900 },
    });
    await recordCspViolations(context);
  });

  afterAll(() => stopStack(stack, { contexts: [context], dirs: [userDataDir] }));

  it('sends a visitor from / to sign-in; /status follows the health live as the worker starts', {
    timeout: 90_000,
  }, async () => {
    if (!stack.api || !context) throw new Error('setup failed');
    const page = await context.newPage();
    const problems = watch(page);

    await page.goto(`${stack.api.url}/`);
    await page.waitForURL(`${stack.api.url}/sign-in`);
    await page.getByTestId('sign-in-form').waitFor();
    await page.goto(`${stack.api.url}/status`);
    expect(new URL(page.url()).pathname).toBe('/status');
    await expect.poll(() => page.title()).toBe('Status · Postern');
    await expect(page.getByRole('link', { name: 'Status' }).first().isVisible()).resolves.toBe(true);

    // API up, no worker yet.
    await page.waitForSelector('[data-testid="check-database"]', { timeout: LIVE_TIMEOUT });
    expect(await statusOf(page, 'api')).toBe('ok');
    expect(await statusOf(page, 'database')).toBe('ok');
    expect(await statusOf(page, 'migrations')).toBe('ok');
    expect(await statusOf(page, 'redis')).toBe('ok');
    expect(await statusOf(page, 'worker')).toBe('down');
    expect(await overallStatus(page)).toBe('degraded');
    expect(await page.textContent('[data-testid="check-redis"]')).toContain('Redis');
    expect(await page.textContent('[data-testid="check-worker-detail"]')).toMatch(/heartbeat/);
    expect(await page.textContent('[data-testid="check-database-latency"]')).toMatch(/ms$/);
    expect(await page.textContent('[data-testid="health-version"]')).toMatch(/\S/);
    expect(await page.textContent('[data-testid="health-uptime"]')).toMatch(/^\d+[smhd]/);
    expect(await page.textContent('[data-testid="health-updated"]')).toMatch(/just now|\d+s ago/);
    await page.screenshot({ path: join(RESULTS, 'status-degraded.png'), fullPage: true });

    // Mark this document: if the page were reloaded, the marker would be gone.
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });

    stack.worker = await spawnApp('worker', {
      DATABASE_URL: apiEnv.DATABASE_URL ?? '',
      WORKER_POLL_SECONDS: '0.5',
    });

    await expect.poll(() => statusOf(page, 'worker'), { timeout: LIVE_TIMEOUT, interval: 250 }).toBe('ok');
    await expect.poll(() => overallStatus(page), { timeout: LIVE_TIMEOUT, interval: 250 }).toBe('ok');
    expect(await page.textContent('[data-testid="check-worker-detail"]')).toMatch(/1 worker\(s\) alive/);
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    expect(new URL(page.url()).pathname).toBe('/status');

    await page.screenshot({ path: join(RESULTS, 'status.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(RESULTS, 'status-mobile.png'), fullPage: true });

    expect(await cspViolations(page)).toEqual([]);
    expect(problems).toEqual({ console: [], pageErrors: [], failedRequests: [], badResponses: [] });
    await page.close();
  });

  it('serves client routes loaded directly (SPA fallback) and a 404 page for unknown ones', async () => {
    if (!stack.api || !context) throw new Error('setup failed');
    const page = await context.newPage();
    const problems = watch(page);

    const response = await page.goto(`${stack.api.url}/status`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('[data-testid="check-api"][data-status="ok"]', { timeout: LIVE_TIMEOUT });
    expect(new URL(page.url()).pathname).toBe('/status');

    const unknown = await page.goto(`${stack.api.url}/no/such/page`);
    expect(unknown?.status()).toBe(200);
    await page.waitForSelector('[data-testid="not-found"]');
    expect(await page.textContent('[data-testid="not-found"]')).toContain('/no/such/page');
    await expect.poll(() => page.title()).toBe('Page not found · Postern');
    await page.screenshot({ path: join(RESULTS, 'not-found.png') });

    // The 404 page links back into the app without a full reload.
    await page.getByRole('link', { name: 'Go to system status' }).click();
    await page.waitForURL(`${stack.api.url}/status`);
    await page.waitForSelector('[data-testid="overall-status"]', { timeout: LIVE_TIMEOUT });

    expect(await cspViolations(page)).toEqual([]);
    expect(problems).toEqual({ console: [], pageErrors: [], failedRequests: [], badResponses: [] });
    await page.close();
  });

  it('says so when the API goes away, keeps retrying, and recovers when it is back', {
    timeout: 90_000,
  }, async () => {
    if (!stack.api || !context) throw new Error('setup failed');
    const page = await context.newPage();
    await page.goto(`${stack.api.url}/status`);
    await page.waitForSelector('[data-testid="check-database"][data-status="ok"]', { timeout: LIVE_TIMEOUT });

    const port = new URL(stack.api.url).port;
    await stack.api.stop('SIGTERM');
    await page.waitForSelector('[data-testid="health-stale"]', { timeout: LIVE_TIMEOUT });
    expect(await page.textContent('[data-testid="overall-banner"]')).toContain('Reconnecting');
    await page.screenshot({ path: join(RESULTS, 'status-connection-lost.png'), fullPage: true });

    stack.api = await startApi({ ...apiEnv, PORT: port });
    await page.waitForSelector('[data-testid="health-stale"]', { state: 'detached', timeout: LIVE_TIMEOUT });
    // Fresh figures from the new process: its uptime restarted from zero.
    expect(await statusOf(page, 'database')).toBe('ok');
    expect(await page.textContent('[data-testid="health-uptime"]')).toMatch(/^\d+s$/);
    await page.close();
  });
});
