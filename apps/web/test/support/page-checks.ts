// Shared by the Chromium e2e suites: what a page reported that a user would count as broken, and
// signing up through the page.
import type { BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';

export const PASSWORD = 'Lantern-Harbour-42';
export const UI_TIMEOUT = 15_000;
/** Signed in, the dashboard opens the user's (last) workspace, on its home page. */
export const WORKSPACE_PATH = /^\/w\/([0-9a-f-]{36})\/home$/;

export interface PageProblems {
  console: string[];
  pageErrors: string[];
  badResponses: string[];
}

/**
 * Collects what a user would count as broken. Refusals a flow provokes on purpose (signed-out
 * `auth.me`, a wrong code, calls of a revoked session) show up as 4xx responses: the test lists which
 * it expects; Chromium also logs each as "Failed to load resource", which is not a page error.
 */
export function watch(page: Page): PageProblems {
  const problems: PageProblems = { console: [], pageErrors: [], badResponses: [] };
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return;
    problems.console.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400)
      problems.badResponses.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  return problems;
}

/** A new page of `context`, and what it reports from now on. */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page; problems: PageProblems }> {
  const page = await context.newPage();
  return { page, problems: watch(page) };
}

/** Every 4xx seen was one of the `expected` procedure refusals; nothing else went wrong. */
export function expectClean(problems: PageProblems, expected: RegExp) {
  expect(problems.console).toEqual([]);
  expect(problems.pageErrors).toEqual([]);
  expect(problems.badResponses.filter((line) => !expected.test(line))).toEqual([]);
}

/** Opens the sign-up page at `baseUrl` and submits it for `email`. */
export async function submitSignUp(page: Page, baseUrl: string, email: string, password = PASSWORD) {
  await page.goto(`${baseUrl}/sign-up`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByTestId('sign-up-submit').click();
}

/** Signs up through the page at `baseUrl` and waits to land in the new account's workspace; its id. */
export async function signUpIntoWorkspace(page: Page, baseUrl: string, email: string): Promise<string> {
  await submitSignUp(page, baseUrl, email);
  await page.waitForURL((u) => WORKSPACE_PATH.test(u.pathname), { timeout: UI_TIMEOUT });
  return WORKSPACE_PATH.exec(new URL(page.url()).pathname)?.[1] ?? '';
}
