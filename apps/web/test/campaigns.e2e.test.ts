// Campaigns in Chromium (built SPA, real API and worker, local DNS): a draft written in the editor and
// its live preview; hostile campaign HTML (a script, an onerror handler reaching for the dashboard)
// shown in the preview's sandboxed frame without running, in an opaque origin that cannot read the
// dashboard's cookies or DOM; scheduling refused with a clear message while the workspace has no
// postal address, the link to the form that sets it, the address set, the time-zone read-back; and
// axe on the pages at 1440 px and 390 px.
import type { Frame } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { shot } from './support/browser.ts';
import { dashboardSuite, sweepAccessibility } from './support/dashboard-suite.ts';
import { expectClean, signUpIntoWorkspace, UI_TIMEOUT } from './support/page-checks.ts';
import { EXAMPLE_MAIL_ZONES } from './support/suite.ts';
import { mutate } from './support/trpc.ts';

/**
 * What Chromium logs because the preview frame is sandboxed: the hostile HTML's scripts and image refused
 * (asserted below), and axe-core's message to the frame it tries to check, refused for its opaque origin.
 */
const SANDBOX_REFUSALS = [
  /^error: Blocked script execution in 'about:srcdoc' because the document's frame is sandboxed/,
  /^error: Failed to load resource: net::ERR_BLOCKED_BY_RESPONSE\.NotSameOrigin$/,
  /^warning: Failed to execute 'postMessage' on 'DOMWindow': The target origin provided \('http:\/\/127\.0\.0\.1:\d+'\) does not match the recipient window's origin \('null'\)\.$/,
];

/** Campaign HTML that would deface the dashboard if it ran there, and mark its own page if it ran at all. */
const HOSTILE_HTML = [
  '<h1 id="marker">Winter news for {{ contact.name | default: "there" }}</h1>',
  "<script>parent.document.title='pwned'</script>",
  '<img src=x onerror="window.top.document.body.dataset.x=1">',
  "<script>document.body.dataset.ran='yes'</script>",
].join('\n');

describe('campaigns (built SPA, real API, local DNS, Chromium)', () => {
  // A member in Berlin: the schedule dialog defaults to the browser's zone and reads times back in it.
  const suite = dashboardSuite({
    name: 'campaigns',
    dns: EXAMPLE_MAIL_ZONES,
    context: { viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Berlin' },
  });
  const { page, problems, url, inWorkspace, nav } = suite;
  const owner = `carla.${Date.now()}@example.com`;
  const story = { campaignId: '', cancelledId: '' };

  /** The preview's frame, once it shows a document containing `text`. */
  async function previewFrame(text: string): Promise<Frame> {
    const element = page.getByTestId('campaign-preview-frame');
    await element.waitFor({ timeout: UI_TIMEOUT });
    let frame: Frame | null = null;
    await expect
      .poll(
        async () => {
          frame = (await (await element.elementHandle())?.contentFrame()) ?? null;
          return frame?.evaluate(() => document.body?.textContent ?? '').catch(() => '');
        },
        { timeout: UI_TIMEOUT },
      )
      .toContain(text);
    return frame as unknown as Frame;
  }

  it('writes a draft and shows the message as a contact receives it', { timeout: 90_000 }, async () => {
    suite.workspaceId = await signUpIntoWorkspace(page, url(''), owner);
    await nav('Campaigns').click();
    await page.getByTestId('campaigns-empty').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => page.title(), { timeout: UI_TIMEOUT }).toMatch(/^Campaigns · .+ · Postern$/);
    await page.getByTestId('campaigns-empty').getByTestId('new-campaign').click();
    await page.getByTestId('new-campaign-form').waitFor({ timeout: UI_TIMEOUT });
    // A nameless draft is refused before anything is sent.
    await page.getByTestId('new-campaign-submit').click();
    expect(await page.getByTestId('campaign-name').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('campaign-name').fill('Winter news');
    await page
      .getByTestId('campaign-subject')
      .fill('What we shipped, {{ contact.name | default: "friend" }}');
    await page
      .getByTestId('campaign-html')
      .fill('<h1>Hello {{ contact.name | default: "there" }}</h1><p>Snow.</p>');
    await page.getByTestId('new-campaign-submit').click();
    await page.waitForURL((u) => /\/campaigns\/[0-9a-f-]{36}$/.test(u.pathname), { timeout: UI_TIMEOUT });
    story.campaignId = page.url().split('/').pop() ?? '';
    expect(await page.getByTestId('campaign-title').textContent()).toBe('Winter news');
    expect(await page.getByTestId('campaign-status').getByText('Draft').count()).toBe(1);

    const frame = await previewFrame('Snow.');
    expect(await frame.evaluate(() => document.querySelector('h1')?.textContent)).toMatch(/^Hello /);
    expect(await page.getByTestId('preview-subject').textContent()).toMatch(/^Subject: What we shipped, /);
    // The width toggle and the text version.
    await page.getByTestId('preview-mobile').click();
    expect(await page.getByTestId('campaign-preview-frame').getAttribute('data-width')).toBe('mobile');
    expect(
      await page.getByTestId('campaign-preview-frame').evaluate((node) => node.clientWidth),
    ).toBeLessThan(400);
    await page.getByTestId('preview-text-tab').click();
    expect(await page.getByTestId('preview-text').textContent()).toContain('Snow.');
    await page.getByTestId('preview-html-tab').click();

    // A test goes to the member's own address by default; without a sender it is refused, saying why.
    await page.getByTestId('campaign-test-send').click();
    expect(await page.getByTestId('test-send-to').inputValue()).toBe(owner);
    await page.getByTestId('test-send-submit').click();
    const testRefusal = page.getByTestId('test-send-error');
    await testRefusal.waitFor({ timeout: UI_TIMEOUT });
    expect(await testRefusal.textContent()).toMatch(/Could not send the test.*sender/s);
    await expectAccessible(page, 'campaigns: test send refused', '[data-testid="test-send-dialog"]');
    await page.getByTestId('test-send-dialog-close').click();

    // Edits are saved as they are written, and the preview follows.
    await page
      .getByTestId('campaign-html')
      .fill('<h1>Hello {{ contact.name | default: "there" }}</h1><p>More snow.</p>');
    await previewFrame('More snow.');
    await expect
      .poll(() => page.getByTestId('draft-save-state').getAttribute('data-state'), { timeout: UI_TIMEOUT })
      .toBe('saved');
    await shot(page, 'campaign-draft.png');
  });

  it('shows hostile HTML in a sandbox: no script runs, and the frame cannot reach the dashboard', {
    timeout: 90_000,
  }, async () => {
    const titleBefore = await page.title();
    // The dashboard holds a cookie its own scripts can read (the CSRF token): the frame must not.
    expect(await page.evaluate(() => document.cookie)).toMatch(/pst_csrf=/);

    await page.getByTestId('campaign-html').fill(HOSTILE_HTML);
    const frame = await previewFrame('Winter news for');
    const element = page.getByTestId('campaign-preview-frame');

    // Give the broken image's onerror every chance to fire, then look: nothing ran.
    await page.waitForTimeout(500);
    expect(await page.title()).toBe(titleBefore);
    expect(await page.evaluate(() => document.body.dataset.x)).toBeUndefined();
    expect(await frame.evaluate(() => document.body.dataset.ran ?? 'no')).toBe('no');
    // Chromium says why: the sandbox refused the scripts.
    expect(problems.console.some((line) => line.includes("Blocked script execution in 'about:srcdoc'"))).toBe(
      true,
    );

    // The frame's origin is opaque: the dashboard's cookies, storage and DOM are out of its reach,
    // and the dashboard cannot reach into it either.
    expect(await element.evaluate((node) => (node as HTMLIFrameElement).contentDocument === null)).toBe(true);
    expect(await frame.evaluate(() => window.origin)).toBe('null');
    expect(
      await frame.evaluate(() => {
        const reaches = {
          cookies: () => document.cookie,
          parent: () => window.parent.document.title,
          storage: () => window.localStorage.length,
        };
        return Object.entries(reaches).map(([what, reach]) => {
          try {
            return `${what} read: ${reach()}`;
          } catch (error) {
            return `${what} refused: ${(error as Error).name}`;
          }
        });
      }),
    ).toEqual([
      'cookies refused: SecurityError',
      'parent refused: SecurityError',
      'storage refused: SecurityError',
    ]);
    // What makes it so: an empty sandbox (no token), the HTML inline, no referrer.
    expect(await element.getAttribute('sandbox')).toBe('');
    expect(await element.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(await element.getAttribute('src')).toBeNull();
  });

  it('refuses to schedule without a postal address, says where to set it, and takes it once set', {
    timeout: 90_000,
  }, async () => {
    await page
      .getByTestId('campaign-html')
      .fill('<h1>Hello {{ contact.name | default: "there" }}</h1><p>Snow.</p>');
    await previewFrame('Snow.');
    await page.getByTestId('campaign-schedule').click();
    await page.getByTestId('schedule-form').waitFor({ timeout: UI_TIMEOUT });
    // A time in New York, read back in UTC and in the member's own zone (Berlin).
    await page.getByTestId('schedule-later').check();
    expect(await page.getByTestId('schedule-time-zone').inputValue()).toBe('Europe/Berlin');
    await page.getByTestId('schedule-time-zone').selectOption('America/New_York');
    // The next 15 January (within the year the server accepts): winter in both zones, EST and CET.
    const today = new Date();
    const year =
      today.getUTCMonth() === 0 && today.getUTCDate() < 14
        ? today.getUTCFullYear()
        : today.getUTCFullYear() + 1;
    const day = new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'UTC' }).format(
      Date.UTC(year, 0, 15),
    );
    await page.getByTestId('schedule-local-time').fill(`${year}-01-15T09:00`);
    expect(await page.getByTestId('schedule-utc').textContent()).toBe(`${day}, 15 Jan ${year}, 14:00 UTC`);
    expect(await page.getByTestId('schedule-local').textContent()).toMatch(
      new RegExp(`^${day}, 15 Jan ${year}, 15:00 (CET|GMT\\+1)$`),
    );
    await expectAccessible(page, 'campaigns: schedule dialog', '[data-testid="schedule-dialog"]');

    await page.getByTestId('schedule-submit').click();
    const refusal = page.getByTestId('schedule-error');
    await refusal.waitFor({ timeout: UI_TIMEOUT });
    expect(await refusal.getAttribute('role')).toBe('alert');
    expect(await refusal.textContent()).toMatch(/postal address/i);
    await expectAccessible(page, 'campaigns: schedule refused', '[data-testid="schedule-dialog"]');
    // The checklist says the same, with the way to the form.
    const postal = page.locator('[data-testid="campaign-checklist"] [data-item="postal_address"]');
    expect(await postal.getAttribute('data-status')).toBe('error');
    await page.getByTestId('schedule-dialog-close').click();
    expect(await page.getByTestId('campaign-page').getAttribute('data-status')).toBe('draft');

    await page.getByTestId('checklist-postal-address-link').click();
    await page.getByTestId('postal-address-form').waitFor({ timeout: UI_TIMEOUT });
    expect(new URL(page.url()).hash).toBe('#postal-address');
    await page.getByTestId('postal-address-submit').click();
    expect(await page.getByTestId('postal-address').getAttribute('aria-invalid')).toBe('true');
    await page
      .getByTestId('postal-address')
      .fill('Postern Ltd, 1 Harbour Street, Bristol BS1 4RN, United Kingdom');
    await page.getByTestId('postal-address-submit').click();
    await page.getByTestId('postal-address-saved').waitFor({ timeout: UI_TIMEOUT });

    await page.goto(inWorkspace(`campaigns/${story.campaignId}`));
    await expect.poll(() => postal.getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('ok');
    // The draft is listed, not yet sent.
    await nav('Campaigns').click();
    const row = page.locator(`[data-testid="campaigns-row"][data-campaign-id="${story.campaignId}"]`);
    await row.waitFor({ timeout: UI_TIMEOUT });
    expect(await row.getAttribute('data-status')).toBe('draft');
    expect(await page.getByTestId('postal-address').inputValue()).toContain('1 Harbour Street');
    await shot(page, 'campaigns.png');
  });

  it('shows a cancelled campaign with its figures, read-only, and duplicates it into a new draft', {
    timeout: 90_000,
  }, async () => {
    const created = await mutate<{ id: string }>(page, 'campaigns.create', {
      workspaceId: suite.workspaceId,
      name: 'Spring news',
      subject: 'Spring is here',
      htmlBody: '<p>Blossom.</p>',
    });
    await mutate(page, 'campaigns.cancel', { workspaceId: suite.workspaceId, campaignId: created.id });
    story.cancelledId = created.id;
    await page.goto(inWorkspace(`campaigns/${created.id}`));
    await page.getByTestId('campaign-report').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('campaign-page').getAttribute('data-status')).toBe('cancelled');
    expect(await page.getByTestId('campaign-status').textContent()).toBe('Cancelled');
    expect(await page.locator('[data-metric="recipients"] dd').textContent()).toBe('0');
    expect(await page.getByTestId('campaign-progress-text').textContent()).toBe('No recipients yet');
    await page.getByTestId('sends-empty').waitFor({ timeout: UI_TIMEOUT });
    await previewFrame('Blossom.');
    // Nothing to edit, schedule, pause or resume once cancelled: only a copy.
    for (const gone of [
      'campaign-editor',
      'campaign-schedule',
      'campaign-pause',
      'campaign-resume',
      'campaign-remove',
    ])
      expect(await page.getByTestId(gone).count()).toBe(0);
    await page.getByTestId('campaign-duplicate').click();
    await page.waitForURL(
      (u) => /\/campaigns\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(created.id),
      { timeout: UI_TIMEOUT },
    );
    await page.getByTestId('campaign-editor').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('campaign-title').textContent()).toBe('Copy of Spring news');
    expect(await page.getByTestId('campaign-page').getAttribute('data-status')).toBe('draft');
    expect(await page.getByTestId('campaign-notice').textContent()).toContain(
      'A copy of “Spring news” was made.',
    );
    expect(await page.getByTestId('campaign-name').inputValue()).toBe('Copy of Spring news');
  });

  it('leaves no serious accessibility problem on the pages, at 1440 px and 390 px (and dark)', {
    timeout: 180_000,
  }, async () => {
    const pages = [
      ['campaigns', 'campaigns-table'],
      ['campaigns/new', 'new-campaign-form'],
      [`campaigns/${story.campaignId}`, 'campaign-checklist'],
      [`campaigns/${story.cancelledId}`, 'campaign-report'],
    ] as const;
    await sweepAccessibility(
      page,
      inWorkspace,
      pages.map(([path, ready]) => ({ path, ready, shot: `campaigns-390-${ready}.png` })),
    );
    // The sandbox's refusals (the hostile HTML's, asserted above, and axe's) are the only console lines allowed.
    problems.console = problems.console.filter(
      (line) => !SANDBOX_REFUSALS.some((refusal) => refusal.test(line)),
    );
    expectClean(problems, /^(401 \/trpc\/auth\.me|409 \/trpc\/campaigns\.(schedule|testSend))$/);
  });
});
