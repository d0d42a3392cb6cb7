// Shared by the Chromium e2e suites: where the built dashboard and the results live, and how
// Chromium is launched (playwright-core drives the system Chromium, headless, no network extras).

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const WEB_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built dashboard; WEB_DIST points elsewhere (a build of its own, for runs side by side). */
export const WEB_DIST = process.env.WEB_DIST ?? join(WEB_ROOT, 'dist');
export const RESULTS = join(WEB_ROOT, 'test-results');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Fails early when the dashboard is not built or Chromium is missing; makes the results folder. */
export async function prepareBrowserRun(): Promise<void> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(`The dashboard is not built: run \`pnpm --filter @postern/web build\` first.`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}.`);
  await mkdir(RESULTS, { recursive: true });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Records the page's own CSP violations (securitypolicyviolation events); read with `cspViolations`. */
export async function recordCspViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const store = window as unknown as { __csp: string[] };
    store.__csp = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      store.__csp.push(`${event.violatedDirective}: ${event.blockedURI}`);
    });
  });
}

/** CSP violations seen by the page itself, collected by `recordCspViolations`. */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

/** A full-page picture from the top (the sidebar is fixed: a scrolled page would draw it midway). */
export async function shot(page: Page, name: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(RESULTS, name), fullPage: true });
}
