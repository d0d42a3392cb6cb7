// The benchmark's simulated world (issue #19): 200 domains on 20 MX hosts at 127.0.0.40–59, and the
// ground truth: every tenth domain is a catch-all, elsewhere two mailboxes in three exist.
import type { Zones } from '../../packages/validator/test/support/dns-server.ts';

export const DOMAINS = 200;
export const HOSTS = 20;
export const DELAY_MS = 50;
export const MAX_CONNECTIONS = 5;

export const hostAddress = (j: number) => `127.0.0.${40 + j}`;
const domainOf = (d: number) => `d${d}.bench.test`;
const catchAllDomain = (d: number) => d % 10 === 0;
const mailboxExists = (n: number) => n % 3 !== 0;

/** Address i: domains interleaved, so the input mixes every MX host as a real list would. */
export const addressAt = (i: number) => `u${Math.floor(i / DOMAINS)}@${domainOf(i % DOMAINS)}`;

/** What the SMTP servers answer: any local part of a catch-all domain, else u<n> when n % 3 ≠ 0. */
export function exists(address: string): boolean {
  const domain = /^[^@]*@d(\d+)\.bench\.test$/.exec(address);
  if (!domain) return false;
  if (catchAllDomain(Number(domain[1]))) return true;
  const local = /^u(\d+)@/.exec(address);
  return local !== null && mailboxExists(Number(local[1]));
}

/** The verdict status decide() must reach for a benchmark address. */
export function expected(address: string): string {
  const match = /^u(\d+)@d(\d+)\.bench\.test$/.exec(address) as RegExpExecArray;
  if (catchAllDomain(Number(match[2]))) return 'catch_all';
  return mailboxExists(Number(match[1])) ? 'deliverable' : 'undeliverable';
}

export function zones(): Zones {
  const all: Zones = {};
  for (let j = 0; j < HOSTS; j++) all[`mx${j}.bench.test`] = { a: [hostAddress(j)] };
  for (let d = 0; d < DOMAINS; d++) {
    all[domainOf(d)] = { mx: [{ exchange: `mx${d % HOSTS}.bench.test`, priority: 10 }] };
  }
  return all;
}
