import { describe, expect, it } from 'vitest';
import { expectAccessible } from './support/axe.ts';
import { shot } from './support/browser.ts';
import { dashboardSuite } from './support/dashboard-suite.ts';
import { expectClean, submitSignUp, UI_TIMEOUT, WORKSPACE_PATH } from './support/page-checks.ts';
import { EXAMPLE_MAIL_ZONES } from './support/suite.ts';

describe('the validation policy (built SPA, real API, local DNS, Chromium)', () => {
  const { page, problems, url, nav } = dashboardSuite({ name: 'policy', dns: EXAMPLE_MAIL_ZONES });
  const rule = (index: number) => page.locator(`[data-testid="policy-rule"][data-rule-index="${index}"]`);

  it('opens from the navigation with the default: role accounts accepted with caution', async () => {
    await submitSignUp(page, url(''), `olga.${Date.now()}@example.com`);
    await page.waitForURL((u) => WORKSPACE_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
    await nav('Validation policy').click();
    await page.getByTestId('policy-card').waitFor({ timeout: UI_TIMEOUT });
    await expect.poll(() => page.title()).toMatch(/^Validation policy · .+ · Postern$/);
    expect(await page.getByTestId('policy-rule').count()).toBe(1);
    expect(await rule(0).getByTestId('policy-rule-summary').textContent()).toMatch(
      /When the reason is .*role.* → Accept with caution$/i,
    );
    expect(await page.getByTestId('policy-default').inputValue()).toBe('engine');
    expect(await page.getByTestId('policy-updated').textContent()).toContain('default policy');
    expect(await page.getByTestId('policy-save').isDisabled()).toBe(true);
    await shot(page, 'policy-default.png');
    await expectAccessible(page, 'policy: the default', '[data-testid="policy-page"]');
  });

  it('dry-runs a draft on a sample file: the role account changes, nothing else', async () => {
    await rule(0).getByTestId('policy-rule-action').selectOption('accept');
    await page.getByTestId('dry-run-source').selectOption('sample');
    const csv = 'name,email\nInfo,info@example-mail.com\nAnn,ann@example-mail.com\n';
    await page.getByTestId('dry-run-file').setInputFiles({
      name: 'sample.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await page.getByTestId('dry-run-start').click();
    await page.getByTestId('dry-run-result').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('dry-run-summary').textContent()).toMatch(
      /Looked at 2 results.*changes.*1/,
    );
    const rows = page.getByTestId('dry-run-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('info@example-mail.com');
    expect(await rows.first().getByTestId('dry-run-after').textContent()).toBe('Accept');
    const accept = page.locator('[data-testid="dry-run-count"][data-action="accept"]');
    expect(await accept.getByTestId('dry-run-delta').textContent()).toBe('+1');
    // Nothing was saved by the dry run.
    expect(await page.getByTestId('policy-updated').textContent()).toContain('default policy');
    await shot(page, 'policy-dry-run.png');
    await expectAccessible(page, 'policy: a dry run', '[data-testid="policy-page"]');
  });

  it('refuses a rule without a condition, then saves the policy', async () => {
    await page.getByTestId('policy-add-rule').click();
    await page.getByTestId('policy-problems').waitFor();
    expect(await page.getByTestId('policy-problems').textContent()).toContain(
      'Rule 2 needs at least one condition',
    );
    expect(await page.getByTestId('policy-save').isDisabled()).toBe(true);
    await rule(1).getByTestId('policy-rule-status').selectOption(['undeliverable']);
    await rule(1).getByTestId('policy-rule-action').selectOption('reject');
    await expect.poll(() => page.getByTestId('policy-problems').count()).toBe(0);
    await page.getByTestId('policy-save').click();
    await page.getByTestId('policy-saved').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('policy-updated').textContent()).toContain('Saved');
    await page.reload();
    await page.getByTestId('policy-card').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('policy-rule').count()).toBe(2);
    expect(await rule(0).getByTestId('policy-rule-action').inputValue()).toBe('accept');
  });

  it("shows the policy's action beside Postern's on the check page", async () => {
    await nav('Check address').click();
    await page.getByTestId('check-email').fill('info@example-mail.com');
    await page.getByTestId('check-submit').click();
    await page.getByTestId('check-result').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('result-action').textContent()).toContain('Accept with caution');
    const policyAction = page.getByTestId('result-policy-action');
    expect(await policyAction.getAttribute('data-policy-action')).toBe('accept');
    expect(await policyAction.textContent()).toContain("Your workspace's policy:Accept");
    await shot(page, 'policy-check.png');
    expectClean(problems, /^401 \/trpc\/auth\.me$/);
  });
});
