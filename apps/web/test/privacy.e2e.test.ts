import { describe, expect, it } from 'vitest';
import { dashboardSuite } from './support/dashboard-suite.ts';
import {
  expectClean,
  PASSWORD,
  signUpIntoWorkspace,
  UI_TIMEOUT,
  WORKSPACE_PATH,
} from './support/page-checks.ts';

describe('deleting the account (built SPA, real API, Chromium)', () => {
  const { page, problems, url, nav } = dashboardSuite({ name: 'privacy' });
  const email = `dora.${Date.now()}@example.com`;

  it('asks for the password, lists the workspace that goes with the account and signs out', async () => {
    await signUpIntoWorkspace(page, url(''), email);
    await nav('Data & privacy').click();
    await page.getByTestId('erased-workspaces').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('delete-account-start').click();
    await page.getByLabel('Your password').fill('Not-the-password-1');
    await page.getByTestId('delete-account-form-submit').click();
    await page.getByText('That password is not correct.').waitFor({ timeout: UI_TIMEOUT });
    await page.getByLabel('Your password').fill(PASSWORD);
    await page.getByTestId('delete-account-form-submit').click();
    await page.waitForURL((u) => u.pathname === '/sign-in', { timeout: UI_TIMEOUT });
  });

  it('signs in to the cancel page only; cancelling restores the workspace', async () => {
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('deletion-pending-page').waitFor({ timeout: UI_TIMEOUT });
    await expect
      .poll(() => page.getByTestId('deletion-pending-page').textContent(), { timeout: UI_TIMEOUT })
      .toMatch(/permanently erased on \d+ \w+ \d{4}/);
    await page.getByTestId('cancel-deletion').click();
    await page.waitForURL((u) => WORKSPACE_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Data & privacy' })
      .waitFor();
    // Refused: the wrong password, and (signed out, or pending) the account's reads before the gate.
    expectClean(problems, /^40[13] \/trpc\/(auth\.me|privacy\.|workspaces\.list|notifications\.list)/);
  });
});
