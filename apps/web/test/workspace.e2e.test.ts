// Workspaces in a real browser: the built dashboard served by the real API, mail delivered by the real
// worker into a folder, Chromium driving two people. The owner signs up (landing in their workspace),
// invites a teammate by email; the teammate opens the emailed link signed out, signs up with that
// address and accepts; the owner promotes them, reads the audit log (filters, details, CSV export,
// chain verification), then creates an API key, sees its secret once, calls the public API with it
// from here, watches the usage appear, revokes it, and the same call is refused.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cspViolations, prepareBrowserRun, RESULTS, recordCspViolations, shot } from './support/browser.ts';
import { mailLink } from './support/mail.ts';
import {
  expectClean,
  PASSWORD,
  type PageProblems,
  signUpIntoWorkspace,
  UI_TIMEOUT,
  WORKSPACE_PATH,
  watchedPage,
} from './support/page-checks.ts';
import { openPages, type Stack, saveFailure, startWebStack, stopStack } from './support/suite.ts';

// ---- page hygiene -------------------------------------------------------------------------------

/** No CSP violation on the page, and nothing else broken beyond the `expected` refusals. */
async function expectCleanPage(page: Page, problems: PageProblems, expected: RegExp) {
  expect(await cspViolations(page)).toEqual([]);
  expectClean(problems, expected);
}

/** Nothing on the page is wider than the window (no sideways scrolling). */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

// ---- the story ----------------------------------------------------------------------------------

describe('workspaces, members, audit log and API keys (built SPA, real API + worker, Chromium)', () => {
  const stack: Stack = {};
  const contexts: BrowserContext[] = [];

  const stamp = Date.now();
  const ownerEmail = `olivia.${stamp}@example.com`;
  const memberEmail = `max.${stamp}@example.com`;
  /** Filled as the story goes on. */
  const story = { workspaceId: '', workspaceName: '', invitationLink: '', secret: '' };
  let owner: { page: Page; problems: PageProblems } | undefined;
  let member: { page: Page; problems: PageProblems } | undefined;

  const url = (path: string) => `${stack.api?.url}${path}`;
  const pathOf = (page: Page) => new URL(page.url()).pathname;

  async function newContext(): Promise<BrowserContext> {
    if (!stack.browser || !stack.api) throw new Error('setup failed');
    const context = await stack.browser.newContext({
      viewport: { width: 1360, height: 900 },
      acceptDownloads: true,
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.api.url });
    await recordCspViolations(context);
    contexts.push(context);
    return context;
  }

  /** The audit rows on screen, as their event types. */
  const auditTypes = (page: Page) =>
    page
      .locator('[data-testid="audit-row"]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event-type')));

  beforeAll(async () => {
    await prepareBrowserRun();
    await startWebStack(stack);
  });

  afterEach((test) => saveFailure(test, 'failed-ws', openPages(contexts), stack));

  afterAll(() => stopStack(stack, { contexts }));

  it('signs the owner up into their own workspace, and invites a teammate by email', {
    timeout: 60_000,
  }, async () => {
    const context = await newContext();
    const { page, problems } = await watchedPage(context);
    owner = { page, problems };

    // Signed in: straight into the workspace every account gets.
    story.workspaceId = await signUpIntoWorkspace(page, url(''), ownerEmail);
    // It opens on the workspace's home; the members are one page away.
    await page.goto(url(`/w/${story.workspaceId}/members`));
    await page.getByTestId('members-table').waitFor({ timeout: UI_TIMEOUT });
    story.workspaceName = (await page.getByTestId('current-workspace-name').textContent()) ?? '';
    expect(story.workspaceName).toContain('olivia');
    expect(await page.getByTestId('current-workspace-role').textContent()).toBe('Owner');
    // Signed up on their own: the address is not proven yet.
    await page.getByTestId('verify-email-banner').waitFor();
    expect(
      await page.evaluate(
        () => Object.entries(localStorage).find(([k]) => k.startsWith('postern.lastWorkspace'))?.[1],
      ),
    ).toBe(story.workspaceId);
    const me = page.locator('[data-testid="members-row"][data-you="true"]');
    expect(await me.getByTestId('member-email').textContent()).toBe(ownerEmail);
    // The only owner: the role cannot change (the server keeps an owner), so no selector.
    expect(await me.getByTestId('member-role').textContent()).toBe('Owner');
    expect(await me.getByTestId('member-role-select').count()).toBe(0);
    await expect.poll(() => page.title()).toBe(`Members · ${story.workspaceName} · Postern`);
    // The owner's pages are all linked.
    for (const name of ['Members', 'API keys', 'Audit log']) {
      expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).count()).toBe(
        1,
      );
    }

    // A malformed address is caught here; a good one is sent.
    await page.getByTestId('invite-email').fill('not-an-address');
    await page.getByTestId('invite-submit').click();
    await page.getByText('Enter a valid email address.').waitFor();
    await page.getByTestId('invite-email').fill(memberEmail);
    await page.getByTestId('invite-role').selectOption('member');
    await page.getByTestId('invite-submit').click();
    await page.getByTestId('invite-sent').waitFor({ timeout: UI_TIMEOUT });
    const pending = page.locator(`[data-testid="invitations-row"][data-email="${memberEmail}"]`);
    await pending.waitFor({ timeout: UI_TIMEOUT });
    expect(await pending.textContent()).toContain(ownerEmail);
    expect(await pending.textContent()).toContain('Member');
    await shot(page, 'workspace-members-invited.png');

    // The switcher: this workspace, current; and a way to create another.
    await page.getByTestId('workspace-switcher').click();
    await page.getByTestId('workspace-menu').waitFor();
    expect(await page.getByTestId('workspace-option').count()).toBe(1);
    expect(await page.getByTestId('workspace-option').getAttribute('aria-current')).toBe('true');
    await page.screenshot({ path: join(RESULTS, 'workspace-switcher.png') });
    await page.keyboard.press('Escape');
    await page.getByTestId('workspace-menu').waitFor({ state: 'detached' });

    story.invitationLink = await mailLink(
      stack.mailDir ?? '',
      memberEmail,
      /https?:\/\/[^\s"<>]+\/invitations\/accept\?token=[\w%-]+/,
    );
    expect(new URL(story.invitationLink).origin).toBe(stack.api?.url);

    // Opened by someone else (the owner is signed in): it says whose it is, and offers to switch.
    await page.goto(story.invitationLink);
    await page.getByTestId('invitation-wrong-account').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('invitation-wrong-account').textContent()).toContain(memberEmail);
    expect(await page.getByTestId('accept-invitation').count()).toBe(0);
    await page.getByTestId('invitation-switch-account').waitFor();
    await shot(page, 'invitation-wrong-account.png');
    await page.goto(url(`/w/${story.workspaceId}/members`));
    await page.getByTestId('members-table').waitFor({ timeout: UI_TIMEOUT });

    await expectCleanPage(page, problems, /^401 \/trpc\/auth\.me$/);
  });

  it('lets the invited teammate sign up from the link and join', { timeout: 60_000 }, async () => {
    const context = await newContext();
    const { page, problems } = await watchedPage(context);
    member = { page, problems };

    // Signed out: the invitation is shown, with the way in.
    await page.goto(story.invitationLink);
    await page.getByTestId('invitation-preview').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('invitation-workspace').textContent()).toBe(story.workspaceName);
    expect(await page.getByTestId('invitation-inviter').textContent()).toBe(ownerEmail);
    expect(await page.getByTestId('invitation-role').textContent()).toBe('Member');
    expect(await page.getByTestId('invitation-email').textContent()).toBe(memberEmail);
    await page.getByTestId('invitation-signed-out').waitFor();
    await shot(page, 'invitation-signed-out.png');

    await page.getByTestId('invitation-sign-up').click();
    await page.waitForURL((u) => u.pathname === '/sign-up');
    // The form knows the address, and comes back to the invitation afterwards.
    expect(await page.getByLabel('Email address').inputValue()).toBe(memberEmail);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByTestId('sign-up-submit').click();
    await page.waitForURL((u) => u.pathname === '/invitations/accept', { timeout: UI_TIMEOUT });
    await page.getByTestId('accept-invitation').waitFor({ timeout: UI_TIMEOUT });
    await shot(page, 'invitation-signed-in.png');

    await page.getByTestId('accept-invitation').click();
    await page.waitForURL(url(`/w/${story.workspaceId}/members`), { timeout: UI_TIMEOUT });
    await page.getByTestId('joined-notice').waitFor();
    await page.getByTestId('members-table').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('current-workspace-name').textContent()).toBe(story.workspaceName);
    expect(await page.getByTestId('current-workspace-role').textContent()).toBe('Member');
    // Signed up from the invitation mailed to them: the address is proven, nothing to confirm.
    expect(await page.getByTestId('verify-email-banner').count()).toBe(0);
    // A member: no invitations to send, no role selectors, no audit log.
    expect(await page.getByTestId('invite-card').count()).toBe(0);
    expect(await page.getByTestId('member-role-select').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page.getByTestId('workspace-switcher').click();
    expect(await page.getByTestId('workspace-option').count()).toBe(2);
    await page.keyboard.press('Escape');
    await shot(page, 'workspace-members-as-member.png');
    // Opening the audit log by its address says why not.
    await page.goto(url(`/w/${story.workspaceId}/audit`));
    await page.getByTestId('workspace-forbidden').waitFor({ timeout: UI_TIMEOUT });

    // The link is used up.
    await page.goto(story.invitationLink);
    await page.getByTestId('invitation-invalid').waitFor({ timeout: UI_TIMEOUT });

    await expectCleanPage(page, problems, /^(401 \/trpc\/auth\.me|400 \/trpc\/invitations\.preview)$/);
  });

  it('lets the owner change the teammate’s role, and refuses to lose the last owner', {
    timeout: 60_000,
  }, async () => {
    if (!owner) throw new Error('previous steps failed');
    const { page } = owner;
    await page.reload();
    const row = page.locator(`[data-testid="members-row"][data-email="${memberEmail}"]`);
    await row.waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('invitations-empty').count()).toBe(1);
    const select = row.getByTestId('member-role-select');
    expect(await select.inputValue()).toBe('member');
    await select.selectOption('admin');
    // A promotion is confirmed first.
    await page.getByTestId('promote-dialog-confirm').click({ timeout: UI_TIMEOUT });
    await page.getByTestId('members-notice').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('members-notice').textContent()).toContain(`${memberEmail} is now admin`);
    expect(await select.inputValue()).toBe('admin');

    await shot(page, 'workspace-members.png');

    // The only owner cannot leave (workspace settings): the button is disabled and says why (#28).
    await page.goto(url(`/w/${story.workspaceId}/settings`));
    await page.getByTestId('leave-blocked').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('leave-blocked').textContent()).toContain('You are the only owner');
    expect(await page.getByTestId('leave-workspace').isDisabled()).toBe(true);
    await page
      .getByTestId('workspace-settings-card')
      .screenshot({ path: join(RESULTS, 'workspace-last-owner.png') });

    expectClean(owner.problems, /^401 \/trpc\/auth\.me$/);
  });

  it('shows the audit log with details, filters, a CSV export and a verified chain', {
    timeout: 60_000,
  }, async () => {
    if (!owner) throw new Error('previous steps failed');
    const { page } = owner;
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(url(`/w/${story.workspaceId}/audit`));
    await page.getByTestId('audit-table').waitFor({ timeout: UI_TIMEOUT });
    const types = await auditTypes(page);
    for (const type of ['workspace.created', 'member.invited', 'member.joined', 'member.role_changed'])
      expect(types).toContain(type);
    // Newest first.
    expect(types[0]).toBe('member.role_changed');
    await shot(page, 'audit-log.png');

    // The role change: who did it, to whom (named as everywhere: address and short id), what changed.
    const changed = page.locator('[data-testid="audit-row"][data-event-type="member.role_changed"]');
    expect(await changed.getByTestId('audit-actor').textContent()).toBe(ownerEmail);
    expect(await changed.getByTestId('audit-target').textContent()).toMatch(
      new RegExp(`^User “${memberEmail.replace(/[.+]/g, '\\$&')}” \\([0-9a-f]{8}\\)`),
    );
    expect(await changed.getByTestId('change-from').textContent()).toBe('member');
    expect(await changed.getByTestId('change-to').textContent()).toBe('admin');
    await changed.getByTestId('audit-details').click();
    const drawer = page.getByTestId('audit-entry-drawer');
    await drawer.getByTestId('entry-metadata').waitFor();
    const metadata = JSON.parse((await drawer.getByTestId('entry-metadata').textContent()) ?? '{}');
    expect(metadata).toEqual({ from: 'member', to: 'admin' });
    expect(await drawer.getByTestId('entry-ip').textContent()).toBe('127.0.0.1');
    expect(await drawer.getByTestId('entry-user-agent').textContent()).toMatch(/Chrom/);
    expect(await drawer.getByTestId('entry-hash').textContent()).toMatch(/^[0-9a-f]{32,}$/);
    expect(await drawer.getByTestId('entry-actor').textContent()).toContain(ownerEmail);
    expect(await drawer.getByTestId('entry-target').textContent()).toContain(memberEmail);
    await page.screenshot({ path: join(RESULTS, 'audit-entry.png') });
    await page.keyboard.press('Escape');
    await drawer.getByTestId('entry-metadata').waitFor({ state: 'detached' });

    // Filter to what the teammate did: joining.
    await page.getByTestId('actor-filter').selectOption({ label: memberEmail });
    await expect.poll(() => auditTypes(page), { timeout: UI_TIMEOUT }).toEqual(['member.joined']);
    expect(new URL(page.url()).searchParams.get('actor')).toMatch(/^[0-9a-f-]{36}$/);
    // Then to role changes (by anyone).
    await page.getByTestId('actor-filter').selectOption('');
    await page.getByTestId('event-type-filter').click();
    await page.getByTestId('event-type-option-member.role_changed').check();
    await page.screenshot({ path: join(RESULTS, 'audit-filter-menu.png') });
    await page.getByTestId('event-type-done').click();
    await expect.poll(() => auditTypes(page), { timeout: UI_TIMEOUT }).toEqual(['member.role_changed']);
    expect(new URL(page.url()).searchParams.getAll('type')).toEqual(['member.role_changed']);
    await shot(page, 'audit-log-filtered.png');
    // Actor and target are separate: the change was made to the teammate, not by them.
    await page.getByTestId('target-filter').selectOption({ label: memberEmail });
    await expect.poll(() => auditTypes(page), { timeout: UI_TIMEOUT }).toEqual(['member.role_changed']);
    expect(new URL(page.url()).searchParams.get('targetType')).toBe('user');
    await page.getByTestId('actor-filter').selectOption({ label: memberEmail });
    await page.getByTestId('audit-empty').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('actor-filter').selectOption('');
    await expect.poll(() => auditTypes(page), { timeout: UI_TIMEOUT }).toEqual(['member.role_changed']);

    // The export holds exactly the filtered view.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-csv').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^olivia-[\w-]*-audit-log-\d{4}-\d{2}-\d{2}-filtered\.csv$/);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      'seq,occurredAt,eventType,actorType,actorLabel,actorEmail,actorId,targetType,targetId,targetLabel,ip,userAgent,personErased,metadata,hash',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('member.role_changed');
    expect(lines[1]).toContain(ownerEmail);
    expect(csv).not.toContain('member.invited');
    await page.getByTestId('export-done').waitFor();
    expect(await page.getByTestId('export-done').textContent()).toContain('Exported 1 entry as CSV');

    // The chain verifies.
    await page.getByTestId('clear-filters').click();
    await page.getByTestId('verify-chain').click();
    const verified = page.getByTestId('verify-result');
    await verified.waitFor({ timeout: UI_TIMEOUT });
    expect(await verified.getAttribute('data-ok')).toBe('true');
    // The export and the verification are in the log too.
    await expect
      .poll(async () => (await auditTypes(page)).slice(0, 2), { timeout: UI_TIMEOUT })
      .toEqual(['audit.verified', 'audit.exported']);
    await shot(page, 'audit-verified.png');

    await expectCleanPage(page, owner.problems, /^401 \/trpc\/auth\.me$/);
  });

  it('creates an API key, shows its secret once, counts its use and refuses it once revoked', {
    timeout: 90_000,
  }, async () => {
    if (!owner || !stack.api) throw new Error('previous steps failed');
    const { page } = owner;
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.waitForURL(url(`/w/${story.workspaceId}/api-keys`));
    await page.getByTestId('keys-empty').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('plan-name').textContent()).toBe('Starter');
    expect(await page.getByTestId('plan-remaining-value').textContent()).toBe('100');
    expect(await page.getByTestId('api-snippet').textContent()).toContain(`${stack.api.url}/v1/me`);
    const docs = page.getByTestId('api-docs-link').first();
    expect(await docs.getAttribute('href')).toBe('/v1/docs');
    expect((await fetch(`${stack.api.url}/v1/docs`)).status).toBe(200);
    await shot(page, 'api-keys-empty.png');

    await page.getByTestId('create-key-empty').click();
    await page.getByTestId('key-name').fill('CI deploys');
    await page.getByTestId('create-key-submit').click();
    const secretBox = page.getByTestId('api-key-secret');
    await secretBox.waitFor({ timeout: UI_TIMEOUT });
    story.secret = (await secretBox.textContent()) ?? '';
    expect(story.secret).toMatch(/^pst_live_[0-9A-Za-z]{38}$/);
    await page.getByTestId('copy-api-key').click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(story.secret);
    await page.getByTestId('create-key-dialog').screenshot({ path: join(RESULTS, 'api-key-secret.png') });
    // Not closable by accident before it is stored.
    await page.keyboard.press('Escape');
    expect(await secretBox.isVisible()).toBe(true);
    await page.getByTestId('key-stored').check();
    await page.getByTestId('key-done').click();
    await secretBox.waitFor({ state: 'detached' });
    // Shown once: nowhere on the page any more.
    expect(await page.content()).not.toContain(story.secret);
    const row = page.locator('[data-testid="keys-row"][data-name="CI deploys"]');
    await row.waitFor({ timeout: UI_TIMEOUT });
    expect(await row.getAttribute('data-status')).toBe('active');
    expect(await row.getByTestId('key-last-used').textContent()).toBe('Never');
    expect(await row.getByTestId('key-usage').textContent()).toBe('0');
    expect(await row.getByTestId('key-prefix').textContent()).toBe(`${story.secret.slice(0, 13)}…`);

    // The key works on the public API.
    const call = () =>
      fetch(`${stack.api?.url}/v1/me`, { headers: { authorization: `Bearer ${story.secret}` } });
    const ok = await call();
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { workspace: { id: string; name: string }; key: { name: string } };
    expect(body.workspace).toMatchObject({ id: story.workspaceId, name: story.workspaceName });
    expect(body.key.name).toBe('CI deploys');
    expect((await call()).status).toBe(200);

    // Usage is counted in batches: after a reload the key shows it.
    await expect
      .poll(
        async () => {
          await page.reload();
          await row.waitFor({ timeout: UI_TIMEOUT });
          return row.getByTestId('key-usage').textContent();
        },
        { timeout: 20_000, interval: 1_000 },
      )
      .toBe('2');
    expect(await row.getByTestId('key-last-used').textContent()).toMatch(/just now/);
    await page.getByTestId('usage-chart').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('usage-legend-item').textContent()).toContain('CI deploys');
    expect(Number(await page.getByTestId('plan-today-value').textContent())).toBeGreaterThanOrEqual(2);
    await shot(page, 'api-keys.png');

    // Revoked: the very next call is refused.
    await row.getByTestId('revoke-key').click();
    await page
      .getByTestId('revoke-key-dialog')
      .getByRole('heading', { name: 'Revoke this API key?' })
      .waitFor();
    await page.getByTestId('revoke-key-dialog-confirm').click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: UI_TIMEOUT }).toBe('revoked');
    expect(await row.getByTestId('key-status').textContent()).toBe('Revoked');
    expect(await row.getByTestId('revoke-key').count()).toBe(0);
    const refused = await call();
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
    await shot(page, 'api-keys-revoked.png');

    await expectCleanPage(page, owner.problems, /^401 \/trpc\/auth\.me$/);
  });

  it('lands a returning user in their last workspace, and lays the pages out on a phone', {
    timeout: 60_000,
  }, async () => {
    if (!member) throw new Error('previous steps failed');
    const { page } = member;
    // Switching workspace from the switcher: to the member's own one (where they are the owner).
    await page.goto(url(`/w/${story.workspaceId}/members`));
    await page.getByTestId('members-table').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('workspace-switcher').click();
    await page
      .locator(`[data-testid="workspace-option"]:not([data-workspace-id="${story.workspaceId}"])`)
      .click();
    // The page is kept: the other workspace's members.
    await page.waitForURL(
      (u) => /^\/w\/[0-9a-f-]{36}\/members$/.test(u.pathname) && !u.pathname.includes(story.workspaceId),
    );
    await page.getByTestId('members-table').waitFor({ timeout: UI_TIMEOUT });
    // The shell re-renders the switcher once the new workspace's data arrives: wait for it.
    await expect
      .poll(() => page.getByTestId('current-workspace-role').textContent(), { timeout: UI_TIMEOUT })
      .toBe('Owner');

    // A new workspace from the switcher: the creator owns it and lands in it.
    await page.getByTestId('workspace-switcher').click();
    await page.getByTestId('create-workspace').click();
    await page.getByTestId('create-workspace-dialog').getByTestId('workspace-name').fill('Side project');
    await page
      .getByTestId('create-workspace-dialog')
      .screenshot({ path: join(RESULTS, 'workspace-create.png') });
    await page.getByTestId('create-workspace-submit').click();
    await expect
      .poll(() => page.getByTestId('current-workspace-name').textContent(), { timeout: UI_TIMEOUT })
      .toBe('Side project');
    const created = WORKSPACE_PATH.exec(pathOf(page))?.[1];
    expect(created).toBeTruthy();
    expect(await page.getByTestId('current-workspace-role').textContent()).toBe('Owner');
    await page.getByTestId('workspace-switcher').click();
    expect(await page.getByTestId('workspace-option').count()).toBe(3);
    await page.keyboard.press('Escape');

    // Back at the dashboard's root (as after signing in): the last workspace used opens.
    await page.goto(url('/'));
    await page.waitForURL(url(`/w/${created}/home`), { timeout: UI_TIMEOUT });

    // Promoted to admin meanwhile: the audit log opens now.
    await page.goto(url(`/w/${story.workspaceId}/audit`));
    await page.getByTestId('audit-table').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('current-workspace-role').textContent()).toBe('Admin');
    // Only owners verify the chain.
    expect(await page.getByTestId('verify-chain').count()).toBe(0);

    await page.setViewportSize({ width: 390, height: 844 });
    for (const [section, ready, name] of [
      ['members', 'members-table', 'workspace-members-mobile.png'],
      ['audit', 'audit-table', 'audit-log-mobile.png'],
      ['api-keys', 'keys-table', 'api-keys-mobile.png'],
    ] as const) {
      await page.goto(url(`/w/${story.workspaceId}/${section}`));
      await page.getByTestId(ready).waitFor({ timeout: UI_TIMEOUT });
      if (section === 'api-keys')
        await page
          .locator('[data-testid="usage-chart"] .recharts-bar-rectangle')
          .first()
          .waitFor({ timeout: UI_TIMEOUT });
      await shot(page, name);
      expect(await fitsWidth(page)).toBe(true);
    }
    // The switcher lives in the drawer on small screens.
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByTestId('workspace-switcher').last().waitFor();
    await page.screenshot({ path: join(RESULTS, 'workspace-drawer-mobile.png') });

    await expectCleanPage(page, member.problems, /^(401 \/trpc\/auth\.me|400 \/trpc\/invitations\.preview)$/);
  });
});
