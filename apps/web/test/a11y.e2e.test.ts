// Accessibility of every dashboard page, by axe-core in a real browser: the built dashboard served by
// the real API, the real worker checking a bulk job and delivering mail into a folder, names resolved
// only through a local DNS server. One account with a workspace, a finished bulk job, an API key, a
// webhook endpoint and a pending invitation (so the pages are not empty), a second one with two-factor
// authentication (for the sign-in code step), and a visitor. Each page is checked at 1440 px and at
// 390 px, in the light and the dark theme (the system's preference, which the dashboard follows by
// default); any serious or critical finding (colour contrast included) fails its test, listed by rule
// and element.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type A11yViolation, axeViolations, formatViolations } from './support/axe.ts';
import { prepareBrowserRun, RESULTS } from './support/browser.ts';
import { mailLink } from './support/mail.ts';
import { PASSWORD, signUpIntoWorkspace, UI_TIMEOUT } from './support/page-checks.ts';
import {
  EXAMPLE_MAIL_ZONES,
  probeEnv,
  type Stack,
  saveFailure,
  startWebStack,
  stopStack,
} from './support/suite.ts';
import { mutate, uploadCsv } from './support/trpc.ts';

const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** Both themes, chosen the way a visitor's system does (prefers-color-scheme). */
const THEMES = ['light', 'dark'] as const;

const CSV = ['email', 'ada@example-mail.com', 'bob@example-mail.com', 'cy@no-such-domain-here.com', ''].join(
  '\n',
);

/** What the pages need, filled by the first test. */
const story = {
  email: `ally.${Date.now()}@example.com`,
  twoFactorEmail: `tfa.${Date.now()}@example.com`,
  workspaceId: '',
  jobId: '',
  endpointId: '',
  verifyLink: '',
  resetLink: '',
  invitationLink: '',
  twoFactorReady: false,
};

type Who = 'visitor' | 'member';

interface Visit {
  name: string;
  who: Who;
  /** Opens the page and brings it to the state to check. */
  open: (page: Page, url: (path: string) => string) => Promise<void>;
  /** What of the set-up the page needs (a failed set-up step fails the pages that need it). */
  needs?: 'jobId' | 'twoFactorReady' | 'verifyLink' | 'resetLink' | 'invitationLink' | 'endpointId';
  /** Only at these widths (default: all). */
  only?: (typeof VIEWPORTS)[number]['name'];
}

const inWorkspace = (section: string) => `/w/${story.workspaceId}/${section}`;
const goto = (path: () => string) => async (page: Page, url: (path: string) => string) => {
  await page.goto(url(path()));
};

/** Every routed page (routes/router.tsx), and the states of a page that show more than it does first. */
const VISITS: Visit[] = [
  { name: 'sign-in', who: 'visitor', open: goto(() => '/sign-in') },
  {
    name: 'sign-in, two-factor code step',
    who: 'visitor',
    needs: 'twoFactorReady',
    open: async (page, url) => {
      await page.goto(url('/sign-in'));
      await page.getByLabel('Email address').fill(story.twoFactorEmail);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByTestId('sign-in-submit').click();
      await page.getByTestId('two-factor-form').waitFor({ timeout: UI_TIMEOUT });
    },
  },
  { name: 'sign-up', who: 'visitor', open: goto(() => '/sign-up') },
  { name: 'forgot password', who: 'visitor', open: goto(() => '/forgot-password') },
  { name: 'reset password', who: 'visitor', needs: 'resetLink', open: goto(() => story.resetLink) },
  // The link is used up by the first visit: the second shows the page's refusal.
  { name: 'verify email', who: 'visitor', needs: 'verifyLink', open: goto(() => story.verifyLink) },
  {
    name: 'invitation preview',
    who: 'visitor',
    needs: 'invitationLink',
    open: goto(() => story.invitationLink),
  },
  { name: 'status', who: 'visitor', open: goto(() => '/status') },
  { name: 'not found', who: 'visitor', open: goto(() => '/no-such-page') },
  { name: 'development mail', who: 'visitor', open: goto(() => '/dev/mail') },
  { name: 'home', who: 'member', open: goto(() => inWorkspace('home')) },
  { name: 'members', who: 'member', open: goto(() => inWorkspace('members')) },
  { name: 'workspace settings', who: 'member', open: goto(() => inWorkspace('settings')) },
  { name: 'audit log', who: 'member', open: goto(() => inWorkspace('audit')) },
  { name: 'API keys', who: 'member', open: goto(() => inWorkspace('api-keys')) },
  { name: 'check', who: 'member', open: goto(() => inWorkspace('check')) },
  {
    name: 'check, with a result',
    who: 'member',
    open: async (page, url) => {
      await page.goto(url(inWorkspace('check')));
      await page.getByTestId('check-email').fill('ada@example-mail.com');
      await page.getByTestId('check-submit').click();
      await page.getByTestId('check-result').waitFor({ timeout: UI_TIMEOUT });
    },
  },
  { name: 'bulk jobs', who: 'member', open: goto(() => inWorkspace('jobs')) },
  { name: 'bulk upload', who: 'member', open: goto(() => inWorkspace('jobs/new')) },
  {
    name: 'bulk job and results',
    who: 'member',
    needs: 'jobId',
    open: goto(() => inWorkspace(`jobs/${story.jobId}`)),
  },
  { name: 'webhooks', who: 'member', open: goto(() => inWorkspace('webhooks')) },
  {
    name: 'webhook endpoint',
    who: 'member',
    needs: 'endpointId',
    open: goto(() => inWorkspace(`webhooks/${story.endpointId}`)),
  },
  { name: 'security settings', who: 'member', open: goto(() => '/settings/security') },
  {
    name: 'security settings, two-factor setup',
    who: 'member',
    open: async (page, url) => {
      await page.goto(url('/settings/security'));
      await page.getByTestId('enable-2fa').click();
      await page.getByTestId('two-factor-card').getByLabel('Your password').fill(PASSWORD);
      await page.getByTestId('enrol-submit').click();
      await page.getByTestId('totp-qr').waitFor({ timeout: UI_TIMEOUT });
    },
  },
  {
    name: 'notifications open',
    who: 'member',
    open: async (page, url) => {
      await page.goto(url(inWorkspace('members')));
      // One bell in the sidebar (wide screens), one in the top bar (small ones).
      await page.locator('[data-testid="notification-bell"]:visible').click();
      await page.locator('[data-testid="notification-panel"]:visible').waitFor({ timeout: UI_TIMEOUT });
    },
  },
  {
    name: 'navigation drawer open',
    who: 'member',
    only: 'phone',
    open: async (page, url) => {
      await page.goto(url(inWorkspace('members')));
      await page.getByRole('button', { name: 'Open navigation' }).click();
      await page.getByRole('button', { name: 'Close navigation' }).waitFor({ timeout: UI_TIMEOUT });
    },
  },
];

/** Waits until the page shows its heading and has nothing loading any more (at most a few seconds). */
async function settle(page: Page) {
  await page.locator('h1').first().waitFor({ timeout: UI_TIMEOUT });
  await page
    .waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0, undefined, {
      timeout: 5_000,
    })
    .catch(() => {});
  await page.waitForTimeout(300);
}

function totpNow(secret: string): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate();
}

describe('accessibility of every page (built SPA, real API + worker, local DNS, Chromium, axe-core)', () => {
  const stack: Stack = {};
  const contexts: Partial<Record<Who, BrowserContext>> = {};
  const pages: Partial<Record<Who, Page>> = {};
  const found: A11yViolation[] = [];

  const url = (path: string) => (path.startsWith('http') ? path : `${stack.api?.url}${path}`);

  beforeAll(async () => {
    await prepareBrowserRun();
    const browser = await startWebStack(
      stack,
      {
        ...probeEnv(),
        // The endpoint is never called here; loopback is refused unless the deployment allows it.
        WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
      },
      { dns: EXAMPLE_MAIL_ZONES },
    );
    for (const who of ['visitor', 'member'] as const) {
      // Bars and drawers jump to their end state: axe sees what the page settles on.
      contexts[who] = await browser.newContext({ viewport: VIEWPORTS[0], reducedMotion: 'reduce' });
      pages[who] = await contexts[who].newPage();
    }
  });

  afterEach((test) => saveFailure(test, 'failed-a11y', Object.values(pages), stack));

  afterAll(async () => {
    // The findings of this run, all in one file (none: no file, so an old one cannot mislead).
    const report = join(RESULTS, 'a11y-violations.txt');
    if (found.length > 0) await writeFile(report, formatViolations(found));
    else await rm(report, { force: true });
    await stopStack(stack, { contexts: Object.values(contexts) });
  });

  it('sets up an account with a workspace, an API key, a webhook endpoint and an invitation', {
    timeout: 60_000,
  }, async () => {
    const page = pages.member as Page;
    story.workspaceId = await signUpIntoWorkspace(page, url(''), story.email);
    const workspaceId = story.workspaceId;

    await mutate(page, 'apiKeys.create', { workspaceId, name: 'CI deploys' });
    const created = await mutate<{ endpoint: { id: string } }>(page, 'webhooks.create', {
      workspaceId,
      url: 'http://127.0.0.1:9/hooks',
      description: 'Local receiver',
      eventTypes: ['bulk_job.completed'],
      enabled: true,
    });
    story.endpointId = created.endpoint.id;
    const guest = `guest.${Date.now()}@example.com`;
    await mutate(page, 'members.invite', { workspaceId, email: guest, role: 'member' });

    story.verifyLink = await mailLink(
      stack.mailDir ?? '',
      story.email,
      /https?:\/\/[^\s"<>]+\/verify-email\?token=[\w-]+/,
    );
    story.invitationLink = await mailLink(
      stack.mailDir ?? '',
      guest,
      /https?:\/\/[^\s"<>]+\/invitations\/accept\?token=[\w%-]+/,
    );
    const visitor = pages.visitor as Page;
    await visitor.goto(url('/status'));
    await mutate(visitor, 'auth.requestPasswordReset', { email: story.email });
    story.resetLink = await mailLink(
      stack.mailDir ?? '',
      story.email,
      /https?:\/\/[^\s"<>]+\/reset-password\?token=[\w-]+/,
    );
  });

  it('sets up a second account with two-factor authentication', { timeout: 40_000 }, async () => {
    const other = await (stack.browser as Browser).newContext({ viewport: VIEWPORTS[0] });
    try {
      const page = await other.newPage();
      await signUpIntoWorkspace(page, url(''), story.twoFactorEmail);
      const enrolled = await mutate<{ secret: string }>(page, 'account.enrolTwoFactor', {
        password: PASSWORD,
      });
      await mutate(page, 'account.activateTwoFactor', { code: totpNow(enrolled.secret) });
      story.twoFactorReady = true;
    } finally {
      await other.close();
    }
  });

  it('sets up a finished bulk job', { timeout: 60_000 }, async () => {
    const page = pages.member as Page;
    const workspaceId = story.workspaceId;
    story.jobId = await uploadCsv(page, workspaceId, 'E2E leads', CSV);
    await expect
      .poll(
        async () => {
          const answer = await page.evaluate(
            async (input) => (await fetch(`/trpc/bulk.get?input=${encodeURIComponent(input)}`)).json(),
            JSON.stringify({ workspaceId, jobId: story.jobId }),
          );
          return (answer as { result?: { data?: { status?: string } } }).result?.data?.status;
        },
        { timeout: 40_000, interval: 500 },
      )
      .toBe('completed');
  });

  for (const theme of THEMES) {
    for (const viewport of VIEWPORTS) {
      for (const visit of VISITS.filter((candidate) => !candidate.only || candidate.only === viewport.name)) {
        const label = `${visit.name} at ${viewport.width} px, ${theme} theme`;
        it(label, { timeout: 45_000 }, async () => {
          if (!story.workspaceId) throw new Error('the set-up failed');
          if (visit.needs && !story[visit.needs]) throw new Error(`the set-up of ${visit.needs} failed`);
          const page = pages[visit.who] as Page;
          await page.emulateMedia({ colorScheme: theme });
          await page.setViewportSize({ width: viewport.width, height: viewport.height });
          await visit.open(page, url);
          await settle(page);
          expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
          const violations = await axeViolations(page, label);
          found.push(...violations);
          expect(formatViolations(violations)).toBe('');
        });
      }
    }
  }
});
