// Workspace ownership in Chromium (built SPA, real API and mail worker, #28): the only owner cannot
// leave (the button says why), transfers ownership to a teammate (then may leave), and the new owner
// deletes the workspace with the password, sees the erasure day and cancels; with two-factor on, a
// recovery code does instead of the app's code.
import { Secret, TOTP } from 'otpauth';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { prepareBrowserRun } from './support/browser.ts';
import { mailLink } from './support/mail.ts';
import {
  expectClean,
  PASSWORD,
  type PageProblems,
  signUpIntoWorkspace,
  UI_TIMEOUT,
  watchedPage,
} from './support/page-checks.ts';
import { openPages, type Stack, saveFailure, startWebStack, stopStack } from './support/suite.ts';
import { mutate } from './support/trpc.ts';

interface Person {
  page: Page;
  problems: PageProblems;
}

describe('workspace ownership (built SPA, real API, Chromium)', () => {
  const stack: Stack = {};
  const contexts: BrowserContext[] = [];
  let owner: Person;
  let teammate: Person;
  let workspaceId = '';
  const ownerEmail = `olga.${Date.now()}@example.com`;
  const teammateEmail = `tom.${Date.now()}@example.com`;
  const url = (path: string) => `${stack.api?.url}${path}`;
  const settings = () => url(`/w/${workspaceId}/settings`);

  async function person(): Promise<Person> {
    const context = await stack.browser?.newContext({ viewport: { width: 1360, height: 900 } });
    if (!context) throw new Error('no browser');
    contexts.push(context);
    return watchedPage(context);
  }

  beforeAll(async () => {
    await prepareBrowserRun();
    await startWebStack(stack);
    [owner, teammate] = [await person(), await person()];
  });

  afterEach((test) => saveFailure(test, 'failed-ownership', openPages(contexts), stack));

  afterAll(() => stopStack(stack, { contexts }));

  it('disables leaving for the only owner, with the reason', { timeout: 60_000 }, async () => {
    workspaceId = await signUpIntoWorkspace(owner.page, url(''), ownerEmail);
    await owner.page.goto(settings());
    await owner.page.getByTestId('leave-blocked').waitFor({ timeout: UI_TIMEOUT });
    expect(await owner.page.getByTestId('leave-blocked').textContent()).toContain('You are the only owner');
    expect(await owner.page.getByTestId('leave-workspace').isDisabled()).toBe(true);
    // Nobody to hand it to yet.
    await owner.page.getByTestId('transfer-nobody').waitFor({ timeout: UI_TIMEOUT });
  });

  it('transfers ownership to a teammate; the former owner may then leave', { timeout: 60_000 }, async () => {
    await signUpIntoWorkspace(teammate.page, url(''), teammateEmail);
    await mutate(owner.page, 'members.invite', { workspaceId, email: teammateEmail, role: 'member' });
    const link = await mailLink(stack.mailDir ?? '', teammateEmail, /\/invitations\/accept\?token=[\w%-]+/);
    const token = decodeURIComponent(new URL(link, url('')).searchParams.get('token') ?? '');
    await mutate(teammate.page, 'invitations.accept', { token });

    await owner.page.reload();
    await owner.page.getByTestId('transfer-member').waitFor({ timeout: UI_TIMEOUT });
    expect(await owner.page.getByTestId('transfer-start').isDisabled()).toBe(true);
    await owner.page.getByTestId('transfer-member').selectOption({ label: `${teammateEmail} (Member)` });
    await expectAccessible(owner.page, 'workspace settings: ownership', '[data-testid="ownership-card"]');
    await owner.page.getByTestId('transfer-start').click();
    await owner.page.getByTestId('transfer-dialog-confirm').click();
    await owner.page.getByTestId('ownership-transferred').waitFor({ timeout: UI_TIMEOUT });
    await owner.page.getByTestId('ownership-owners-only').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => owner.page.getByTestId('my-role').textContent()).toBe('Admin');
    await expect.poll(() => owner.page.getByTestId('leave-workspace').isEnabled()).toBe(true);
    expect(await owner.page.getByTestId('leave-blocked').count()).toBe(0);
    expect(await owner.page.getByTestId('delete-workspace-start').count()).toBe(0);
    expectClean(owner.problems, /^401 \/trpc\/auth\.me$/);
  });

  it('lets the new owner delete the workspace with the password, and cancel', {
    timeout: 60_000,
  }, async () => {
    const { page } = teammate;
    await page.goto(settings());
    await page.getByTestId('delete-workspace-start').click({ timeout: UI_TIMEOUT });
    await expectAccessible(page, 'workspace settings: delete form', '[data-testid="ownership-card"]');
    await page.getByLabel('Your password').fill('Not-the-password-1');
    await page.getByTestId('delete-workspace-form-submit').click();
    await page.getByText('That password is not correct.').waitFor({ timeout: UI_TIMEOUT });
    await page.getByLabel('Your password').fill(PASSWORD);
    await page.getByTestId('delete-workspace-form-submit').click();
    await page.getByTestId('workspace-deletion-pending').waitFor({ timeout: UI_TIMEOUT });
    const day = await page.getByTestId('workspace-erase-day').textContent();
    expect(day).toMatch(/^\d{1,2} \w+ \d{4}$/);
    const days = (Date.parse(`${day} UTC`) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(28);
    expect(days).toBeLessThan(31);
    await expectAccessible(page, 'workspace settings: deletion pending', '[data-testid="ownership-card"]');

    // Every member sees it; only owners cancel.
    await owner.page.reload();
    await owner.page.getByTestId('workspace-deletion-pending').waitFor({ timeout: UI_TIMEOUT });
    expect(await owner.page.getByTestId('cancel-workspace-deletion').count()).toBe(0);

    await page.getByTestId('cancel-workspace-deletion').click();
    await page.getByTestId('delete-workspace-start').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('workspace-deletion-pending').count()).toBe(0);
    expectClean(teammate.problems, /^(401 \/trpc\/auth\.me|40[13] \/trpc\/ownership\.requestDeletion)$/);
  });

  it('takes a recovery code instead of the app code when two-factor is on', { timeout: 60_000 }, async () => {
    const { page } = teammate;
    const enrolled = await mutate<{ secret: string }>(page, 'account.enrolTwoFactor', { password: PASSWORD });
    const code = new TOTP({ secret: Secret.fromBase32(enrolled.secret) }).generate();
    const { codes } = await mutate<{ codes: string[] }>(page, 'account.activateTwoFactor', { code });
    await page.reload();
    await page.getByTestId('delete-workspace-start').click({ timeout: UI_TIMEOUT });
    await page.getByTestId('delete-workspace-form-code').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('delete-workspace-form-toggle-recovery').click();
    await page.getByLabel('Your password').fill(PASSWORD);
    // Checked before sending: a 6-digit code is not a recovery code.
    await page.getByTestId('delete-workspace-form-code-recovery').fill('123456');
    await page.getByTestId('delete-workspace-form-submit').click();
    await page.getByText('Enter one of your recovery codes').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('delete-workspace-form-code-recovery').fill('AAAA-BBBB-CCCC-DDDD');
    await page.getByTestId('delete-workspace-form-submit').click();
    await page.getByText('The password or the code is not correct.').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('delete-workspace-form-code-recovery').fill(codes[0]?.toLowerCase() ?? '');
    await page.getByTestId('delete-workspace-form-submit').click();
    await page.getByTestId('workspace-deletion-pending').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('cancel-workspace-deletion').click();
    await page.getByTestId('delete-workspace-start').waitFor({ timeout: UI_TIMEOUT });
    expectClean(teammate.problems, /^(401 \/trpc\/auth\.me|40[13] \/trpc\/ownership\.requestDeletion)$/);
  });
});
