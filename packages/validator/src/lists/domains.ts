// Disposable and free-provider domains from maintained packages, loaded once (on first use: the
// disposable list holds ~120k names and the API should not pay for it at start-up) into Sets.
import { createRequire } from 'node:module';
import { normalizeDomain } from './normalize.ts';

const require = createRequire(import.meta.url);

let disposableExact: Set<string> | null = null;
let disposableWildcard: Set<string> | null = null;
let freeProviders: Set<string> | null = null;

function loadDisposable(): { exact: Set<string>; wildcard: Set<string> } {
  if (!disposableExact || !disposableWildcard) {
    // index.json: exact names; wildcard.json: names whose every subdomain is disposable too.
    disposableExact = new Set(require('disposable-email-domains/index.json') as string[]);
    disposableWildcard = new Set(require('disposable-email-domains/wildcard.json') as string[]);
  }
  return { exact: disposableExact, wildcard: disposableWildcard };
}

function loadFree(): Set<string> {
  freeProviders ??= new Set(require('free-email-domains/domains.json') as string[]);
  return freeProviders;
}

/** Loads every list now (e.g. at worker start) instead of on the first lookup. */
export function preloadLists(): void {
  loadDisposable();
  loadFree();
}

/**
 * A throwaway-inbox domain: listed exactly, or the name or one of its parents is a wildcard entry
 * (`x.33mail.com` for the wildcard `33mail.com`).
 */
export function isDisposableDomain(domain: string): boolean {
  const name = normalizeDomain(domain);
  if (!name) return false;
  const { exact, wildcard } = loadDisposable();
  if (exact.has(name)) return true;
  for (let suffix = name; ; ) {
    if (wildcard.has(suffix)) return true;
    const dot = suffix.indexOf('.');
    if (dot === -1) return false;
    suffix = suffix.slice(dot + 1);
  }
}

/**
 * A free mailbox provider (gmail.com, yahoo.com, …). The list is the package's as published: it
 * also holds some typo domains (gmial.com) and disposable ones (mailinator.com).
 */
export function isFreeProvider(domain: string): boolean {
  const name = normalizeDomain(domain);
  return name !== '' && loadFree().has(name);
}
