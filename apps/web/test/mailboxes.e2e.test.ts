// Settings → Email accounts in a real browser: the built dashboard served by the real API, a real
// smtp-server (implicit TLS) and Debian's Dovecot (implicit TLS) from @postern/mailer/testing, their
// certificate issued by a throwaway CA the API trusts (MAILBOX_TLS_CA_FILE), at a host name the local
// DNS server resolves to 127.0.0.1 (which MAILBOX_ALLOWED_HOSTS permits). A new owner sees the empty
// state, connects a mailbox with a wrong password (the human error next to the password, the form
// kept, nothing stored), then with the right one; sees it listed connected; opens it, tests it,
// checks its sender authentication (DMARC missing → the record to add, copied → added → passes),
// proves an alias with the code it was sent (and another found in the inbox on its own), sees what a
// viewer and a member see, disconnects it and reconnects it. axe finds no serious or critical
// violation on the list, the connect form and the detail, at 1440 and 390 px.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestCertificates,
  startDovecot,
  startSmtpServer,
  type TestCertificates,
  type TestDovecot,
  type TestSmtpServer,
} from '@postern/mailer/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Zones } from '../../../packages/validator/test/support/dns-server.ts';
import { expectAccessible } from './support/axe.ts';
import { shot } from './support/browser.ts';
import { dashboardSuite } from './support/dashboard-suite.ts';
import { mailLink } from './support/mail.ts';
import { expectClean, signUpIntoWorkspace, UI_TIMEOUT } from './support/page-checks.ts';
import { mutate } from './support/trpc.ts';

const DOMAIN = 'outreach-e2e.com';
const MAIL_HOST = `mail.${DOMAIN}`;
const ADDRESS = `anna@${DOMAIN}`;
const ALIAS = `sales@${DOMAIN}`;
const SECOND_ALIAS = `hello@${DOMAIN}`;
const MAILBOX_PASSWORD = 'e2e-app-password-Quill-7731';
/** A connection test signs in to both servers: TLS handshakes, greetings, logins. */
const TEST_TIMEOUT = 30_000;
const WIDE = { width: 1440, height: 900 };
const NARROW = { width: 390, height: 844 };
const MAILBOX_PATH = /^\/w\/[0-9a-f-]{36}\/mailboxes\/([0-9a-f-]{36})$/;

const zones: Zones = {
  [MAIL_HOST]: { a: ['127.0.0.1'] },
  [DOMAIN]: { txt: ['v=spf1 a:mail.outreach-e2e.com ~all'] },
  [`google._domainkey.${DOMAIN}`]: { txt: ['v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1e2e'] },
};

/** Reads a tRPC query as the signed-in page would (to prove what was stored, not what is shown). */
async function query<T>(page: Page, path: string, input: unknown): Promise<T> {
  const answer = await page.evaluate(
    async ({ path, input }) => {
      const response = await fetch(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
        credentials: 'include',
      });
      return { status: response.status, body: await response.text() };
    },
    { path, input },
  );
  if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}: ${answer.body}`);
  return (JSON.parse(answer.body) as { result: { data: T } }).result.data;
}

// Signing up and testing connections run long on a loaded machine: every step gets 90 s.
describe('email accounts (built SPA, real API, smtp-server and Dovecot, Chromium)', {
  timeout: 90_000,
}, () => {
  let certs: TestCertificates | undefined;
  let smtp: TestSmtpServer | undefined;
  let imap: TestDovecot | undefined;
  let caDir: string | undefined;

  // The mail servers first: the stack is told where their certificates' authority is.
  beforeAll(async () => {
    certs = createTestCertificates({ hosts: [MAIL_HOST] });
    caDir = await mkdtemp(join(tmpdir(), 'postern-web-ca-'));
    await writeFile(join(caDir, 'ca.pem'), certs.ca);
    [smtp, imap] = await Promise.all([
      startSmtpServer({ users: { [ADDRESS]: MAILBOX_PASSWORD }, tls: 'implicit', certs }),
      startDovecot({ users: { [ADDRESS]: MAILBOX_PASSWORD }, certs }),
    ]);
  });

  afterAll(async () => {
    for (const server of [smtp, imap]) await server?.close();
    if (caDir) await rm(caDir, { recursive: true, force: true });
    certs?.dispose();
  });

  const suite = dashboardSuite({
    name: 'mailboxes',
    dns: zones,
    env: () => ({ MAILBOX_ALLOWED_HOSTS: '127.0.0.1', MAILBOX_TLS_CA_FILE: join(caDir ?? '', 'ca.pem') }),
    context: { viewport: WIDE, reducedMotion: 'reduce' },
    prepare: (context, stack) =>
      context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.api?.url }),
  });
  const { stack, page, problems, url } = suite;
  let workspaceId = '';

  const dialog = () => page.getByTestId('connect-dialog');
  const row = () => page.locator(`[data-testid="mailbox-row"][data-email="${ADDRESS}"]`);

  async function accessibleAtBothWidths(label: string, scope: string) {
    await expectAccessible(page, `${label} at 1440 px`, scope);
    await page.setViewportSize(NARROW);
    await expectAccessible(page, `${label} at 390 px`, scope);
    await page.setViewportSize(WIDE);
  }

  async function fillConnectForm(password: string) {
    const form = dialog();
    await form.getByTestId('mailbox-email').fill(ADDRESS);
    await form.getByTestId('smtp-host').fill(MAIL_HOST);
    await form.getByTestId('smtp-port').fill(String(smtp?.port));
    await form.getByTestId('imap-host').fill(MAIL_HOST);
    await form.getByTestId('imap-port').fill(String(imap?.port));
    await form.getByTestId('mailbox-password').fill(password);
  }

  it('opens Email accounts from the navigation: an empty state saying what a mailbox is for', async () => {
    workspaceId = await signUpIntoWorkspace(page, url(''), `owen.${Date.now()}@example.com`);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Email accounts' })
      .click();
    await page.getByTestId('mailboxes-empty').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('mailboxes-empty').textContent()).toContain('Campaigns are sent through');
    await expect.poll(() => page.title()).toMatch(/^Email accounts · .+ · Postern$/);
    await shot(page, 'mailboxes-empty.png');
    await accessibleAtBothWidths('email accounts: empty', '[data-testid="mailboxes-page"]');
  });

  it('offers TLS modes only, follows the ports, and recommends an app password', async () => {
    await page.getByTestId('connect-mailbox').click();
    const form = dialog();
    await form.getByTestId('mailbox-email').waitFor();
    const modes = await form.getByTestId('smtp-security').locator('option').allTextContents();
    expect(modes).toEqual(['SSL/TLS (implicit)', 'STARTTLS']);
    expect(await form.getByTestId('smtp-port').inputValue()).toBe('465');
    await form.getByTestId('smtp-security').selectOption('starttls');
    expect(await form.getByTestId('smtp-port').inputValue()).toBe('587');
    await form.getByTestId('smtp-security').selectOption('tls');
    expect(await form.getByTestId('imap-port').inputValue()).toBe('993');
    const notice = await form.getByTestId('app-password-notice').textContent();
    expect(notice).toContain('revoke that one password alone');
    expect(notice).toContain('2-step verification stays on');
    expect(await form.textContent()).not.toMatch(/OAuth/i);
    // An empty submit names the missing fields and moves the focus to the first.
    await form.getByTestId('connect-submit').click();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')), {
        timeout: UI_TIMEOUT,
      })
      .toBe('mailbox-email');
    expect(await form.getByTestId('mailbox-email').getAttribute('aria-invalid')).toBe('true');
    await accessibleAtBothWidths('email accounts: the connect form', '[data-testid="connect-dialog"]');
  });

  it('shows a wrong password as a human error next to it, keeps the form and stores nothing', async () => {
    await fillConnectForm('not-the-password');
    await dialog().getByTestId('connect-submit').click();
    const error = dialog().getByTestId('connect-error');
    await error.waitFor({ timeout: TEST_TIMEOUT });
    expect(await error.textContent()).toContain('SMTP connection test failed');
    const password = dialog().getByTestId('mailbox-password');
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await password.getAttribute('aria-describedby')) ?? '';
    const said = await page.evaluate(
      (id) => document.getElementById(id)?.textContent ?? '',
      describedBy.split(' ')[0] ?? '',
    );
    expect(said).toMatch(/SMTP.*(password|authentication)/i);
    // Everything typed is still there, the password included (to correct it).
    expect(await dialog().getByTestId('mailbox-email').inputValue()).toBe(ADDRESS);
    expect(await dialog().getByTestId('smtp-port').inputValue()).toBe(String(smtp?.port));
    expect(await password.inputValue()).toBe('not-the-password');
    expect(smtp?.authAttempts.some((attempt) => !attempt.ok)).toBe(true);
    const stored = await query<{ mailboxes: unknown[] }>(page, 'mailboxes.list', { workspaceId });
    expect(stored.mailboxes).toEqual([]);
    await shot(page, 'mailboxes-wrong-password.png');
    await expectAccessible(page, 'email accounts: a failed test', '[data-testid="connect-dialog"]');
  });

  it('connects with the right password: both servers tested, listed as connected', async () => {
    await dialog().getByTestId('mailbox-password').fill(MAILBOX_PASSWORD);
    await dialog().getByTestId('connect-submit').click();
    await page.getByTestId('mailboxes-notice').waitFor({ timeout: TEST_TIMEOUT });
    expect(await page.getByTestId('mailboxes-notice').textContent()).toContain(`${ADDRESS} is connected`);
    expect(await dialog().isVisible()).toBe(false);
    await row().waitFor({ timeout: UI_TIMEOUT });
    expect(await row().getAttribute('data-status')).toBe('connected');
    expect(await row().getByTestId('mailbox-status').textContent()).toBe('Connected');
    expect(await row().getByTestId('mailbox-provider').textContent()).toBe('IMAP/SMTP');
    expect(await row().getByTestId('mailbox-last-test').textContent()).toContain('Passed');
    expect(await page.content()).not.toContain(MAILBOX_PASSWORD);
    await shot(page, 'mailboxes-list.png');
    await accessibleAtBothWidths('email accounts: the list', '[data-testid="mailboxes-page"]');
  });

  it('opens the mailbox and tests its connection on demand', async () => {
    await row().getByRole('link', { name: ADDRESS }).click();
    await page.waitForURL((u) => MAILBOX_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    await page.getByTestId('mailbox-page').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('mailbox-title').textContent()).toBe(ADDRESS);
    expect(await page.getByTestId('smtp-endpoint').textContent()).toContain(`${MAIL_HOST}:${smtp?.port}`);
    await page.getByTestId('test-connection').click();
    await page.getByTestId('test-result').waitFor({ timeout: TEST_TIMEOUT });
    expect(await page.getByTestId('test-result').textContent()).toContain('Both connections work');
    expect(await page.getByTestId('test-smtp').getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('test-imap').getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('detail-last-test').textContent()).toContain('Passed just now');
    expect(await page.content()).not.toContain(MAILBOX_PASSWORD);
    await shot(page, 'mailbox-detail.png');
    await accessibleAtBothWidths('email accounts: the detail', '[data-testid="mailbox-page"]');
  });

  it('checks sender authentication: DMARC missing gives the record, added, it passes', async () => {
    await page.getByTestId('sender-auth-check').click();
    const dmarc = page.getByTestId('auth-dmarc');
    await expect.poll(() => dmarc.getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('missing');
    expect(await page.getByTestId('auth-spf').getAttribute('data-status')).toBe('pass');
    expect(await page.getByTestId('auth-dkim').getAttribute('data-status')).toBe('pass');
    const record = (await page.getByTestId('auth-dmarc-record').textContent()) ?? '';
    expect(record).toMatch(/^v=DMARC1; p=none/);
    await page.getByTestId('auth-dmarc-copy').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(record);
    await expectAccessible(page, 'email accounts: a failing check', '[data-testid="sender-auth-card"]');
    // The person publishes the record at their DNS host; "Check again" sees it.
    zones[`_dmarc.${DOMAIN}`] = { txt: [record] };
    await page.getByTestId('sender-auth-check').click();
    await expect.poll(() => dmarc.getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('pass');
    expect(await page.getByTestId('sender-auth-summary').textContent()).toContain('All three pass');
  });

  it('edits the sender identity: an impossible cap explained, the changes saved', async () => {
    const cap = page.getByTestId('identity-daily-cap');
    await cap.fill('0');
    await page.getByTestId('identity-from-name').fill('Anna from Outreach');
    await page.getByTestId('identity-save').click();
    expect(await cap.getAttribute('aria-invalid')).toBe('true');
    const capError = (await cap.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${capError}"]`).textContent()).toBe(
      'Enter the daily cap from 1 to 10,000.',
    );
    await cap.fill('120');
    await page.getByTestId('warmup-enabled').check();
    expect(await page.getByTestId('warmup-ramp').textContent()).toContain('reached on day');
    await page.getByTestId('identity-save').click();
    await page.getByTestId('identity-saved').waitFor({ timeout: UI_TIMEOUT });
    await page.reload();
    await expect
      .poll(() => page.getByTestId('identity-daily-cap').inputValue(), { timeout: UI_TIMEOUT })
      .toBe('120');
    expect(await page.getByTestId('identity-from-name').inputValue()).toBe('Anna from Outreach');
    expect(await page.getByTestId('warmup-enabled').isChecked()).toBe(true);
  });

  /** Asks for a code proving `alias`: the alias waits for it, and the SMTP server got it; the message. */
  async function sendAliasCode(alias: string) {
    const before = smtp?.messages.length ?? 0;
    await page.getByTestId('alias-address').fill(alias);
    await page.getByTestId('alias-send-code').click();
    await page.getByTestId('alias-pending').waitFor({ timeout: TEST_TIMEOUT });
    await expect.poll(() => smtp?.messages.length ?? 0, { timeout: TEST_TIMEOUT }).toBeGreaterThan(before);
    return smtp?.messages.at(-1);
  }

  it('proves an alias with the code sent from it', async () => {
    const sent = await sendAliasCode(ALIAS);
    expect(sent?.to).toEqual([ADDRESS]);
    const code = /The code is (\d{6})/.exec(sent?.raw.toString('utf8') ?? '')?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);
    await page.getByTestId('alias-code').fill(code);
    await page.getByTestId('alias-verify').click();
    await page.getByTestId('alias-verified').waitFor({ timeout: TEST_TIMEOUT });
    expect(await page.getByTestId('from-address').textContent()).toContain(ALIAS);
  });

  it('finds the code in the inbox on its own once the message arrives', async () => {
    const sent = await sendAliasCode(SECOND_ALIAS);
    // The message reaches the mailbox (the test SMTP server does not deliver: the test does).
    await imap?.deliver(ADDRESS, sent?.raw ?? '');
    // The first search of its own comes 8 s after the code was sent.
    await page.getByTestId('alias-verified').waitFor({ timeout: 40_000 });
    expect(await page.getByTestId('alias-verified').textContent()).toContain(SECOND_ALIAS);
    expect(await page.getByTestId('from-address').textContent()).toContain(SECOND_ALIAS);
  });

  it('shows a viewer names and status only, and a member everything but the owner actions', async () => {
    const email = `vera.${Date.now()}@example.com`;
    const teammate = await suite.newContext({ viewport: WIDE, reducedMotion: 'reduce' });
    const other = await teammate.newPage();
    await signUpIntoWorkspace(other, url(''), email);
    await mutate(page, 'members.invite', { workspaceId, email, role: 'viewer' });
    const link = await mailLink(stack.mailDir ?? '', email, /\/invitations\/accept\?token=[\w%-]+/);
    const token = decodeURIComponent(new URL(link, url('')).searchParams.get('token') ?? '');
    await mutate(other, 'invitations.accept', { token });

    await other.goto(url(`/w/${workspaceId}/mailboxes`));
    const seen = other.locator(`[data-testid="mailbox-row"][data-email="${ADDRESS}"]`);
    await seen.waitFor({ timeout: UI_TIMEOUT });
    expect(await seen.getByTestId('mailbox-status').textContent()).toBe('Connected');
    expect(await seen.getByRole('link').count()).toBe(0);
    expect(await seen.getByTestId('mailbox-cap').count()).toBe(0);
    expect(await other.getByTestId('connect-mailbox').count()).toBe(0);
    expect(await other.getByTestId('mailboxes-card').textContent()).toContain(
      'Only owners and admins connect',
    );
    await expectAccessible(other, 'email accounts: a viewer', '[data-testid="mailboxes-page"]');

    const { members } = await query<{ members: Array<{ id: string; email: string }> }>(page, 'members.list', {
      workspaceId,
    });
    const memberId = members.find((member) => member.email === email)?.id;
    await mutate(page, 'members.changeRole', { workspaceId, memberId, role: 'member' });
    await other.reload();
    await seen.getByRole('link', { name: ADDRESS }).click({ timeout: UI_TIMEOUT });
    await other.getByTestId('mailbox-member-note').waitFor({ timeout: UI_TIMEOUT });
    expect(await other.getByTestId('test-connection').isEnabled()).toBe(true);
    expect(await other.getByTestId('sender-auth-check').isEnabled()).toBe(true);
    expect(await other.getByTestId('disconnect-mailbox').count()).toBe(0);
    expect(await other.getByTestId('replace-credentials').count()).toBe(0);
    expect(await other.getByTestId('alias-address').count()).toBe(0);
    expect(await other.getByTestId('identity-from-name').isDisabled()).toBe(true);
    expect(await other.getByTestId('identity-save').count()).toBe(0);
    await expectAccessible(other, 'email accounts: a member on the detail', '[data-testid="mailbox-page"]');
  });

  it('disconnects after a confirmation saying the password is deleted at once', async () => {
    await page.getByTestId('disconnect-mailbox').click();
    const confirm = page.getByTestId('disconnect-dialog');
    await confirm.waitFor();
    const said = await confirm.textContent();
    expect(said).toContain('deleted at once');
    expect(said).toContain('sending through this mailbox stops');
    await confirm.getByTestId('disconnect-dialog-confirm').click();
    await page.getByTestId('mailbox-notice').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => page.getByTestId('mailbox-status').textContent()).toBe('Disconnected');
    expect(await page.getByTestId('test-connection').isDisabled()).toBe(true);
    expect(await page.getByTestId('disconnect-mailbox').count()).toBe(0);
    await page.getByTestId('back-to-mailboxes').click();
    await expect.poll(() => row().getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('disconnected');
  });

  it('reconnects it with its credentials, tested first', async () => {
    await row().getByRole('link', { name: ADDRESS }).click();
    await page.getByTestId('replace-credentials').click({ timeout: UI_TIMEOUT });
    const form = page.getByTestId('replace-dialog');
    expect(await form.getByTestId('smtp-host').inputValue()).toBe(MAIL_HOST);
    expect(await form.getByTestId('mailbox-password').inputValue()).toBe('');
    await form.getByTestId('mailbox-password').fill(MAILBOX_PASSWORD);
    await form.getByTestId('replace-submit').click();
    await expect
      .poll(() => page.getByTestId('mailbox-status').textContent(), { timeout: TEST_TIMEOUT })
      .toBe('Connected');
    expect(await form.isVisible()).toBe(false);
    expect(await page.content()).not.toContain(MAILBOX_PASSWORD);
    // The refusals provoked on purpose: signed out before signing up, the wrong password, and a search
    // that ran before the code's message arrived.
    expectClean(
      problems,
      /^(401 \/trpc\/auth\.me|422 \/trpc\/mailboxes\.(connect|confirmAliasVerification))$/,
    );
  });
});
