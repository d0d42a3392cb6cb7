// The workspace home, the account's security log, the workspace setting that requires two-factor
// authentication, the promotion confirmation, the themes and the development mail viewer, in Chromium
// against the built dashboard served by the real API (the worker starts midway, so the home page's
// "worker down" warning is seen to come and go).
import { readFile } from 'node:fs/promises';
import { createTestDatabase } from '@postern/db/testing';
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { launchChromium, prepareBrowserRun, shot, WEB_DIST } from './support/browser.ts';
import { mailLink } from './support/mail.ts';
import { PASSWORD, submitSignUp, UI_TIMEOUT, WORKSPACE_PATH } from './support/page-checks.ts';
import { makeMailDir, startApi, startMailWorker } from './support/stack.ts';
import { freshSecret, openPages, type Stack, saveFailure, stackEnv, stopStack } from './support/suite.ts';
import { mutate } from './support/trpc.ts';

const stamp = Date.now();
const ownerEmail = `hana.${stamp}@example.com`;
const memberEmail = `milo.${stamp}@example.com`;

function totpNow(secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate();
}

/** Turns on two-factor authentication for the page's account (through the API, as the page would). */
async function enrolTwoFactor(page: Page) {
  const enrolled = await mutate<{ secret: string }>(page, 'account.enrolTwoFactor', { password: PASSWORD });
  await mutate(page, 'account.activateTwoFactor', { code: totpNow(enrolled.secret) });
}

const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);
const bodyBackground = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

describe('home, security log, two-factor requirement, themes and mail viewer (built SPA, Chromium)', () => {
  const stack: Stack = {};
  const contexts: BrowserContext[] = [];
  const story = { workspaceId: '' };
  let env: Record<string, string> = {};
  let owner: Page;
  let member: Page;

  const url = (path: string) => `${stack.api?.url}${path}`;

  async function newPage(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
    const context = await (stack.browser as Browser).newContext({
      viewport: { width: 1360, height: 900 },
      acceptDownloads: true,
      colorScheme: options.colorScheme ?? 'light',
    });
    contexts.push(context);
    return context.newPage();
  }

  beforeAll(async () => {
    await prepareBrowserRun();
    stack.mailDir = await makeMailDir();
    stack.db = await createTestDatabase();
    env = stackEnv(stack.db, { POSTERN_SECRET: freshSecret() });
    // The API reads the worker's mail folder for the development mail viewer.
    stack.api = await startApi({
      ...env,
      WEB_DIST,
      MAIL_DIR: stack.mailDir,
      WORKER_HEARTBEAT_STALE_MS: '3000',
    });
    stack.browser = await launchChromium();
    owner = await newPage();
  });

  afterEach((test) => saveFailure(test, 'failed-home', openPages(contexts), stack));
  afterAll(() => stopStack(stack, { contexts }));

  it('sends a signed-out visitor opening / to sign-in', async () => {
    const visitor = await newPage();
    await visitor.goto(url('/'));
    await visitor.waitForURL((u) => u.pathname === '/sign-in', { timeout: UI_TIMEOUT });
    await visitor.getByTestId('sign-in-form').waitFor();
  });

  it("lands on the workspace home: the plan's limits, the checklist, and the worker's absence", {
    timeout: 60_000,
  }, async () => {
    await submitSignUp(owner, url(''), ownerEmail);
    await owner.waitForURL((u) => WORKSPACE_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    story.workspaceId = WORKSPACE_PATH.exec(new URL(owner.url()).pathname)?.[1] ?? '';
    await owner.getByTestId('home-usage').waitFor({ timeout: UI_TIMEOUT });
    // Starter: a burst of 100 refilled at 60 a minute; no monthly maximum anywhere.
    expect(await owner.getByTestId('home-burst').textContent()).toMatch(/^100\s*\/\s*100$/);
    expect(await owner.getByTestId('home-per-minute').textContent()).toMatch(/^60\s*per minute$/);
    expect(await owner.getByTestId('home-usage').textContent()).not.toMatch(/2,678,400|this month \//);
    for (const step of ['two_factor', 'api_key', 'first_check', 'first_bulk_job', 'webhook'])
      expect(await owner.getByTestId(`step-${step}`).getAttribute('data-done')).toBe('false');
    expect(await owner.getByTestId('home-jobs-empty').count()).toBe(1);
    // No worker yet: the home page says so (from the health check the Status page shows).
    await owner.getByTestId('home-warning-worker').waitFor({ timeout: UI_TIMEOUT });

    stack.worker = await startMailWorker(env, stack.mailDir ?? '');
    await owner.getByTestId('home-system-ok').waitFor({ timeout: 30_000 });
    expect(await owner.getByTestId('home-warning-worker').count()).toBe(0);
  });

  it('ticks the checklist from real data, each open step linking to where it is done', {
    timeout: 45_000,
  }, async () => {
    const workspaceId = story.workspaceId;
    await mutate(owner, 'apiKeys.create', { workspaceId, name: 'CI', scopes: ['validate:write'] });
    await mutate(owner, 'validation.check', { workspaceId, email: 'not-an-address' });
    await owner.reload();
    await owner.getByTestId('home-checklist').waitFor({ timeout: UI_TIMEOUT });
    await expect
      .poll(() => owner.getByTestId('step-api_key').getAttribute('data-done'), { timeout: UI_TIMEOUT })
      .toBe('true');
    expect(await owner.getByTestId('step-first_check').getAttribute('data-done')).toBe('true');
    expect(await owner.getByTestId('step-first_bulk_job-link').getAttribute('href')).toBe(
      `/w/${workspaceId}/jobs/new`,
    );
    await owner.getByTestId('step-webhook-link').click();
    await owner.waitForURL(url(`/w/${workspaceId}/webhooks`), { timeout: UI_TIMEOUT });
  });

  it('shows the account security log, failed attempts included, and exports it as CSV', {
    timeout: 45_000,
  }, async () => {
    const intruder = await newPage();
    await intruder.goto(url('/sign-in'));
    await intruder.getByLabel('Email address').fill(ownerEmail);
    await intruder.getByLabel('Password', { exact: true }).fill('Not-The-Password-9');
    await intruder.getByTestId('sign-in-submit').click();
    await intruder.getByRole('alert').first().waitFor({ timeout: UI_TIMEOUT });

    await owner.goto(url('/settings/security'));
    const failed = owner.locator('[data-testid="security-log-row"][data-event="auth.login_failed"]');
    await failed.first().waitFor({ timeout: UI_TIMEOUT });
    expect(await failed.first().textContent()).toMatch(/Sign-in failed: wrong password/);
    const signedIn = owner.locator('[data-testid="security-log-row"][data-event="auth.login_succeeded"]');
    expect(await signedIn.first().getByTestId('log-device').textContent()).toMatch(/Chrom/);

    const download = owner.waitForEvent('download');
    await owner.getByTestId('security-log-export').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^security-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await file.path()) as string, 'utf8');
    expect(csv.split('\n')[0]).toBe('occurredAt,eventType,ip,location,device,details');
    expect(csv).toContain('auth.login_failed');
    expect(csv).toContain('auth.signed_up');
  });

  it('asks a member without two-factor to enrol before opening a workspace that requires it', {
    timeout: 90_000,
  }, async () => {
    const workspaceId = story.workspaceId;
    member = await newPage();
    await submitSignUp(member, url(''), memberEmail);
    await member.waitForURL((u) => WORKSPACE_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    await mutate(owner, 'members.invite', { workspaceId, email: memberEmail, role: 'member' });
    const link = await mailLink(
      stack.mailDir ?? '',
      memberEmail,
      /https?:\/\/[^\s"<>]+\/invitations\/accept\?token=[\w%-]+/,
    );
    await member.goto(link);
    await member.getByTestId('accept-invitation').click({ timeout: UI_TIMEOUT });
    await member.waitForURL(url(`/w/${workspaceId}/members`), { timeout: UI_TIMEOUT });

    // The owner (with two-factor on) requires it, after a confirmation.
    await enrolTwoFactor(owner);
    await owner.goto(url(`/w/${workspaceId}/settings`));
    await owner.getByTestId('require-two-factor-toggle').click({ timeout: UI_TIMEOUT });
    await owner.getByTestId('require-two-factor-dialog-confirm').click();
    await owner.getByTestId('require-two-factor-notice').waitFor({ timeout: UI_TIMEOUT });
    await expect
      .poll(() => owner.getByTestId('require-two-factor-state').textContent(), { timeout: UI_TIMEOUT })
      .toBe('Required');

    // The member is asked to enrol; the server refuses them too, with a code of its own.
    await member.goto(url(`/w/${workspaceId}/home`));
    await member.getByTestId('workspace-two-factor-required').waitFor({ timeout: UI_TIMEOUT });
    for (const colorScheme of ['dark', 'light'] as const) {
      await member.emulateMedia({ colorScheme });
      // Links fade to the new theme's colours (transition-colors, 150 ms): check the end state.
      await member.waitForTimeout(400);
      await expectAccessible(member, `two-factor prompt, ${colorScheme} theme`);
    }
    const refused = await member.evaluate(async (id) => {
      const input = encodeURIComponent(JSON.stringify({ workspaceId: id }));
      const response = await fetch(`/trpc/home.overview?input=${input}`);
      return { status: response.status, body: await response.text() };
    }, workspaceId);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('"code":"TWO_FACTOR_REQUIRED"');

    await member.getByTestId('enrol-two-factor-link').click();
    await member.getByTestId('two-factor-asked').waitFor({ timeout: UI_TIMEOUT });
    await enrolTwoFactor(member);
    await member.reload();
    await member.getByTestId('two-factor-back').getByRole('link').click({ timeout: UI_TIMEOUT });
    await member.getByTestId('home-page').waitFor({ timeout: UI_TIMEOUT });
    expect(new URL(member.url()).pathname).toBe(`/w/${workspaceId}/home`);
  });

  it('asks before promoting a member to admin', { timeout: 45_000 }, async () => {
    await owner.goto(url(`/w/${story.workspaceId}/members`));
    const row = owner.locator(`[data-testid="members-row"][data-email="${memberEmail}"]`);
    const select = row.getByTestId('member-role-select');
    await select.selectOption('admin', { timeout: UI_TIMEOUT });
    await expectAccessible(owner, 'promotion dialog', '[data-testid="promote-dialog"]');
    await owner.getByTestId('promote-dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(await select.inputValue()).toBe('member');
    await select.selectOption('admin');
    await owner.getByTestId('promote-dialog-confirm').click();
    await owner.getByTestId('members-notice').waitFor({ timeout: UI_TIMEOUT });
    expect(await select.inputValue()).toBe('admin');
    // Demoting needs no confirmation.
    await select.selectOption('viewer');
    await expect
      .poll(() => owner.getByTestId('members-notice').textContent(), { timeout: UI_TIMEOUT })
      .toContain('is now viewer');
  });

  it('follows the system theme, switches with the toggle and keeps the choice with no flash', {
    timeout: 45_000,
  }, async () => {
    const page = await newPage({ colorScheme: 'dark' });
    await page.goto(url('/status'));
    await page.getByTestId('theme-toggle').first().waitFor({ timeout: UI_TIMEOUT });
    expect(await theme(page)).toBe('dark');
    const dark = await bodyBackground(page);
    await page.locator('[data-testid="theme-light"]:visible').click();
    expect(await theme(page)).toBe('light');
    expect(await bodyBackground(page)).not.toBe(dark);
    await page.reload();
    expect(await theme(page)).toBe('light');
    expect(await page.evaluate(() => localStorage.getItem('postern.theme'))).toBe('light');

    // Chosen dark on a light system: dark before the app's script has even arrived.
    await page.emulateMedia({ colorScheme: 'light' });
    await page.locator('[data-testid="theme-dark"]:visible').click();
    await page.route(/\/assets\/index-[\w-]+\.js$/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    // Parsed and styled, the app's module still on its way (DOMContentLoaded would wait for it).
    await page.goto(url('/status'), { waitUntil: 'commit' });
    await page.waitForFunction(
      () =>
        document.readyState !== 'loading' &&
        getComputedStyle(document.body).backgroundColor !== 'rgba(0, 0, 0, 0)',
    );
    expect(await page.evaluate(() => document.getElementById('root')?.childElementCount)).toBe(0);
    expect(await theme(page)).toBe('dark');
    expect(await bodyBackground(page)).toBe(dark);
    // The app arrives after all (the delayed request went through), and the choice can go back to system.
    await page.locator('[data-testid="theme-system"]:visible').click({ timeout: UI_TIMEOUT });
    await page.unroute(/\/assets\/index-[\w-]+\.js$/);

    // Pictures of the home and security pages in both themes (test-results/).
    for (const colorScheme of ['light', 'dark'] as const) {
      await owner.emulateMedia({ colorScheme });
      await owner.goto(url(`/w/${story.workspaceId}/home`));
      await owner.getByTestId('home-checklist').waitFor({ timeout: UI_TIMEOUT });
      await shot(owner, `home-${colorScheme}.png`);
      await owner.goto(url('/settings/security'));
      await owner.getByTestId('security-log-table').waitFor({ timeout: UI_TIMEOUT });
      await shot(owner, `security-log-${colorScheme}.png`);
    }
    expect(await theme(page)).toBe('light');
    expect(await page.evaluate(() => localStorage.getItem('postern.theme'))).toBeNull();
  });

  it('shows captured development mail with links that open as sent', { timeout: 45_000 }, async () => {
    const page = await newPage();
    await page.goto(url('/dev/mail'));
    await page.getByTestId('dev-mail-open').waitFor({ timeout: UI_TIMEOUT });
    const item = page
      .getByTestId('mail-item')
      .filter({ hasText: memberEmail })
      .filter({ hasText: /confirm/i });
    await item.first().click();
    const link = page.getByTestId('mail-link').filter({ hasText: '/verify-email?token=' });
    const href = (await link.first().getAttribute('href')) ?? '';
    expect(href).toMatch(/\/verify-email\?token=[\w-]{20,}$/);
    expect(await page.getByTestId('mail-html').getAttribute('sandbox')).toBe(
      'allow-popups allow-popups-to-escape-sandbox',
    );
    await link.first().click();
    await page.waitForURL((u) => u.pathname === '/verify-email', { timeout: UI_TIMEOUT });
  });
});
