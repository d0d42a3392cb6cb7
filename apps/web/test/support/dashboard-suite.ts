// Shared by the Chromium e2e suites that drive one main page through the dashboard: the stack started
// before the suite (its own settings, DNS zones and context options), the watched page, more contexts
// for other people, a picture and the logs of a failed step, the teardown, the addresses in the
// workspace under test, and the accessibility sweep over the suite's pages at every width and theme.
// A suite declares only its own options and what its tests are about.
import type { BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Zones } from '../../../../packages/validator/test/support/dns-server.ts';
import { expectAccessible } from './axe.ts';
import { prepareBrowserRun, shot } from './browser.ts';
import { type PageProblems, UI_TIMEOUT, watchedPage } from './page-checks.ts';
import { openPages, type Stack, saveFailure, startWebStack, stopStack } from './suite.ts';

export interface DashboardSuiteOptions {
  /** Names the pictures and logs of a failed step (`failed-<name>-…`). */
  name: string;
  /** Zones a local DNS server answers for API and worker, and how long they wait (startWebStack). */
  dns?: Zones;
  dnsTimeoutMs?: number;
  /** The suite's own settings of API and worker, read when the stack starts (after earlier hooks). */
  env?: () => Record<string, string>;
  /** The browser context's options; the viewport defaults to 1360 × 900. */
  context?: BrowserContextOptions;
  /** Run on the new context before its page opens (permissions, init scripts). */
  prepare?: (context: BrowserContext, stack: Stack) => Promise<void>;
}

export interface DashboardSuite {
  stack: Stack;
  /**
   * The suite's page. It opens in beforeAll; until then this stands in for it (any use before the
   * tests run fails), so a suite can name it where it is declared.
   */
  page: Page;
  /** What the page reported (see page-checks' `watch`), filled from the moment it opens. */
  problems: PageProblems;
  /** The workspace under test, once a test has set it. */
  workspaceId: string;
  /** `path` on the API that serves the dashboard. */
  url(path: string): string;
  /** `section` of the workspace under test (`lists`, `contacts/<id>` …). */
  inWorkspace(section: string): string;
  /** A link of the main navigation. */
  nav(name: string): Locator;
  /** Another browser context (another person), closed with the suite; its pages are in failure pictures. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/** Registers the suite's beforeAll, afterEach and afterAll; the returned handle is filled by beforeAll. */
export function dashboardSuite(options: DashboardSuiteOptions): DashboardSuite {
  const stack: Stack = {};
  const contexts: BrowserContext[] = [];
  let opened: Page | undefined;
  const page = new Proxy({} as Page, {
    get(_, key) {
      if (!opened) throw new Error(`the suite's page is not open yet (page.${String(key)})`);
      const value = Reflect.get(opened, key, opened);
      return typeof value === 'function' ? value.bind(opened) : value;
    },
  });
  const problems: PageProblems = { console: [], pageErrors: [], badResponses: [] };
  const suite: DashboardSuite = {
    stack,
    page,
    problems,
    workspaceId: '',
    url: (path) => `${stack.api?.url}${path}`,
    inWorkspace: (section) => suite.url(`/w/${suite.workspaceId}/${section}`),
    nav: (name) => navLink(page, name),
    async newContext(contextOptions) {
      if (!stack.browser) throw new Error('the stack did not start');
      const context = await stack.browser.newContext(contextOptions);
      contexts.push(context);
      return context;
    },
  };

  beforeAll(async () => {
    await prepareBrowserRun();
    const { dns, dnsTimeoutMs } = options;
    await startWebStack(stack, options.env?.() ?? {}, dns ? { dns, dnsTimeoutMs } : {});
    const context = await suite.newContext({ viewport: { width: 1360, height: 900 }, ...options.context });
    await options.prepare?.(context, stack);
    const watched = await watchedPage(context);
    opened = watched.page;
    // The same arrays: what the page reports from now on is in `problems`.
    Object.assign(problems, watched.problems);
  });

  afterEach((test) => saveFailure(test, `failed-${options.name}`, openPages(contexts), stack));

  afterAll(() => stopStack(stack, { contexts }));

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
