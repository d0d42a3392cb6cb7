// Contacts, lists and the suppression list in Chromium (built SPA, real API and worker, local DNS): a
// list created and its consent text versioned, a contact added to it from the dashboard and its
// consent timeline, a manual suppression that makes subscribing the address refused with the server's
// explanation, its removal, an import and the CSV export, a person's data downloaded as JSON and their
// erasure behind a typed confirmation, and axe on every page at 1440 px and 390 px.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { shot } from './support/browser.ts';
import { dashboardSuite, sweepAccessibility } from './support/dashboard-suite.ts';
import { expectClean, signUpIntoWorkspace, UI_TIMEOUT } from './support/page-checks.ts';
import { EXAMPLE_MAIL_ZONES } from './support/suite.ts';
import { mutate } from './support/trpc.ts';

describe('contacts, lists and compliance (built SPA, real API, local DNS, Chromium)', () => {
  const suite = dashboardSuite({
    name: 'contacts',
    dns: EXAMPLE_MAIL_ZONES,
    context: { viewport: { width: 1440, height: 900 } },
  });
  const { page, problems, url, inWorkspace, nav } = suite;
  const owner = `olga.${Date.now()}@example.com`;
  const story = { listId: '', contactId: '' };
  const row = (testId: string, attribute: string, value: string) =>
    page.locator(`[data-testid="${testId}"][${attribute}="${value}"]`);

  it('creates a list, and a changed consent text becomes a new version with its hash', {
    timeout: 60_000,
  }, async () => {
    suite.workspaceId = await signUpIntoWorkspace(page, url(''), owner);
    await nav('Lists').click();
    await page.getByTestId('lists-empty').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => page.title(), { timeout: UI_TIMEOUT }).toMatch(/^Lists · .+ · Postern$/);
    await page.getByTestId('lists-empty').getByTestId('create-list').click();
    // An empty name is refused before anything is sent.
    await page.getByTestId('list-submit').click();
    expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Name').fill('Weekly letter');
    await page.getByTestId('list-description').fill('What we shipped this week.');
    await page.getByTestId('list-express-consent').check();
    await page.getByTestId('list-consent-text').fill('I agree to receive the weekly letter.');
    await page.getByTestId('list-submit').click();
    await page.getByTestId('lists-notice').waitFor({ timeout: UI_TIMEOUT });
    const list = row('lists-row', 'data-name', 'Weekly letter');
    story.listId = (await list.getAttribute('data-list-id')) ?? '';
    expect(await list.getByTestId('list-consent-version').textContent()).toMatch(/^Version 1 [0-9a-f]{12}$/);
    expect(await list.getByTestId('list-counts').textContent()).toBe('No subscribers yet');

    await list.getByTestId('edit-list').click();
    await page.getByTestId('list-consent-text').fill('I agree to receive the weekly letter and its offers.');
    await page.getByTestId('list-new-version').waitFor();
    await page.getByTestId('list-submit').click();
    await expect
      .poll(() => list.getByTestId('list-consent-version').textContent(), { timeout: UI_TIMEOUT })
      .toMatch(/^Version 2 /);

    await list.getByTestId('list-history').click();
    const versions = page.getByTestId('consent-version');
    await expect.poll(() => versions.count(), { timeout: UI_TIMEOUT }).toBe(2);
    expect(await versions.first().getAttribute('data-version')).toBe('2');
    expect(await versions.first().getByTestId('consent-version-text').textContent()).toContain('its offers');
    const hashes = await page.getByTestId('consent-version-hash').allTextContents();
    expect(hashes.every((hash) => /^[0-9a-f]{64}$/.test(hash))).toBe(true);
    expect(new Set(hashes).size).toBe(2);
    await expectAccessible(page, 'lists: consent text history', '[data-testid="consent-versions-drawer"]');
    await page.getByTestId('consent-versions-drawer-close').click();
    await shot(page, 'lists.png');
  });

  it('adds a contact subscribed to the list and shows its consent timeline', {
    timeout: 60_000,
  }, async () => {
    await nav('Contacts').click();
    await page.getByTestId('contacts-empty').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('contacts-empty').textContent()).toMatch(
      /API.*import.*forms?|form.*API.*import/s,
    );
    await page.getByTestId('add-contact').click();
    await page.getByLabel('Email address').fill('ada@example-mail.com');
    await page.getByLabel('Name (optional)').fill('Ada Lovelace');
    await page.getByTestId('contact-list-select').selectOption({ label: 'Weekly letter' });
    // The list asks for express consent: without it, the member is told what that means.
    await page.getByTestId('express-required').waitFor();
    expect(await page.getByTestId('consent-text-version').textContent()).toContain('version 2');
    await page.getByTestId('contact-express').check();
    await expectAccessible(page, 'contacts: add a contact', '[data-testid="add-contact-dialog"]');
    await page.getByTestId('add-contact-submit').click();
    await page.getByTestId('contacts-notice').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('contacts-notice').textContent()).toContain(
      'ada@example-mail.com was added to Weekly letter (active)',
    );
    const contact = row('contacts-row', 'data-email', 'ada@example-mail.com');
    await contact.waitFor({ timeout: UI_TIMEOUT });
    story.contactId = (await contact.getAttribute('data-contact-id')) ?? '';
    expect(await contact.getByTestId('contact-lists').textContent()).toBe('Weekly letter: active');

    // Search and filters narrow the list, and are kept in the URL.
    await page.getByTestId('contacts-search').fill('zz');
    await page.getByTestId('contacts-empty').waitFor({ timeout: UI_TIMEOUT });
    expect(new URL(page.url()).searchParams.get('q')).toBe('zz');
    await page.getByTestId('contacts-search').fill('Ada');
    await contact.waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('contacts-status-filter').selectOption('unsubscribed');
    await page.getByTestId('contacts-empty').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('clear-filters').click();
    await contact.waitFor({ timeout: UI_TIMEOUT });

    await contact.getByRole('link', { name: 'ada@example-mail.com' }).click();
    await page.getByTestId('consent-timeline').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('contact-title').textContent()).toBe('ada@example-mail.com');
    expect(await page.getByTestId('subscription-status').textContent()).toBe('Active');
    const events = page.getByTestId('consent-event');
    expect(await events.count()).toBe(1);
    expect(await events.first().getAttribute('data-event-type')).toBe('subscribed');
    const recordedBy = events.first().locator('[data-testid="consent-fact"][data-label="Recorded by"] dd');
    await expect.poll(() => recordedBy.textContent(), { timeout: UI_TIMEOUT }).toBe(owner);
    const facts = Object.fromEntries(
      await events
        .first()
        .getByTestId('consent-fact')
        .evaluateAll((nodes) =>
          nodes.map((node) => [node.getAttribute('data-label'), node.querySelector('dd')?.textContent]),
        ),
    );
    expect(facts).toMatchObject({
      Method: 'Dashboard',
      List: 'Weekly letter',
      Consent: 'Express',
      Address: 'ada@example-mail.com',
      'Recorded by': owner,
    });
    expect(facts['Consent text']).toMatch(/^Version 2 \([0-9a-f]{12}\)$/);
    await shot(page, 'contact.png');
  });

  it('suppresses an address by hand, and subscribing it is refused with a clear message', {
    timeout: 60_000,
  }, async () => {
    await nav('Compliance').click();
    await page.getByTestId('suppressions-empty').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('add-suppression').click();
    await page.getByLabel('Email address').fill('bob@example-mail.com');
    await page.getByLabel('Source (optional)').fill('Asked by phone');
    await page.getByTestId('add-suppression-submit').click();
    await page.getByTestId('suppressions-notice').waitFor({ timeout: UI_TIMEOUT });
    const entry = row('suppressions-row', 'data-email', 'bob@example-mail.com');
    expect(await entry.getAttribute('data-reason')).toBe('manual');
    expect(await entry.textContent()).toContain('Asked by phone');

    await nav('Contacts').click();
    await page.getByTestId('add-contact').click();
    await page.getByLabel('Email address').fill('bob@example-mail.com');
    await page.getByTestId('contact-list-select').selectOption({ label: 'Weekly letter' });
    await page.getByTestId('contact-express').check();
    await page.getByTestId('add-contact-submit').click();
    const refusal = page.getByTestId('add-contact-error');
    await refusal.waitFor({ timeout: UI_TIMEOUT });
    expect(await refusal.getAttribute('role')).toBe('alert');
    expect(await refusal.textContent()).toMatch(
      /This address is suppressed.*suppressed \(manual\).*double opt-in/s,
    );
    await expectAccessible(
      page,
      'contacts: a suppressed address refused',
      '[data-testid="add-contact-dialog"]',
    );
    await page.getByTestId('add-contact-dialog-close').click();
    expect(await row('contacts-row', 'data-email', 'bob@example-mail.com').count()).toBe(0);
  });

  it('removes the manual suppression, imports a file and exports the list', { timeout: 60_000 }, async () => {
    // An unsubscription from every list suppresses the address: the workspace cannot lift that one.
    await mutate(page, 'contacts.lists.unsubscribe', {
      workspaceId: suite.workspaceId,
      contactId: story.contactId,
    });
    await nav('Compliance').click();
    const bob = row('suppressions-row', 'data-email', 'bob@example-mail.com');
    await bob.waitFor({ timeout: UI_TIMEOUT });
    const ada = row('suppressions-row', 'data-email', 'ada@example-mail.com');
    expect(await ada.getAttribute('data-reason')).toBe('unsubscribed');
    expect(await ada.getByTestId('suppression-locked').textContent()).toBe(
      'Only the person can lift this, by subscribing again with double opt-in.',
    );
    expect(await ada.getByTestId('remove-suppression').count()).toBe(0);
    await page.getByTestId('suppressions-reason-filter').selectOption('unsubscribed');
    await expect.poll(() => page.getByTestId('suppressions-row').count(), { timeout: UI_TIMEOUT }).toBe(1);
    await page.getByTestId('clear-filters').click();

    await bob.getByTestId('remove-suppression').click();
    await page.getByTestId('remove-suppression-dialog-confirm').click();
    await page.getByTestId('suppressions-notice').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => bob.count(), { timeout: UI_TIMEOUT }).toBe(0);

    await page.getByTestId('import-suppressions').click();
    await page.getByTestId('suppression-file').setInputFiles({
      name: 'old-crm.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'email,name\ncy@example-mail.com,Cy\n"dee@example-mail.com","Dee, D."\nnot-an-address\n',
      ),
    });
    await page.getByTestId('suppression-import-review').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('import-found').textContent()).toBe('2 addresses to suppress');
    expect(await page.getByTestId('import-skipped').textContent()).toBe('1 line left out');
    await page.getByTestId('suppression-import-submit').click();
    await page.getByTestId('suppression-import-result').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('suppression-import-result').textContent()).toContain('2 added, 1 skipped');
    await page.getByTestId('suppression-import-done').click();
    await row('suppressions-row', 'data-email', 'dee@example-mail.com').waitFor({ timeout: UI_TIMEOUT });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-suppressions').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/-suppressions-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = (await readFile((await download.path()) ?? '', 'utf8')).trim().split(/\r\n/);
    expect(lines[0]).toBe('email,reason,source,suppressed_at');
    expect(
      lines
        .slice(1)
        .map((line) => line.split(',').slice(0, 3).join(','))
        .sort(),
    ).toEqual([
      'ada@example-mail.com,unsubscribed,dashboard',
      'cy@example-mail.com,manual,old-crm.csv',
      'dee@example-mail.com,manual,old-crm.csv',
    ]);
    await shot(page, 'compliance.png');
  });

  it("downloads the person's data as JSON: profile, subscriptions, consent record, suppression", {
    timeout: 60_000,
  }, async () => {
    await page.goto(inWorkspace(`contacts/${story.contactId}`));
    await page.getByTestId('consent-timeline').waitFor({ timeout: UI_TIMEOUT });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-contact-data').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(
      new RegExp(`-contact-${story.contactId.replaceAll('-', '').slice(0, 8)}-\\d{4}-\\d{2}-\\d{2}\\.json$`),
    );
    const data = JSON.parse(await readFile((await download.path()) ?? '', 'utf8'));
    expect(data).toMatchObject({
      format: 'postern.contact-export/1',
      workspaceId: suite.workspaceId,
      profile: { id: story.contactId, email: 'ada@example-mail.com', name: 'Ada Lovelace' },
      subscriptions: [
        { listId: story.listId, listName: 'Weekly letter', status: 'unsubscribed', express: true },
      ],
      suppression: { suppressed: true, reason: 'unsubscribed' },
      pendingConfirmations: [],
      campaignEvents: [],
    });
    const events = data.consentEvents as { type: string; email: string | null; actorId: string | null }[];
    expect(events.map((e) => e.type)).toEqual(['subscribed', 'unsubscribed', 'consent_withdrawn']);
    expect(events.every((e) => e.email === 'ada@example-mail.com')).toBe(true);
  });

  it('erases the person after a typed confirmation: the timeline remains, with nothing that identifies them', {
    timeout: 60_000,
  }, async () => {
    await page.goto(inWorkspace(`contacts/${story.contactId}`));
    await page.getByTestId('erase-contact').click();
    const dialog = page.getByTestId('erase-contact-dialog');
    await dialog.getByTestId('erase-contact-explanation').waitFor({ timeout: UI_TIMEOUT });
    expect(await dialog.getByTestId('erase-contact-explanation').textContent()).toMatch(
      /Deleted:.*subscriptions.*Kept:.*consent events.*suppression entry.*keyed hash.*cannot be undone/s,
    );
    const confirm = page.getByTestId('erase-contact-dialog-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('erase-contact-typed').fill('ada@example-mail.co');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('erase-contact-typed').press('Enter');
    expect(await page.getByTestId('contact-title').textContent()).toBe('ada@example-mail.com');
    await expectAccessible(page, 'contacts: erase a person', '[data-testid="erase-contact-dialog"]');
    await page.getByTestId('erase-contact-typed').fill(' ADA@example-mail.com ');
    expect(await confirm.isDisabled()).toBe(false);
    await shot(page, 'contact-erase.png');
    await confirm.click();
    await page.getByTestId('contacts-notice').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('contacts-notice').textContent()).toContain(
      'ada@example-mail.com was erased',
    );
    await page.goto(inWorkspace(`contacts/${story.contactId}`));
    await page.getByTestId('consent-erased').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('contact-title').textContent()).toBe('Erased person');
    const timeline = (await page.getByTestId('consent-timeline').textContent()) ?? '';
    expect(timeline).toContain('Subscribed');
    expect(timeline).toContain('Unsubscribed');
    expect(timeline).not.toContain('ada@example-mail.com');
    // Gone from the contacts, and a tombstone on the suppression list: still suppressed, no address.
    await nav('Contacts').click();
    // Ada was the only contact: the list is empty now.
    await page.getByTestId('contacts-empty').waitFor({ timeout: UI_TIMEOUT });
    expect(await row('contacts-row', 'data-email', 'ada@example-mail.com').count()).toBe(0);
    await nav('Compliance').click();
    const tombstone = row('suppressions-row', 'data-email', '(erased person)');
    await tombstone.waitFor({ timeout: UI_TIMEOUT });
    expect(await tombstone.getAttribute('data-reason')).toBe('unsubscribed');
    expect(await page.getByTestId('suppressions-table').textContent()).not.toContain('ada@example-mail.com');
  });

  it('leaves no serious accessibility problem on the pages, at 1440 px and 390 px (and dark)', {
    timeout: 180_000,
  }, async () => {
    await page.goto(inWorkspace('contacts'));
    await page.getByTestId('add-contact').click();
    await page.getByLabel('Email address').fill('eve@example-mail.com');
    await page.getByTestId('contact-list-select').selectOption({ label: 'Weekly letter' });
    await page.getByTestId('add-contact-submit').click();
    const eve = row('contacts-row', 'data-email', 'eve@example-mail.com');
    await eve.waitFor({ timeout: UI_TIMEOUT });
    const eveId = (await eve.getAttribute('data-contact-id')) ?? '';
    await sweepAccessibility(page, inWorkspace, [
      { path: 'contacts', ready: 'contacts-table' },
      { path: `contacts/${eveId}`, ready: 'consent-timeline' },
      { path: 'lists', ready: 'lists-table' },
      { path: 'compliance', ready: 'suppressions-table' },
    ]);
    expectClean(
      problems,
      /^(401 \/trpc\/auth\.me|409 \/trpc\/contacts\.lists\.subscribe|404 \/trpc\/contacts\.get)$/,
    );
  });
});
