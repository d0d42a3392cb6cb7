// Shared by the Chromium e2e suites: an accessibility check of the page as it is now, by axe-core.
// The script is evaluated through the DevTools protocol (page.evaluate), which the page's CSP does not
// govern, so nothing is loosened for the check. Serious and critical findings fail; the rest are noise
// at this stage (best-practice hints, moderate contrast of decorative text).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue, Result } from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const FAILING: ReadonlySet<ImpactValue> = new Set(['serious', 'critical']);

/** One finding, readable: which page, rule and elements. */
export interface A11yViolation {
  page: string;
  rule: string;
  impact: string;
  help: string;
  helpUrl: string;
  /** CSS selector of each element, with the first line of axe's explanation. */
  nodes: string[];
}

/**
 * Runs axe-core on `page` (WCAG 2.x A/AA and best practices), or only on the part matching the CSS
 * selector `scope`; returns its serious and critical findings.
 */
export async function axeViolations(page: Page, label: string, scope?: string): Promise<A11yViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(
    (selector) =>
      (
        window as unknown as { axe: { run: (context: unknown, options: object) => Promise<AxeResults> } }
      ).axe.run(selector ? { include: [selector] } : document, { resultTypes: ['violations'] }),
    scope,
  );
  return results.violations
    .filter((violation) => violation.impact && FAILING.has(violation.impact))
    .map((violation) => describeViolation(label, violation));
}

/**
 * Fails the test on any serious or critical finding in `page` (or its part `scope`), listing them.
 * The suites call it on the states the page walk of a11y.e2e.test.ts does not reach (an error shown,
 * a step of a flow), scoped to what the state changed.
 */
export async function expectAccessible(page: Page, label: string, scope?: string): Promise<void> {
  expect(formatViolations(await axeViolations(page, label, scope))).toBe('');
}

function describeViolation(label: string, violation: Result): A11yViolation {
  return {
    page: label,
    rule: violation.id,
    impact: violation.impact ?? 'unknown',
    help: violation.help,
    helpUrl: violation.helpUrl,
    nodes: violation.nodes.map((node) => {
      const why = node.failureSummary?.split('\n').slice(1, 2).join('').trim() ?? '';
      return `${node.target.join(' ')}${why ? ` — ${why}` : ''}`;
    }),
  };
}

/** Findings as a report a person reads: one block per rule and page, one line per element. */
export function formatViolations(violations: A11yViolation[]): string {
  return violations
    .map(
      (violation) =>
        `[${violation.impact}] ${violation.page}: ${violation.rule} — ${violation.help}\n` +
        violation.nodes.map((node) => `    ${node}`).join('\n'),
    )
    .join('\n');
}
