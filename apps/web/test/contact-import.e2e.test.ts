// A list's page and the contact import wizard in Chromium (built SPA, real API and worker, local DNS):
// the confirmation email edited and then received by someone who signs up through the copied embed
// snippet (pasted into a page of "another site"); a CSV imported with its columns mapped and the consent
// basis declared, the import followed to its end, its report of the rows left out (table and CSV), and
// the contacts in the list; axe on each page at 1440 px and 390 px.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { shot } from './support/browser.ts';
import { dashboardSuite, sweepAccessibility } from './support/dashboard-suite.ts';
import { mailLink } from './support/mail.ts';
import { expectClean, signUpIntoWorkspace, UI_TIMEOUT } from './support/page-checks.ts';
import { EXAMPLE_MAIL_ZONES } from './support/suite.ts';
import { mutate } from './support/trpc.ts';

const CSV = [
  'Email,Full name,Company,Plan',
  'ada@example-mail.com,Ada Lovelace,Analytical Engines,pro',
  'bob@example-mail.com,Bob Babbage,Difference Ltd,free',
  'not-an-address,Nobody,Nowhere,free',
  'ada@example-mail.com,Ada again,Elsewhere,pro',
  '',
].join('\n');

describe('list settings and the contact import wizard (built SPA, real API + worker, Chromium)', () => {
  const suite = dashboardSuite({
    name: 'contact-import',
    dns: EXAMPLE_MAIL_ZONES,
    context: { viewport: { width: 1440, height: 900 } },
    prepare: (context, stack) =>
      context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.api?.url }),
  });
  const { stack, page, problems, url, inWorkspace } = suite;
  const owner = `lena.${Date.now()}@example.com`;
  const story = { listId: '', importPath: '' };

  it('opens a list’s page from the lists, and edits its confirmation email with a live preview', {
    timeout: 60_000,
  }, async () => {
    suite.workspaceId = await signUpIntoWorkspace(page, url(''), owner);
    const list = await mutate<{ id: string }>(page, 'contacts.lists.create', {
      workspaceId: suite.workspaceId,
      name: 'Weekly <letter>',
      doubleOptIn: true,
      consentText: 'I agree to receive the weekly letter.',
    });
    story.listId = list.id;
    await page.goto(inWorkspace('lists'));
    await page.getByRole('link', { name: 'Weekly <letter>', exact: true }).click();
    await page.getByTestId('list-page').waitFor({ timeout: UI_TIMEOUT });
    expect(new URL(page.url()).pathname).toBe(`/w/${suite.workspaceId}/lists/${story.listId}`);
    expect(await page.getByTestId('list-title').textContent()).toBe('Weekly <letter>');
    expect(await page.getByTestId('list-page-counts').textContent()).toBe('No subscribers yet');

    // The default email, previewed with the list's name; no reset offered while it is the default.
    expect(await page.getByTestId('confirmation-preview-subject').textContent()).toBe(
      'Please confirm your subscription to Weekly <letter>',
    );
    expect(await page.getByTestId('confirmation-reset').count()).toBe(0);
    // Losing the link is refused before anything is sent.
    await page.getByLabel('Body (plain text)').fill('Hello, no link here.');
    await page.getByTestId('confirmation-subject').fill('Confirm {{list}} now');
    expect(await page.getByTestId('confirmation-preview-subject').textContent()).toBe(
      'Confirm Weekly <letter> now',
    );
    await page.getByTestId('confirmation-save').click();
    await page.getByText('Keep {{confirm_url}} in the body').waitFor({ timeout: UI_TIMEOUT });
    await page
      .getByLabel('Body (plain text)')
      .fill('Hi,\n\nYou asked for {{list}} ({{first_name}}). Confirm here:\n{{confirm_url}}\n');
    expect(await page.getByTestId('confirmation-unknown').textContent()).toContain('{{first_name}}');
    expect(await page.getByTestId('confirmation-preview-body').textContent()).toMatch(
      /^Hi,\n\nYou asked for Weekly <letter> \(\{\{first_name\}\}\)\. Confirm here:\nhttp:\/\/127\.0\.0\.1:\d+\/p\/confirm\/…\n$/,
    );
    await expectAccessible(
      page,
      'list page: editing the confirmation email',
      '[data-testid="confirmation-card"]',
    );
    await page.getByTestId('confirmation-save').click();
    await page.getByTestId('list-notice').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('list-notice').textContent()).toContain(
      'The confirmation email was saved.',
    );

    // Stored: a fresh page shows it, and offers the way back to the default.
    await page.reload();
    await page.getByTestId('confirmation-card').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('confirmation-subject').inputValue()).toBe('Confirm {{list}} now');
    await page.getByTestId('confirmation-reset').waitFor();
    await shot(page, 'list-page.png');
  });

  it('copies the embed snippet, and a sign-up through it on another page gets the edited email', {
    timeout: 60_000,
  }, async () => {
    await page.getByTestId('copy-snippet').click();
    await page.getByTestId('copy-snippet').getByText('Copied').waitFor({ timeout: UI_TIMEOUT });
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(await page.getByTestId('embed-snippet').textContent());
    const action = `${stack.api?.url}/p/lists/${story.listId}/subscribe`;
    expect(copied).toContain(`<form method="post" action="${action}"`);
    expect(copied).toContain('name="website"');
    expect(await page.getByTestId('hosted-form-link').getAttribute('href')).toBe(action);

    // "Another site": a page that is not Postern's, holding only the pasted snippet.
    const site = await page.context().newPage();
    try {
      await site.setContent(
        `<!doctype html><html lang="en"><title>Acme</title><body>${copied}</body></html>`,
      );
      await site.getByLabel('Email address').fill('cy@example-mail.com');
      await site.getByLabel('Name (optional)').fill('Cy');
      await Promise.all([site.waitForURL(action), site.getByRole('button', { name: 'Subscribe' }).click()]);
      expect(await site.locator('h1').textContent()).toBe('Check your inbox');
    } finally {
      await site.close();
    }
    const subject = await mailLink(
      stack.mailDir ?? '',
      'cy@example-mail.com',
      /Subject: Confirm Weekly <letter> now/,
    );
    expect(subject).toBeTruthy();
    await mailLink(stack.mailDir ?? '', 'cy@example-mail.com', /You asked for Weekly <letter>/);
    await page.reload();
    await expect
      .poll(() => page.getByTestId('list-page-counts').textContent(), { timeout: UI_TIMEOUT })
      .toBe('1 unconfirmed');
  });

  it('imports a CSV: columns mapped, consent declared, followed to the end, its report and the contacts', {
    timeout: 90_000,
  }, async () => {
    await page.getByTestId('import-contacts').click();
    await page.getByTestId('import-page').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('file-input').setInputFiles({
      name: 'crm-export.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    await page.getByTestId('import-preview').waitFor({ timeout: UI_TIMEOUT });
    const column = (name: string) =>
      page.getByTestId('import-column').filter({ has: page.getByText(name, { exact: true }) });
    expect(await column('Email').getAttribute('data-use')).toBe('email');
    expect(await column('Full name').getAttribute('data-use')).toBe('name');
    await column('Company').getByTestId('import-column-use').selectOption('attribute');
    expect(await column('Company').getByTestId('import-attribute-key').inputValue()).toBe('company');
    // An attribute name the server would refuse is caught here.
    await column('Plan').getByTestId('import-column-use').selectOption('attribute');
    await column('Plan').getByTestId('import-attribute-key').fill('9 plan');
    await page.getByTestId('import-start').click();
    await page.getByTestId('import-basis').getByRole('alert').waitFor({ timeout: UI_TIMEOUT });
    expect(await column('Plan').getByText('Start with a letter or _').count()).toBe(1);
    await column('Plan').getByTestId('import-attribute-key').fill('plan');
    await page.getByTestId('import-basis-consent').check();
    await page.getByTestId('import-express').check();
    await expectAccessible(page, 'import wizard, every step shown');
    await shot(page, 'import-wizard.png');
    await page.getByTestId('import-start').click();

    await page.waitForURL(/\/lists\/[0-9a-f-]{36}\/imports\/[0-9a-f-]{36}$/, { timeout: UI_TIMEOUT });
    story.importPath = new URL(page.url()).pathname;
    await expect
      .poll(() => page.getByTestId('import-job-page').getAttribute('data-status'), { timeout: 40_000 })
      .toBe('completed');
    expect(await page.getByTestId('import-count-rows').textContent()).toBe('4');
    expect(await page.getByTestId('import-count-imported').textContent()).toBe('2');
    expect(await page.getByTestId('import-count-skipped').textContent()).toBe('2');
    const reasons = page.locator('[data-testid="report-row"]');
    await expect.poll(() => reasons.count(), { timeout: UI_TIMEOUT }).toBe(2);
    expect(await reasons.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-reason')))).toEqual([
      'invalid_address',
      'duplicate_in_import',
    ]);
    await page.getByTestId('report-reason-filter').selectOption('duplicate_in_import');
    await expect.poll(() => reasons.count(), { timeout: UI_TIMEOUT }).toBe(1);
    await shot(page, 'contact-import.png');

    // The contacts are in the list, with their name and mapped attributes.
    await page.getByTestId('back-to-list').click();
    await expect
      .poll(() => page.getByTestId('list-page-counts').textContent(), { timeout: UI_TIMEOUT })
      .toBe('2 active · 1 unconfirmed');
    const imported = page.getByTestId('list-import-link');
    await imported.waitFor({ timeout: UI_TIMEOUT });
    expect(await imported.textContent()).toBe('crm-export.csv');
    expect(await imported.getAttribute('href')).toBe(story.importPath);
    const contacts = await page.evaluate(
      async (input) => (await fetch(`/trpc/contacts.list?input=${encodeURIComponent(input)}`)).json(),
      JSON.stringify({ workspaceId: suite.workspaceId, listId: story.listId }),
    );
    const rows = (
      contacts as {
        result: { data: { contacts: Array<{ email: string; name: string; attributes: object }> } };
      }
    ).result.data.contacts;
    expect(rows.map((row) => [row.email, row.name, row.attributes]).sort()).toEqual([
      ['ada@example-mail.com', 'Ada Lovelace', { company: 'Analytical Engines', plan: 'pro' }],
      ['bob@example-mail.com', 'Bob Babbage', { company: 'Difference Ltd', plan: 'free' }],
      ['cy@example-mail.com', 'Cy', {}],
    ]);
  });

  it('verifies each address when asked: those the policy rejects are reported, not subscribed', {
    timeout: 60_000,
  }, async () => {
    await page.goto(inWorkspace(`lists/${story.listId}/import`));
    await page.getByTestId('file-input').setInputFiles({
      name: 'fair.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('email\ndan@example-mail.com\neve@no-such-domain-here.com\n'),
    });
    await page.getByTestId('import-preview').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('import-basis-existing_customer').check();
    await page.getByTestId('import-verify').check();
    expect(await page.getByTestId('import-ready').textContent()).toContain('after verification');
    await page.getByTestId('import-start').click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/, { timeout: UI_TIMEOUT });
    await expect
      .poll(() => page.getByTestId('import-job-page').getAttribute('data-status'), { timeout: 40_000 })
      .toBe('completed');
    expect(await page.getByTestId('import-count-imported').textContent()).toBe('1');
    expect(await page.getByTestId('import-count-rejected').textContent()).toBe('1');
    const reported = page.locator('[data-testid="report-row"]');
    await expect.poll(() => reported.count(), { timeout: UI_TIMEOUT }).toBe(1);
    expect(await reported.getAttribute('data-reason')).toBe('rejected_by_verification');
    expect(await reported.getByTestId('report-email').textContent()).toBe('eve@no-such-domain-here.com');
  });

  it('downloads the report of the rows left out as CSV', { timeout: 30_000 }, async () => {
    await page.goto(url(story.importPath));
    await page.getByTestId('report-table').waitFor({ timeout: UI_TIMEOUT });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('report-download').click(),
    ]);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    expect(csv).toContain('not-an-address');
    expect(csv).toContain('duplicate_in_import');
    expect(csv).not.toContain('bob@example-mail.com');
  });

  it('leaves no serious accessibility problem on the pages, at 1440 px and 390 px (and dark)', {
    timeout: 150_000,
  }, async () => {
    const chooseFile = async () => {
      await page.getByTestId('file-input').setInputFiles({
        name: 'crm-export.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(CSV),
      });
      await page.getByTestId('import-preview').waitFor({ timeout: UI_TIMEOUT });
    };
    const visits = [
      { path: `lists/${story.listId}`, ready: 'embed-card' },
      { path: `lists/${story.listId}/import`, ready: 'drop-zone' },
      // The wizard with every step shown (the preview read, the columns and consent steps open).
      {
        path: `lists/${story.listId}/import`,
        ready: 'drop-zone',
        prepare: chooseFile,
        prepared: 'file chosen',
        shot: 'import-wizard-390.png',
      },
      { path: story.importPath.replace(`/w/${suite.workspaceId}/`, ''), ready: 'report-table' },
    ];
    await sweepAccessibility(page, inWorkspace, visits);
    expectClean(problems, /^401 \/trpc\/auth\.me$/);
  });
});
