import { describe, expect, it } from 'vitest';
import { oauthWorld } from '../../../packages/core/test/support/oauth-world.ts';
import { expectAccessible } from './support/axe.ts';
import { shot } from './support/browser.ts';
import { dashboardSuite } from './support/dashboard-suite.ts';
import { expectClean, signUpIntoWorkspace, UI_TIMEOUT } from './support/page-checks.ts';
import { mutate } from './support/trpc.ts';

const WIDE = { width: 1440, height: 900 };
/** A connect signs in to the SMTP server with the new token before anything is stored. */
const CONNECT_TIMEOUT = 30_000;
/** The worker renews tokens once a minute (pg-boss cron): the renewal that fails may take two rounds. */
const RENEWAL_TIMEOUT = 150_000;

/** A provider that refuses every refresh token presented (the user removed the app's access). */
class NoneHonoured extends Set<string> {
  override has(): boolean {
    return false;
  }
}

describe('email accounts through OAuth (built SPA, real API, oauth2-mock-server, smtp-server, Chromium)', {
  timeout: 90_000,
}, () => {
  const world = oauthWorld();
  // Google configured, Microsoft not (its settings left out): the page shows the difference.
  const { page, problems, url } = dashboardSuite({
    name: 'mailboxes-oauth',
    context: { viewport: WIDE, reducedMotion: 'reduce' },
    env: () =>
      Object.fromEntries(Object.entries(world.env).filter(([key]) => !key.startsWith('OAUTH_MICROSOFT_'))),
  });
  let workspaceId = '';

  const address = () => world.provider().account.email;
  const row = () => page.locator(`[data-testid="mailbox-row"][data-email="${address()}"]`);
  /** The notice of one result (a previous one stays on the page until the browser leaves it). */
  const noticeOf = (result: string) => page.locator(`[data-testid="oauth-notice"][data-result="${result}"]`);
  const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

  it('offers Connect Gmail beside IMAP/SMTP; Outlook, unconfigured, is a line for the operator', async () => {
    workspaceId = await signUpIntoWorkspace(page, url(''), `olga.${Date.now()}@example.com`);
    await page.goto(url(`/w/${workspaceId}/mailboxes`));
    await page.getByTestId('mailboxes-empty').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('connect-gmail').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('connect-gmail').textContent()).toBe('Connect Gmail');
    expect(await page.getByTestId('connect-mailbox').isVisible()).toBe(true);
    expect(await page.getByTestId('connect-outlook').count()).toBe(0);
    expect(await page.getByTestId('oauth-unconfigured-outlook').textContent()).toContain(
      'OAUTH_MICROSOFT_CLIENT_ID',
    );
    expect(await page.getByTestId('oauth-unconfigured-gmail').count()).toBe(0);
    await expectAccessible(page, 'email accounts: OAuth buttons', '[data-testid="mailboxes-page"]');
  });

  it('says so when access was not granted at the provider, and connects nothing', async () => {
    const { authorizeUrl } = await mutate<{ authorizeUrl: string }>(page, 'mailboxes.oauthStart', {
      workspaceId,
      provider: 'gmail',
    });
    const state = new URL(authorizeUrl).searchParams.get('state') ?? '';
    // What Google sends back when the user clicks "Cancel" on its consent page.
    await page.goto(url(`/oauth/gmail/callback?error=access_denied&state=${encodeURIComponent(state)}`));
    const notice = page.getByTestId('oauth-notice');
    await notice.waitFor({ timeout: UI_TIMEOUT });
    expect(await notice.getAttribute('data-result')).toBe('access_denied');
    expect(await notice.textContent()).toContain('Access was not granted at the provider');
    expect(await notice.getByRole('alert').count()).toBe(1);
    await expect.poll(focused, { timeout: UI_TIMEOUT }).toBe('oauth-notice');
    await expect.poll(() => new URL(page.url()).search, { timeout: UI_TIMEOUT }).toBe('');
    await page.getByTestId('mailboxes-empty').waitFor({ timeout: UI_TIMEOUT });
  });

  it('follows the provider round trip and lands with the success notice, focused, listed connected', async () => {
    await page.getByTestId('connect-gmail').click();
    const notice = noticeOf('connected');
    await notice.waitFor({ timeout: CONNECT_TIMEOUT });
    expect(await notice.textContent()).toContain('The account is connected.');
    await expect.poll(focused, { timeout: UI_TIMEOUT }).toBe('oauth-notice');
    // The result left the URL: a reload does not say it again.
    await expect.poll(() => new URL(page.url()).search, { timeout: UI_TIMEOUT }).toBe('');
    expect(new URL(page.url()).pathname).toBe(`/w/${workspaceId}/mailboxes`);
    await expect.poll(() => row().getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('connected');
    expect(await row().getByTestId('mailbox-provider').textContent()).toBe('Gmail');
    expect(world.provider().smtp.authAttempts.some((attempt) => attempt.ok)).toBe(true);
    await shot(page, 'mailboxes-oauth-connected.png');
    await expectAccessible(page, 'email accounts: OAuth connected', '[data-testid="mailboxes-page"]');
    await page.reload();
    await row().waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('oauth-notice').count()).toBe(0);
  });

  it('shows the grant instead of a password on the detail, without credential replacement', async () => {
    await row().getByRole('link', { name: address() }).click();
    await page.getByTestId('connection-card').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('oauth-provider').textContent()).toContain('Gmail');
    expect(await page.getByTestId('oauth-scopes').textContent()).toContain('https://mail.google.com/');
    expect(await page.getByTestId('replace-credentials').count()).toBe(0);
    expect(await page.getByTestId('mailbox-status').textContent()).toBe('Connected');
    await expectAccessible(page, 'email accounts: OAuth detail', '[data-testid="mailbox-page"]');
  });

  it('disconnects: the confirmation says the grant is revoked, then says it was, with the account page', async () => {
    const before = world.provider().revoked.length;
    await page.getByTestId('disconnect-mailbox').click();
    const confirm = page.getByTestId('disconnect-dialog');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('revoked at Gmail');
    await confirm.getByTestId('disconnect-dialog-confirm').click();
    const said = page.getByTestId('disconnect-revocation');
    await said.waitFor({ timeout: CONNECT_TIMEOUT });
    expect(await said.getAttribute('data-revocation')).toBe('revoked');
    expect(await said.textContent()).toContain('revoked at the provider');
    expect(await said.getByTestId('oauth-account-page').getAttribute('href')).toMatch(/^https:\/\//);
    await expect.poll(() => page.getByTestId('mailbox-status').textContent()).toBe('Disconnected');
    await expect.poll(() => world.provider().revoked.length, { timeout: UI_TIMEOUT }).toBeGreaterThan(before);
    // The detail keeps saying it after the notice: the connection card's row.
    expect(await page.getByTestId('oauth-revocation').textContent()).toContain('revoked at the provider');
    await expectAccessible(page, 'email accounts: OAuth disconnected', '[data-testid="mailbox-page"]');
  });

  it('reconnects it through the provider: back on the list, connected again', async () => {
    // Tokens that are due for renewal at once (within OAUTH_REFRESH_WINDOW_SECONDS), for the next step.
    world.provider().tweak.expiresIn = 300;
    await page.getByTestId('oauth-reconnect').click();
    const notice = noticeOf('reconnected');
    await notice.waitFor({ timeout: CONNECT_TIMEOUT });
    await expect.poll(() => row().getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('connected');
    // The provider redirects carry no token: the page never shows one.
    const content = await page.content();
    for (const token of world.provider().access) expect(content).not.toContain(token);
  });

  it('marks it Reconnect required when the provider refuses the renewal; Reconnect from the list', {
    timeout: RENEWAL_TIMEOUT + 60_000,
  }, async () => {
    const provider = world.provider();
    provider.liveRefresh = new NoneHonoured();
    await expect
      .poll(
        async () => {
          await page.reload();
          await row().waitFor({ timeout: UI_TIMEOUT });
          return row().getAttribute('data-status');
        },
        { timeout: RENEWAL_TIMEOUT, interval: 5_000 },
      )
      .toBe('reconnect_required');
    expect(await row().getByTestId('mailbox-status').textContent()).toBe('Reconnect required');
    await shot(page, 'mailboxes-oauth-reconnect-required.png');
    await expectAccessible(page, 'email accounts: reconnect required', '[data-testid="mailboxes-page"]');
    // The user grants access again: the provider honours new tokens, which last an hour.
    provider.liveRefresh = new Set();
    provider.tweak.expiresIn = undefined;
    await row().getByTestId('oauth-reconnect').click();
    const notice = noticeOf('reconnected');
    await notice.waitFor({ timeout: CONNECT_TIMEOUT });
    await expect.poll(() => row().getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('connected');
    expectClean(problems, /^401 \/trpc\/auth\.me$/);
  });
});
