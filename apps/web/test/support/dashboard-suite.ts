// Shared by the Chromium e2e suites that drive one signed-in page through the dashboard: the stack
// started before the suite, a picture and the logs of a failed step, the teardown, the addresses in the
// workspace under test, and the accessibility sweep over the suite's pages at every width and theme.
// A suite declares only its own options and what its tests are about.
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Zones } from '../../../../packages/validator/test/support/dns-server.ts';
import { expectAccessible } from './axe.ts';
import { prepareBrowserRun, shot } from './browser.ts';
import { type PageProblems, UI_TIMEOUT, watchedPage } from './page-checks.ts';
import { type Stack, saveFailure, startWebStack, stopStack } from './suite.ts';

export interface DashboardSuiteOptions {
  /** Names the pictures and logs of a failed step (`failed-<name>-…`). */
  name: string;
  /** Zones a local DNS server answers for API and worker (see startWebStack). */
  dns?: Zones;
  /** The browser context's options; the viewport defaults to 1360 × 900. */
  context?: BrowserContextOptions;
  /** Run on the new context before its page opens (permissions, init scripts). */
  prepare?: (context: BrowserContext, stack: Stack) => Promise<void>;
  /** Given the watched page once it is open, for the suite's own variables. */
  opened: (watched: { page: Page; problems: PageProblems }) => void;
}

export interface DashboardSuite {
  stack: Stack;
  /** The workspace under test, once a test has set it. */
  workspaceId: string;
  /** `path` on the API that serves the dashboard. */
  url(path: string): string;
  /** `section` of the workspace under test (`lists`, `contacts/<id>` …). */
  inWorkspace(section: string): string;
}

/** Registers the suite's beforeAll, afterEach and afterAll; the returned handle is filled by beforeAll. */
export function dashboardSuite(options: DashboardSuiteOptions): DashboardSuite {
  const stack: Stack = {};
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const suite: DashboardSuite = {
    stack,
    workspaceId: '',
    url: (path) => `${stack.api?.url}${path}`,
    inWorkspace: (section) => suite.url(`/w/${suite.workspaceId}/${section}`),
  };

  beforeAll(async () => {
    await prepareBrowserRun();
    const browser = await startWebStack(stack, {}, options.dns ? { dns: options.dns } : {});
    context = await browser.newContext({ viewport: { width: 1360, height: 900 }, ...options.context });
    await options.prepare?.(context, stack);
    const watched = await watchedPage(context);
    page = watched.page;
    options.opened(watched);
  });

  afterEach((test) => saveFailure(test, `failed-${options.name}`, [page], stack));

  afterAll(() => stopStack(stack, { contexts: [context] }));

  return suite;
}

/** A link of the dashboard's main navigation. */
export function navLink(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
}

/** A page the accessibility sweep visits: where, what shows it is ready, and any step to take there. */
export interface SweepVisit {
  path: string;
  ready: string;
  /** What the label says about the prepared state, e.g. 'file chosen'. */
  prepared?: string;
  prepare?: () => Promise<void>;
  /** A picture of the page at 390 px in the light theme, under this name. */
  shot?: string;
}

/** Both widths in the light theme, and the wide one in the dark theme (the system's preference). */
export const SWEEP_PASSES = [
  { width: 1440, theme: 'light' },
  { width: 390, theme: 'light' },
  { width: 1440, theme: 'dark' },
] as const;

/**
 * Every visit at every pass: the page open and ready, no serious accessibility problem, and nothing
 * wider than the window. `where(path)` is the address of a visit's path.
 */
export async function sweepAccessibility(
  page: Page,
  where: (path: string) => string,
  visits: readonly SweepVisit[],
): Promise<void> {
  for (const { width, theme } of SWEEP_PASSES) {
    await page.setViewportSize({ width, height: 900 });
    await page.emulateMedia({ colorScheme: theme });
    for (const visit of visits) {
      await page.goto(where(visit.path));
      await page.getByTestId(visit.ready).waitFor({ timeout: UI_TIMEOUT });
      await visit.prepare?.();
      if (visit.shot && width === 390 && theme === 'light') await shot(page, visit.shot);
      const state = visit.prepared ? ` (${visit.prepared})` : '';
      await expectAccessible(page, `${visit.path}${state} at ${width} px, ${theme}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    }
  }
}
