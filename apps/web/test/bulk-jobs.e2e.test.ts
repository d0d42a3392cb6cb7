// Bulk verification jobs in a real browser: the built dashboard served by the real API, the real worker
// checking the addresses, both resolving names only through a local DNS server (DNS_SERVERS), so
// nothing here touches the network. A new account uploads a small CSV whose first column is not the
// email column; the preview finds the column; the job page follows the job live to 100% with its chart,
// the results download as CSV, the bell announces the completion, and the job is deleted. A viewer of
// the workspace is not offered the upload.
import { readFile } from 'node:fs/promises';
import { createOrm } from '@postern/db';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { shot } from './support/browser.ts';
import { dashboardSuite } from './support/dashboard-suite.ts';
import { expectClean, signUpIntoWorkspace, UI_TIMEOUT, watch } from './support/page-checks.ts';
import { EXAMPLE_MAIL_ZONES, probeEnv } from './support/suite.ts';

const JOBS_PATH = /^\/w\/([0-9a-f-]{36})\/jobs$/;
const JOB_PATH = /^\/w\/([0-9a-f-]{36})\/jobs\/([0-9a-f-]{36})$/;

/** A header, a first column that is not the addresses, a duplicate and a row without an address. */
const CSV = [
  'name,email,company',
  'Ada,ada@example-mail.com,Acme',
  'Bob,bob@example-mail.com,Acme',
  'Cy,cy@no-such-domain-here.com,Beta',
  'Ada again,ada@example-mail.com,Acme',
  'Dee,not-an-address,Gamma',
  '',
].join('\n');

describe('bulk jobs (built SPA, real API + worker, local DNS, Chromium)', () => {
  /** Bars jump to their value (no width transition), so screenshots show what the page says. */
  const CONTEXT = {
    viewport: { width: 1360, height: 900 },
    acceptDownloads: true,
    reducedMotion: 'reduce',
  } as const;
  /** Every path the page requested (to see the live event stream was used). */
  const requested: string[] = [];
  // The stack's fresh POSTERN_SECRET keeps verdicts of another run's cache out.
  const suite = dashboardSuite({
    name: 'bulk',
    dns: {
      ...EXAMPLE_MAIL_ZONES,
      // Answers late: a job with it runs long enough to watch.
      'slow-mail.com': { delayMs: 2_500, mx: [{ exchange: 'mx.slow-mail.com', priority: 10 }] },
      // Never answers usefully: its addresses come out unknown.
      'broken-mail.com': { rcode: 'SERVFAIL' as const },
      'mx.slow-mail.com': { a: ['192.0.2.26'] },
    },
    dnsTimeoutMs: 5000,
    // Small, so a refused upload is cheap to provoke.
    env: () => ({ ...probeEnv(), BULK_MAX_UPLOAD_BYTES: '4096' }),
    context: CONTEXT,
    prepare: async (context) => {
      context.on('request', (request) => requested.push(new URL(request.url()).pathname));
    },
  });
  const { stack, page, problems, url, nav } = suite;
  const story = { workspaceId: '', jobId: '' };

  const pathOf = (p: Page) => new URL(p.url()).pathname;
  const bell = () => page.locator('aside [data-testid="notification-bell"]');

  it('uploads a CSV: the preview finds the email column, the job page follows it to 100%', {
    timeout: 40_000,
  }, async () => {
    story.workspaceId = await signUpIntoWorkspace(page, url(''), `bea.${Date.now()}@example.com`);

    await nav('Bulk jobs').click();
    await page.waitForURL((u) => JOBS_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    await page.getByTestId('jobs-empty').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => page.title()).toMatch(/^Bulk jobs · .+ · Postern$/);
    await page.getByTestId('upload-empty').click();

    // The preview: the header names the column, the first column holds no address.
    await page.getByTestId('file-input').setInputFiles({
      name: 'leads.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV, 'utf8'),
    });
    await page.getByTestId('preview').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('preview-format').textContent()).toContain(
      'CSV (comma-separated), with a header row',
    );
    const columns = page.getByTestId('preview-column');
    expect(await columns.count()).toBe(3);
    expect(await columns.nth(1).getAttribute('data-chosen')).toBe('true');
    expect(await columns.nth(0).getAttribute('data-chosen')).toBe('false');
    expect(await columns.nth(1).getByTestId('detected-badge').count()).toBe(1);
    expect(await columns.nth(0).getByTestId('column-share').textContent()).toBe('0% addresses');
    expect(await columns.nth(1).getByTestId('column-share').textContent()).toBe('80% addresses');
    expect(await page.getByTestId('column-select').inputValue()).toBe('1');
    expect(await page.getByTestId('preview-table').textContent()).toContain('ada@example-mail.com');
    await shot(page, 'bulk-preview.png');

    await page.getByTestId('job-name').fill('E2E leads');
    await page.getByTestId('start-job').click();
    await page.waitForURL((u) => JOB_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    story.jobId = JOB_PATH.exec(pathOf(page))?.[2] ?? '';

    // Live to the end: 100%, the chart and its legend, the summary of the upload.
    await expect
      .poll(() => page.getByTestId('job-page').getAttribute('data-status'), { timeout: 25_000 })
      .toBe('completed');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('E2E leads');
    expect(await page.getByTestId('job-percent').textContent()).toBe('100%');
    expect(await page.getByTestId('job-processed').textContent()).toBe('3 of 3 addresses checked');
    expect(await page.getByTestId('job-progress').getAttribute('aria-valuenow')).toBe('100');
    await page
      .locator('[data-testid="status-chart"] .recharts-pie-sector')
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('chart-centre').textContent()).toBe('100%');
    const legend = await page
      .getByTestId('legend-item')
      .evaluateAll((items) =>
        items.map((item) => [
          item.getAttribute('data-status'),
          item.querySelector('[data-testid="legend-count"]')?.textContent,
        ]),
      );
    expect(legend).toEqual([
      ['deliverable', '2'],
      ['undeliverable', '1'],
    ]);
    expect(await page.getByTestId('summary-column').textContent()).toBe('email');
    expect(await page.getByTestId('summary-duplicates').textContent()).toBe('1');
    expect(await page.getByTestId('summary-rejected').textContent()).toBe('1');
    expect(await page.getByTestId('rejected-row').getAttribute('data-reason')).toBe('no_at_sign');
    expect(await page.getByTestId('job-expiry').textContent()).toMatch(
      /^Results are deleted on \d{1,2} \w{3} \d{4}/,
    );
    expect(await page.getByTestId('retry-unknown').count()).toBe(0);
    expect(await page.getByTestId('cancel-job').count()).toBe(0);
    // Followed through the event stream, not by polling.
    expect(requested).toContain(`/api/w/${story.workspaceId}/jobs/${story.jobId}/events`);

    // The results, in file order, filterable.
    await expect
      .poll(() => page.getByTestId('result-email').allTextContents(), { timeout: UI_TIMEOUT })
      .toEqual(['ada@example-mail.com', 'bob@example-mail.com', 'cy@no-such-domain-here.com']);
    await page.getByTestId('results-filter').selectOption('undeliverable');
    await expect
      .poll(() => page.getByTestId('result-email').allTextContents(), { timeout: UI_TIMEOUT })
      .toEqual(['cy@no-such-domain-here.com']);
    expect(stack.dns?.queries('example-mail.com')).toBeGreaterThan(0);
    await shot(page, 'bulk-job-done.png');
  });

  it('downloads the results as CSV', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: UI_TIMEOUT }),
      page.getByTestId('download-csv').click(),
    ]);
    const file = await download.path();
    const text = await readFile(file, 'utf8');
    const lines = text.trim().split(/\r?\n/);
    // Every data row of the file, in file order: the duplicate and the refused row included.
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^row,email,email_ascii,status,reason,action,policy_action,duplicate_of,/);
    expect(lines[1]).toMatch(/^2,ada@example-mail\.com,ada@example-mail\.com,deliverable,/);
    expect(lines[2]).toMatch(/^3,bob@example-mail\.com,.*,deliverable,/);
    expect(lines[3]).toMatch(/^4,cy@no-such-domain-here\.com,.*,undeliverable,/);
    expect(lines[4]).toMatch(/^5,ada@example-mail\.com,ada@example-mail\.com,duplicate,duplicate,,,2,/);
    expect(lines[5]).toMatch(/^6,not-an-address,,rejected,invalid_syntax,reject,reject,,/);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);

    // Only the undeliverable ones.
    await page.getByTestId('download-filter').selectOption('undeliverable');
    const [filtered] = await Promise.all([
      page.waitForEvent('download', { timeout: UI_TIMEOUT }),
      page.getByTestId('download-csv').click(),
    ]);
    const filteredLines = (await readFile(await filtered.path(), 'utf8')).trim().split(/\r?\n/);
    expect(filteredLines).toHaveLength(2);
    expect(filteredLines[1]).toContain('cy@no-such-domain-here.com');
  });

  it('adds the results to the original file in the browser: byte for byte, nothing uploaded', async () => {
    // The original with a BOM and CRLF line breaks (the upload had LF: the join goes by row numbers).
    const original = Buffer.from(`\uFEFF${CSV.replaceAll('\n', '\r\n')}`, 'utf8');
    const sent: string[] = [];
    const onRequest = (request: { method(): string; url(): string; postData(): string | null }) => {
      if (request.method() !== 'GET')
        sent.push(`${request.method()} ${request.url()} ${request.postData() ?? ''}`);
    };
    page.on('request', onRequest);
    const [joined] = await Promise.all([
      page.waitForEvent('download', { timeout: UI_TIMEOUT }),
      page
        .getByTestId('join-file-input')
        .setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: original }),
    ]);
    page.off('request', onRequest);
    expect(joined.suggestedFilename()).toBe('leads-with-results.csv');
    await page.getByTestId('join-success').waitFor({ timeout: UI_TIMEOUT });
    const out = await readFile(await joined.path());
    const records = original.toString('utf8').split('\r\n');
    const lines = out.toString('utf8').split('\r\n');
    expect(lines).toHaveLength(records.length);
    // Each row is the original's, byte for byte, followed by the appended columns.
    for (const [i, line] of lines.entries()) {
      const record = records[i] as string;
      if (record === '') {
        expect(line).toBe('');
        continue;
      }
      expect(line.startsWith(`${record},`), `row ${i + 1}`).toBe(true);
      expect(line.slice(record.length + 1).split(',')).toHaveLength(14);
    }
    expect(out.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(lines[0]).toBe(
      '\uFEFFname,email,company,status,reason,action,policy_action,duplicate_of,suggestion,free_provider,role_account,disposable,catch_all,has_mx,mx_host,smtp_reply_code,checked_at',
    );
    expect(lines[1]).toMatch(/^Ada,ada@example-mail\.com,Acme,deliverable,mail_host_found,accept,accept,,/);
    expect(lines[4]).toMatch(/^Ada again,ada@example-mail\.com,Acme,duplicate,duplicate,,,2,/);
    expect(lines[5]).toMatch(/^Dee,not-an-address,Gamma,rejected,invalid_syntax,reject,reject,,/);
    // The file stayed in the browser: no request carried it (the session renewal is a tRPC GET).
    expect(sent.filter((entry) => entry.includes('Ada again'))).toEqual([]);
    expect(sent.filter((entry) => /\/jobs(\?|$| )/.test(entry))).toEqual([]);

    // Another file: refused with a clear message, nothing saved.
    await page.getByTestId('join-file-input').setInputFiles({
      name: 'other.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('email\nx@example-mail.com\n'),
    });
    await page.getByTestId('join-error').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('join-error').textContent()).toMatch(
      /Pick the file this job was made from/,
    );
  });

  it('announces the completion in the bell, which marks it read', async () => {
    await expect.poll(() => bell().getAttribute('data-unread'), { timeout: UI_TIMEOUT }).toBe('1');
    expect(await bell().getByTestId('notification-count').textContent()).toBe('1');
    await bell().click();
    const panel = page.locator('aside [data-testid="notification-panel"]');
    await panel.waitFor();
    const item = panel.getByTestId('notification');
    expect(await item.count()).toBe(1);
    expect(await item.getAttribute('data-kind')).toBe('bulk_job.completed');
    expect(await item.getAttribute('data-unread')).toBe('true');
    expect(await item.getByTestId('notification-title').textContent()).toContain('E2E leads');
    expect(await item.getByTestId('notification-body').textContent()).toContain('3 of 3 addresses checked');
    expect(await item.locator('a').getAttribute('href')).toBe(`/w/${story.workspaceId}/jobs/${story.jobId}`);
    await shot(page, 'bulk-notification.png');

    await panel.getByTestId('mark-all-read').click();
    await expect.poll(() => bell().getAttribute('data-unread'), { timeout: UI_TIMEOUT }).toBe('0');
    expect(await bell().getByTestId('notification-count').count()).toBe(0);
    expect(await item.getAttribute('data-unread')).toBe('false');
    await page.keyboard.press('Escape');
  });

  it('lists the job, and deletes it: the list is empty again', async () => {
    await page.getByTestId('back-to-jobs').click();
    await page.waitForURL((u) => JOBS_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    const row = page.getByTestId('jobs-row');
    await row.waitFor({ timeout: UI_TIMEOUT });
    expect(await row.count()).toBe(1);
    expect(await row.getByTestId('job-link').textContent()).toBe('E2E leads');
    expect(await row.getByTestId('job-status').textContent()).toBe('Completed');
    expect(await row.getByTestId('job-total').textContent()).toBe('3');
    expect(await row.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(await row.locator('td').last().textContent()).toMatch(/^\d{1,2} \w{3} \d{4}$/);
    expect(await page.getByTestId('jobs-load-more').count()).toBe(0);
    await shot(page, 'bulk-list.png');
    await row.getByTestId('job-link').click();
    await page.waitForURL((u) => JOB_PATH.test(u.pathname), { timeout: UI_TIMEOUT });

    await page.getByTestId('delete-job').click();
    const dialog = page.getByTestId('delete-job-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('E2E leads');
    await page.getByTestId('delete-job-dialog-confirm').click();
    await page.waitForURL((u) => JOBS_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    await page.getByTestId('jobs-empty').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('upload-list').count()).toBe(1);

    // The job is gone: its page says so.
    await page.goto(url(`/w/${story.workspaceId}/jobs/${story.jobId}`));
    await page.getByTestId('job-not-found').waitFor({ timeout: UI_TIMEOUT });
    await page.goto(url(`/w/${story.workspaceId}/jobs`));
    await page.getByTestId('jobs-empty').waitFor({ timeout: UI_TIMEOUT });
    await shot(page, 'bulk-empty.png');

    // The bell's notification about it says it was deleted, instead of leading to "Job not found".
    await bell().click();
    const item = page.locator('aside [data-testid="notification-panel"]').getByTestId('notification');
    await item.getByTestId('notification-deleted').waitFor({ timeout: UI_TIMEOUT });
    expect(await item.getByTestId('notification-deleted').textContent()).toBe(
      'This job has since been deleted.',
    );
    expect(await item.locator('a').count()).toBe(0);
    await page.keyboard.press('Escape');
  });

  it('says when a file holds no addresses, and when the server refuses it', async () => {
    await page.getByTestId('upload-list').click();
    await page.getByTestId('file-input').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('hello\nworld\nagain\n', 'utf8'),
    });
    await page.getByTestId('no-email-column').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('no-email-column').textContent()).toContain(
      'No column holds email addresses',
    );
    expect(await page.getByTestId('start-job').isDisabled()).toBe(true);
    expect(await page.getByTestId('column-select').inputValue()).toBe('');

    // Over the server's limit (BULK_MAX_UPLOAD_BYTES, 4 KiB here): the page knows the deployment's
    // limit (bulk.limits) and refuses the file before sending a byte (the server's 413 is tested in apps/api).
    const rows = Array.from({ length: 300 }, (_, index) => `Person ${index},p${index}@example-mail.com`);
    await page.getByTestId('change-file').click();
    expect(await page.getByTestId('drop-zone').textContent()).toContain('up to 4 KB');
    await page.getByTestId('file-input').setInputFiles({
      name: 'big.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(['name,email', ...rows].join('\n'), 'utf8'),
    });
    const error = page.getByTestId('file-error');
    await error.waitFor({ timeout: UI_TIMEOUT });
    expect(await error.textContent()).toContain('The file is larger than 4 KB');
    expect(await page.getByTestId('preview').count()).toBe(0);
    await shot(page, 'bulk-upload-error.png');
    await page.getByTestId('upload-page').getByRole('link', { name: 'Bulk jobs' }).click();
    await page.getByTestId('jobs-empty').waitFor({ timeout: UI_TIMEOUT });

    // Refusals on purpose: signed-out `auth.me` before signing up; the deleted job; the large file.
    expectClean(problems, /^(401 \/trpc\/auth\.me|404 \/trpc\/bulk\.get)$/);
  });

  it('does not offer the upload to a viewer', async () => {
    const context = await suite.newContext(CONTEXT);
    const viewer = await context.newPage();
    const viewerProblems = watch(viewer);
    const email = `vic.${Date.now()}@example.com`;
    await signUpIntoWorkspace(viewer, url(''), email);

    // Made a viewer of the owner's workspace directly in the database (the invitation flow has its own test).
    const orm = await createOrm({ databaseUrl: stack.db?.url ?? '', poolMax: 1 });
    try {
      await orm.em
        .fork()
        .getConnection()
        .execute(
          `insert into workspace_member (id, workspace_id, user_id, role, created_at, updated_at)
           select gen_random_uuid(), ?, id, 'viewer', now(), now() from app_user where email = ?`,
          [story.workspaceId, email],
        );
    } finally {
      await orm.close(true);
    }

    await viewer.goto(url(`/w/${story.workspaceId}/jobs`));
    await viewer.getByTestId('jobs-empty').waitFor({ timeout: UI_TIMEOUT });
    expect(await viewer.getByTestId('jobs-empty').textContent()).toContain(
      'Owners, admins and members upload',
    );
    expect(await viewer.getByTestId('upload-list').count()).toBe(0);
    expect(await viewer.getByTestId('upload-empty').count()).toBe(0);
    await viewer.goto(url(`/w/${story.workspaceId}/jobs/new`));
    await viewer.getByTestId('upload-forbidden').waitFor({ timeout: UI_TIMEOUT });
    expect(await viewer.getByTestId('file-input').count()).toBe(0);
    expectClean(viewerProblems, /^401 \/trpc\/auth\.me$/);
  });

  it('falls back to polling when the event stream fails, and retries unknown results', {
    timeout: 40_000,
  }, async () => {
    // The event stream cannot connect: the job page polls bulk.get instead.
    await page.route(/\/events$/, (route) => route.abort());
    try {
      await page.goto(url(`/w/${story.workspaceId}/jobs/new`));
      await page.getByTestId('file-input').setInputFiles({
        name: 'slow.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('email\nann@slow-mail.com\nben@broken-mail.com\n', 'utf8'),
      });
      await page.getByTestId('preview').waitFor({ timeout: UI_TIMEOUT });
      await page.getByTestId('start-job').click();
      await page.waitForURL((u) => JOB_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
      const jobId = JOB_PATH.exec(pathOf(page))?.[2] ?? '';
      const polledFrom = requested.length;

      await expect
        .poll(() => page.getByTestId('live-mode').textContent(), { timeout: UI_TIMEOUT })
        .toBe('Updating every 2 seconds');
      expect(await page.getByTestId('cancel-job').count()).toBe(1);
      await expect
        .poll(() => page.getByTestId('job-page').getAttribute('data-status'), { timeout: 25_000 })
        .toBe('completed');
      expect(requested.slice(polledFrom).filter((path) => path.includes('bulk.get')).length).toBeGreaterThan(
        1,
      );
      expect(requested).toContain(`/api/w/${story.workspaceId}/jobs/${jobId}/events`);
      await expect
        .poll(() =>
          page.getByTestId('legend-item').evaluateAll((items) => items.map((i) => i.dataset.status)),
        )
        .toEqual(['deliverable', 'unknown']);

      // The unknown result is checked again (still unknown: the domain keeps failing).
      await page.getByTestId('retry-unknown').click();
      await expect
        .poll(() => page.getByTestId('progress-card').textContent(), { timeout: 25_000 })
        .toContain('Unknown results retried 1 time');
      await expect
        .poll(() => page.getByTestId('job-page').getAttribute('data-status'), { timeout: 25_000 })
        .toBe('completed');
      await shot(page, 'bulk-job-retried.png');

      await page.getByTestId('delete-job').click();
      await page.getByTestId('delete-job-dialog-confirm').click();
      await page.getByTestId('jobs-empty').waitFor({ timeout: UI_TIMEOUT });
      expect(problems.pageErrors).toEqual([]);
    } finally {
      await page.unroute(/\/events$/);
    }
  });
});
