import { createTestDatabase } from '@postern/db/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer } from '../../../packages/validator/test/support/dns-server.ts';
import {
  startSmtpServer,
  type TestSmtpServer,
} from '../../../packages/validator/test/support/smtp-servers.ts';
import { expectAccessible } from './support/axe.ts';
import { launchChromium, prepareBrowserRun, shot, WEB_DIST } from './support/browser.ts';
import {
  expectClean,
  type PageProblems,
  signUpIntoWorkspace,
  UI_TIMEOUT,
  watch,
} from './support/page-checks.ts';
import { startApi } from './support/stack.ts';
import { freshSecret, probeEnv, type Stack, saveFailure, stackEnv, stopStack } from './support/suite.ts';

const CHECK_PATH = /^\/w\/([0-9a-f-]{36})\/check$/;

describe('check an address (built SPA, real API, local DNS and SMTP, Chromium)', () => {
  const stack: Stack = {};
  let smtp: TestSmtpServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: PageProblems;

  const url = (path: string) => `${stack.api?.url}${path}`;
  const result = () => page.getByTestId('check-result');

  /** The verdict the result card shows: its status (attribute and words), its reason and its advice. */
  async function expectVerdict(status: string, label: string, reason: string, action: string) {
    expect(await result().getAttribute('data-status')).toBe(status);
    expect(await page.getByTestId('result-status').textContent()).toBe(label);
    expect(await page.getByTestId('result-reason').textContent()).toContain(reason);
    expect(await page.getByTestId('result-action').textContent()).toContain(action);
  }

  /** Types an address, submits, and waits for the answer about it (or for the refusal). */
  async function check(email: string, outcome: 'result' | 'error' = 'result') {
    await page.getByTestId('check-email').fill(email);
    await page.getByTestId('check-submit').click();
    if (outcome === 'error') await page.getByTestId('check-error').waitFor({ timeout: UI_TIMEOUT });
    else
      await expect
        .poll(() => page.locator('[data-testid="check-result"] [data-testid="result-email"]').textContent(), {
          timeout: UI_TIMEOUT,
        })
        .toBe(email.trim());
  }

  beforeAll(async () => {
    await prepareBrowserRun();
    smtp = await startSmtpServer({
      name: 'mx.smtp-mail.com',
      mailboxes: { someone: 'accept', gone: 'not_found' },
      otherwise: 'not_found',
    });
    stack.dns = await startDnsServer({
      'example-mail.com': { mx: [{ exchange: 'mx.example-mail.com', priority: 10 }] },
      // The probe connects to MX hosts by name through the system resolver: an address keeps it local.
      'smtp-mail.com': { mx: [smtp.mx] },
      'gmail.com': { mx: [{ exchange: 'gmail-smtp-in.l.google.com', priority: 5 }] },
      'gmial.com': { mx: [{ exchange: 'mx.gmial.com', priority: 10 }] },
      // MX hosts need an address: an MX whose hosts have none is a dangling MX (no_mail_host).
      'mx.example-mail.com': { a: ['192.0.2.25'] },
      'mx.gmial.com': { a: ['192.0.2.26'] },
    });
    stack.db = await createTestDatabase();
    stack.api = await startApi(
      stackEnv(stack.db, {
        WEB_DIST,
        // Results are cached (in the shared test Redis) under a key derived from the secret: a fresh
        // secret makes this run's first checks real ones.
        POSTERN_SECRET: freshSecret(),
        DNS_SERVERS: stack.dns.address,
        DNS_TIMEOUT_MS: '2000',
        ...probeEnv(String(smtp.port)),
        SMTP_PROBE_TIMEOUT_MS: '5000',
      }),
    );
    stack.browser = await launchChromium();
    context = await stack.browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    problems = watch(page);
  });

  afterEach((test) => saveFailure(test, 'failed-check', [page], stack));

  afterAll(() => stopStack(stack, { contexts: [context], servers: [smtp] }));

  it('opens the page from the navigation, empty, saying nothing is stored', async () => {
    await signUpIntoWorkspace(page, url(''), `nora.${Date.now()}@example.com`);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Check address' }).click();
    await page.waitForURL((u) => CHECK_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    await page.getByTestId('check-empty').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('not-stored').textContent()).toContain('Checked in memory; not stored');
    expect(await page.getByTestId('check-example').allTextContents()).toContain('ann@gmial.com');
    expect(await page.getByTestId('depth-standard').isChecked()).toBe(true);
    await expect.poll(() => page.title()).toMatch(/^Check an address · .+ · Postern$/);
    // Submitting nothing is caught here.
    await page.getByTestId('check-submit').click();
    await page.getByText('Enter an address to check.').waitFor();
    await shot(page, 'check-empty.png');
  });

  it('explains a domain that does not exist', async () => {
    await check('someone@no-such-domain-here.com');
    await expectVerdict('undeliverable', 'Undeliverable', 'The domain does not exist', 'Reject');
    expect(await page.getByTestId('dns-outcome').textContent()).toContain('NXDOMAIN');
    expect(await page.getByTestId('evidence-smtp').textContent()).toContain('standard depth');
    // Answered by the local server, not the network.
    expect(stack.dns?.queries('no-such-domain-here.com')).toBeGreaterThan(0);
    await shot(page, 'check-undeliverable.png');
  });

  it('explains an address that is not one', async () => {
    await check('not-an-address');
    expect(await result().getAttribute('data-reason')).toBe('invalid_syntax');
    expect(await page.getByTestId('result-status').textContent()).toBe('Undeliverable');
    const reason = await page.getByTestId('result-reason').textContent();
    expect(reason).toContain('Not a valid email address');
    expect(reason).toContain('There is no @ sign');
    const syntax = await page.getByTestId('evidence-syntax').textContent();
    expect(syntax).toContain('Invalid');
    expect(syntax).toContain('no_at_sign');
    expect(await page.getByTestId('evidence-dns').textContent()).toContain('Not looked up');
    await shot(page, 'check-invalid-syntax.png');
  });

  it('finds the mail host of a deliverable address, then serves it from the cache', async () => {
    await check('someone@example-mail.com');
    await expectVerdict('deliverable', 'Deliverable', 'The domain receives mail', 'Accept');
    expect(await page.getByTestId('mx-hosts').textContent()).toContain('mx.example-mail.com');
    expect(await page.getByTestId('result-flag').allTextContents()).toEqual(['MX']);
    expect(await page.getByTestId('result-cached').count()).toBe(0);
    await shot(page, 'check-deliverable.png');

    await check('someone@example-mail.com');
    await page.getByTestId('result-cached').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('result-cached').textContent()).toContain('Served from cache');
  });

  it('suggests the fix for a typo, and checks it when clicked', async () => {
    await check('ann@gmial.com');
    expect(await result().getAttribute('data-reason')).toBe('possible_typo');
    expect(await page.getByTestId('result-status').textContent()).toBe('Risky');
    expect(await page.getByTestId('result-suggestion').textContent()).toContain(
      'Did you mean ann@gmail.com?',
    );
    await shot(page, 'check-typo.png');
    await expectAccessible(page, 'check: a typo and its suggestion', '[data-testid="check-page"]');

    await page.getByTestId('suggestion-button').click();
    await expect.poll(() => page.getByTestId('result-email').textContent()).toBe('ann@gmail.com');
    expect(await page.getByTestId('check-email').inputValue()).toBe('ann@gmail.com');
    expect(await result().getAttribute('data-status')).toBe('deliverable');
    expect(await page.getByTestId('result-flag').allTextContents()).toContain('Free provider');
    expect(await page.getByTestId('result-suggestion').count()).toBe(0);
    expect(stack.dns?.queries('gmail.com', 'MX')).toBeGreaterThan(0);
  });

  it('shows the SMTP evidence of an enhanced check', async () => {
    await page.getByTestId('depth-enhanced').check();
    await check('gone@smtp-mail.com');
    expect(await result().getAttribute('data-reason')).toBe('mailbox_not_found');
    expect(await page.getByTestId('result-reason').textContent()).toContain('The mailbox does not exist');
    const evidence = await page.getByTestId('evidence-smtp').textContent();
    expect(evidence).toContain('127.0.0.1');
    expect(evidence).toContain('550');
    expect(evidence).toContain('5.1.1');
    expect(evidence).toContain('User unknown');
    expect(smtp?.rcpts.map((rcpt) => rcpt.toLowerCase())).toContain('gone@smtp-mail.com');
    await shot(page, 'check-enhanced.png');
  });

  it('says why the API refused to check, and leaves nothing broken', async () => {
    await check(`${'a'.repeat(600)}@example-mail.com`, 'error');
    const error = page.getByTestId('check-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('The address was refused before checking');
    expect(await error.textContent()).toContain('512');
    expect(await result().count()).toBe(0);
    await shot(page, 'check-error.png');
    await expectAccessible(page, 'check: the address refused', '[data-testid="check-page"]');

    // Refusals on purpose: the visitor's `auth.me` before signing up, and the address that is too long.
    expectClean(problems, /^(401 \/trpc\/auth\.me|422 \/trpc\/validation\.check)$/);
  });
});
