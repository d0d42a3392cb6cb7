// Webhooks in a real browser: the built dashboard served by the real API, the real worker delivering
// to a local receiver (node:http on 127.0.0.1, which the deployment allowlist WEBHOOK_ALLOWED_TARGETS
// permits). A new owner opens "Webhooks" from the navigation, is refused a metadata-address target,
// adds an endpoint for the receiver (its secret shown once), sends a test event the receiver gets
// and verifies with the SDK, sees it succeed in the delivery log, rotates the secret (reveal shows
// both during the overlap), re-sends the delivery (same webhook-id, now signed with both secrets),
// then disables and deletes the endpoint.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_TYPES } from '@postern/contracts';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../packages/sdk/src/webhooks.ts';
import { prepareBrowserRun, shot } from './support/browser.ts';
import { mailLink } from './support/mail.ts';
import {
  expectClean,
  PASSWORD,
  type PageProblems,
  signUpIntoWorkspace,
  UI_TIMEOUT,
  watch,
} from './support/page-checks.ts';
import { type Stack, saveFailure, startWebStack, stopStack } from './support/suite.ts';

const WEBHOOKS_PATH = /^\/w\/[0-9a-f-]{36}\/webhooks$/;
const ENDPOINT_PATH = /^\/w\/[0-9a-f-]{36}\/webhooks\/([0-9a-f-]{36})$/;
/** A delivery reaches the receiver within a second; the log shows it at its next 5 s poll. */
const DELIVERY_TIMEOUT = 20_000;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: records every request and answers 200. */
function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('received');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/hooks/postern`, received });
    });
  });
}

describe('webhooks (built SPA, real API and worker, local receiver, Chromium)', () => {
  const stack: Stack = {};
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let problems: PageProblems;
  // Carried from step to step.
  let firstSecret = '';
  let secondSecret = '';
  let testMsgId = '';
  let workspaceId = '';

  const url = (path: string) => `${stack.api?.url}${path}`;
  const rows = () => page.getByTestId('deliveries-row');
  const received = () => receiver?.received ?? [];

  async function waitForReceived(count: number): Promise<Received> {
    await expect
      .poll(() => received().length, { timeout: DELIVERY_TIMEOUT, interval: 100 })
      .toBeGreaterThanOrEqual(count);
    return received()[count - 1] as Received;
  }

  beforeAll(async () => {
    await prepareBrowserRun();
    receiver = await startReceiver();
    const browser = await startWebStack(stack, {
      // The receiver is on loopback, which webhooks refuse unless the deployment allows it.
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
    });
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    problems = watch(page);
  });

  afterEach((test) => saveFailure(test, 'failed-webhooks', [page], stack));

  afterAll(async () => {
    await stopStack(stack, { contexts: [context] });
    await new Promise((resolve) => receiver?.server.close(resolve) ?? resolve(undefined));
  });

  it('opens Webhooks from the navigation: an empty state explaining signing', async () => {
    workspaceId = await signUpIntoWorkspace(page, url(''), `wren.${Date.now()}@example.com`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.waitForURL((u) => WEBHOOKS_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    await page.getByTestId('endpoints-empty').waitFor({ timeout: UI_TIMEOUT });
    const explained = await page.getByTestId('signing-explainer').textContent();
    expect(explained).toContain('Standard Webhooks');
    expect(explained).toContain('webhook-signature');
    await expect.poll(() => page.title()).toMatch(/^Webhooks · .+ · Postern$/);
    await shot(page, 'webhooks-empty.png');
  });

  it('refuses a metadata address clearly, then adds the receiver and shows its secret once', async () => {
    await page.getByTestId('add-endpoint').click();
    const dialog = page.getByTestId('create-endpoint-dialog');
    await dialog.getByTestId('endpoint-url').waitFor();
    // Both event types are offered with their descriptions, and chosen by default.
    expect(await dialog.getByTestId('event-type-bulk_job.completed').isChecked()).toBe(true);
    expect(await dialog.getByTestId('event-types-field').textContent()).toContain(
      'A bulk verification job finished',
    );

    await dialog.getByTestId('endpoint-url').fill('http://169.254.169.254/latest/meta-data');
    await dialog.getByTestId('create-endpoint-submit').click();
    // The server's reason, on the field it is about.
    const urlInput = dialog.locator('[data-testid="endpoint-url"][aria-invalid="true"]');
    await urlInput.waitFor({ timeout: UI_TIMEOUT });
    const reason = dialog.locator(`[id="${await urlInput.getAttribute('aria-describedby')}"]`);
    expect(await reason.textContent()).toMatch(/link-local.*WEBHOOK_ALLOWED_TARGETS/);
    await shot(page, 'webhooks-refused-target.png');

    await dialog.getByTestId('endpoint-url').fill(receiver?.url ?? '');
    await dialog.getByTestId('endpoint-description').fill('Local receiver');
    await dialog.getByTestId('create-endpoint-submit').click();
    await dialog.getByTestId('endpoint-created').waitFor({ timeout: UI_TIMEOUT });
    firstSecret = (await dialog.getByTestId('created-secret').textContent()) ?? '';
    expect(firstSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await shot(page, 'webhooks-created.png');

    await dialog.getByTestId('open-created-endpoint').click();
    await page.waitForURL((u) => ENDPOINT_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    await page.getByTestId('endpoint-page').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('endpoint-full-url').textContent()).toBe(receiver?.url);
    expect(await page.getByTestId('endpoint-state').textContent()).toBe('Enabled');
    // The secret is hidden again: only "Reveal" shows it.
    expect(await page.getByTestId('secret-hidden').textContent()).not.toContain(firstSecret.slice(6, 20));
    expect(await page.getByTestId('verify-snippet').textContent()).toContain(
      'verifyWebhook(rawBody, req.headers, secret)',
    );
    await page.getByTestId('deliveries-empty').waitFor({ timeout: UI_TIMEOUT });
  });

  it('sends a test event the receiver verifies, and the log shows it delivered with 200', async () => {
    await page.getByTestId('send-test').click();
    await page.getByTestId('test-notice').waitFor({ timeout: UI_TIMEOUT });

    const request = await waitForReceived(1);
    const event = verifyWebhook(request.body, request.headers, firstSecret);
    expect(event.type).toBe('webhook.test');
    expect(event.data).toMatchObject({ endpoint_id: expect.any(String) });
    testMsgId = String(request.headers['webhook-id']);
    expect(testMsgId).toMatch(/^msg_/);
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(1);
    // Another secret does not verify it.
    expect(() =>
      verifyWebhook(request.body, request.headers, `whsec_${randomBytes(32).toString('base64')}`),
    ).toThrow(/signature/);

    const row = rows().first();
    await expect
      .poll(() => row.getAttribute('data-status'), { timeout: DELIVERY_TIMEOUT, interval: 250 })
      .toBe('succeeded');
    expect(await rows().count()).toBe(1);
    expect(await row.getAttribute('data-msg-id')).toBe(testMsgId);
    expect(await row.getByTestId('delivery-status').textContent()).toBe('Succeeded');
    expect(await row.getByTestId('delivery-status-code').textContent()).toBe('200 OK');
    expect(await row.getByTestId('delivery-attempts').textContent()).toBe('1');
    expect(await row.getByTestId('delivery-duration').textContent()).toMatch(/^\d+(\.\d)? m?s$/);

    await row.getByTestId('delivery-details').click();
    const drawer = page.getByTestId('delivery-drawer');
    await drawer.getByTestId('delivery-payload').waitFor();
    expect(JSON.parse((await drawer.getByTestId('delivery-payload').textContent()) ?? '')).toEqual(
      JSON.parse(request.body),
    );
    expect(await drawer.getByTestId('attempt').count()).toBe(1);
    expect(await drawer.getByTestId('attempt-status-code').textContent()).toBe('200 OK');
    expect(await drawer.getByTestId('attempt-response').textContent()).toBe('received');
    // The request headers sent, the signature the receiver got included.
    const headers = drawer.getByTestId('attempt-headers');
    await headers.locator('summary').click();
    const header = (name: string) => headers.locator(`[data-name="${name}"] dd`).textContent();
    expect(await header('webhook-id')).toBe(testMsgId);
    expect(await header('webhook-signature')).toBe(String(request.headers['webhook-signature']));
    await shot(page, 'webhooks-delivery.png');
    await drawer.getByTestId('delivery-drawer-close').click();

    // The list shows the endpoint's health: a success just now, no failures.
    await page.getByTestId('back-to-endpoints').click();
    await page.waitForURL((u) => WEBHOOKS_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    const endpointRow = page.getByTestId('endpoint-row');
    await expect
      .poll(() => endpointRow.getByTestId('endpoint-last-success').textContent(), { timeout: UI_TIMEOUT })
      .toBe('Last success just now');
    expect(await endpointRow.getByTestId('endpoint-url').textContent()).toBe(receiver?.url);
    expect(await endpointRow.getByTestId('endpoint-description').textContent()).toBe('Local receiver');
    // Subscribed to every event type offered (the dialog's default).
    expect(await endpointRow.getByTestId('endpoint-event-type').allTextContents()).toEqual([...EVENT_TYPES]);
    expect(await endpointRow.getByTestId('endpoint-state').textContent()).toBe('Enabled');
    expect(await endpointRow.getByTestId('endpoint-failures').textContent()).toBe('No recent failures');
    await shot(page, 'webhooks-list.png');
    await endpointRow.getByRole('link').click();
    await page.waitForURL((u) => ENDPOINT_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    await rows().first().waitFor({ timeout: UI_TIMEOUT });
  });

  it('rotates the secret with an overlap: reveal shows the new and the previous one', async () => {
    await page.getByTestId('rotate-secret').click();
    const dialog = page.getByTestId('rotate-dialog');
    expect(await dialog.getByTestId('overlap-hours').inputValue()).toBe('24');
    expect(await dialog.textContent()).toContain('both signatures');
    await dialog.getByTestId('rotate-submit').click();
    await page.getByTestId('rotated-notice').waitFor({ timeout: UI_TIMEOUT });

    // Hidden, then revealed again from the server.
    await page.getByTestId('hide-secret').click();
    await page.getByTestId('reveal-secret').click();
    await page.getByTestId('secret-revealed').waitFor({ timeout: UI_TIMEOUT });
    secondSecret = (await page.getByTestId('current-secret').textContent()) ?? '';
    expect(secondSecret).toMatch(/^whsec_/);
    expect(secondSecret).not.toBe(firstSecret);
    expect(await page.getByTestId('previous-secret').textContent()).toBe(firstSecret);
    expect(await page.getByTestId('previous-secret-until').textContent()).toMatch(
      /\(for 24 more hours\): both signatures are sent/,
    );
    await shot(page, 'webhooks-endpoint.png');
  });

  it('re-sends the delivery: the same webhook-id arrives again, signed with both secrets', async () => {
    await rows().first().getByTestId('delivery-details').click();
    const drawer = page.getByTestId('delivery-drawer');
    await drawer.getByTestId('resend-delivery').click();
    await drawer.getByTestId('resend-notice').waitFor({ timeout: UI_TIMEOUT });

    const request = await waitForReceived(2);
    expect(request.headers['webhook-id']).toBe(testMsgId);
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyWebhook(request.body, request.headers, secondSecret).type).toBe('webhook.test');
    expect(verifyWebhook(request.body, request.headers, firstSecret).type).toBe('webhook.test');
    expect(request.body).toBe(received()[0]?.body);

    // The row (and the open panel) follow the new attempt.
    await expect
      .poll(() => drawer.getByTestId('drawer-attempts').textContent(), {
        timeout: DELIVERY_TIMEOUT,
        interval: 250,
      })
      .toBe('2');
    // The attempt counter moves when the attempt is claimed; its log row once its result is recorded.
    await expect
      .poll(() => drawer.getByTestId('attempt').count(), { timeout: DELIVERY_TIMEOUT, interval: 250 })
      .toBe(2);
    await drawer.getByTestId('delivery-drawer-close').click();
    const row = rows().first();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: DELIVERY_TIMEOUT }).toBe('succeeded');
    expect(await row.getByTestId('delivery-attempts').textContent()).toBe('2');
    expect(await rows().count()).toBe(1);

    // Filters: a status with no match empties the log; clearing brings the delivery back.
    await page.getByTestId('status-filter').selectOption('failed');
    await page.getByTestId('deliveries-empty').waitFor({ timeout: UI_TIMEOUT });
    expect(new URL(page.url()).searchParams.get('status')).toBe('failed');
    await page.getByTestId('clear-delivery-filters').click();
    await rows().first().waitFor({ timeout: UI_TIMEOUT });
  });

  it('disables the endpoint, then deletes it', async () => {
    await page.getByTestId('endpoint-enabled-switch').click();
    await expect
      .poll(() => page.getByTestId('endpoint-enabled-switch').getAttribute('aria-checked'), {
        timeout: UI_TIMEOUT,
      })
      .toBe('false');
    await expect
      .poll(() => page.getByTestId('endpoint-state').textContent(), { timeout: UI_TIMEOUT })
      .toBe('Disabled');
    expect(await page.getByTestId('endpoint-reason').textContent()).toMatch(/^Disabled by a member on /);
    expect(await page.getByTestId('send-test').isDisabled()).toBe(true);

    await page.getByTestId('delete-endpoint').click();
    await page.getByTestId('delete-endpoint-dialog-confirm').click();
    await page.waitForURL((u) => WEBHOOKS_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    expect(await page.getByTestId('endpoints-notice').textContent()).toContain('was deleted');
    await page.getByTestId('endpoints-empty').waitFor({ timeout: UI_TIMEOUT });
    // Nothing more arrived than the test event and its re-send.
    expect(received()).toHaveLength(2);

    // Only the refused target answered with an error.
    expectClean(problems, /^(401 \/trpc\/auth\.me|422 \/trpc\/webhooks\.create)$/);
  });

  it('shows members no Webhooks entry, and tells them only owners and admins may open it', async () => {
    const memberEmail = `milo.${Date.now()}@example.com`;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
    await page.getByTestId('invite-email').fill(memberEmail);
    await page.getByTestId('invite-role').selectOption('member');
    await page.getByTestId('invite-submit').click();
    await page.getByTestId('invite-sent').waitFor({ timeout: UI_TIMEOUT });
    const link = await mailLink(
      stack.mailDir ?? '',
      memberEmail,
      /https?:\/\/[^\s"<>]+\/invitations\/accept\?token=[\w%-]+/,
    );

    const memberContext = await stack.browser?.newContext({ viewport: { width: 1360, height: 900 } });
    if (!memberContext) throw new Error('setup failed');
    try {
      const member = await memberContext.newPage();
      const memberProblems = watch(member);
      await member.goto(link);
      await member.getByTestId('invitation-sign-up').click();
      await member.waitForURL((u) => u.pathname === '/sign-up');
      await member.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await member.getByTestId('sign-up-submit').click();
      await member.getByTestId('accept-invitation').click({ timeout: UI_TIMEOUT });
      await member.waitForURL(url(`/w/${workspaceId}/members`), { timeout: UI_TIMEOUT });
      await member.getByTestId('members-table').waitFor({ timeout: UI_TIMEOUT });
      const nav = member.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link', { name: 'Members' }).count()).toBe(1);
      expect(await nav.getByRole('link', { name: 'Webhooks' }).count()).toBe(0);

      await member.goto(url(`/w/${workspaceId}/webhooks`));
      const refusal = member.getByTestId('workspace-forbidden');
      await refusal.waitFor({ timeout: UI_TIMEOUT });
      expect(await refusal.textContent()).toContain('Only owners and admins can open it');
      await shot(member, 'webhooks-member-forbidden.png');
      // The page never asked the API for webhooks.
      expectClean(memberProblems, /^401 \/trpc\/auth\.me$/);
    } finally {
      await memberContext.close();
    }
  });
});
