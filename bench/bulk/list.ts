// The benchmark's list and the DNS zones that answer for it: a realistic mix of providers, other
// domains (some dead) and bad syntax, the same on every run (a seeded PRNG).
import { createWriteStream, statSync } from 'node:fs';
import type { Zones } from '../../packages/validator/test/support/dns-server.ts';

export const PROVIDERS = [
  'gmail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'icloud.com',
  'aol.com',
  'gmx.de',
  'web.de',
  'yandex.ru',
  'mail.ru',
  'protonmail.com',
  'live.com',
  'msn.com',
  'orange.fr',
  'free.fr',
  'comcast.net',
  'qq.com',
  '163.com',
  'libero.it',
  'zoho.com',
];
const OTHER_DOMAINS = 50_000;
/** Of the 37 % of addresses at other domains, 5 points are at dead ones: 5/37 of those domains. */
const DEAD_DOMAINS = Math.round((OTHER_DOMAINS * 5) / 37);

export const otherDomain = (j: number) =>
  j < DEAD_DOMAINS ? `gone-${j}.example-dead.net` : `company-${j}.example-corp.com`;

/** A small deterministic PRNG (mulberry32): the same list on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'anna',
  'ben',
  'carla',
  'dmitri',
  'eva',
  'farid',
  'grace',
  'hugo',
  'ines',
  'jon',
  'kim',
  'lea',
];
const LAST = ['smith', 'meier', 'rossi', 'dubois', 'kowalski', 'silva', 'tanaka', 'nguyen', 'okafor', 'berg'];
const BAD = (i: number) =>
  [`user${i}.example.com`, `user${i}@@example.com`, `user ${i}@example.com`, `user${i}@`, `@x${i}.com`][
    i % 5
  ];

/** Writes the list; returns its size and the expected mix. */
export async function writeList(path: string, rows: number, domainSuffix = '') {
  const random = prng(20_261_121);
  const mix = { providers: 0, other: 0, dead: 0, bad: 0 };
  const out = createWriteStream(path);
  let buffer = 'id,email,first_name,last_name,signed_up\n';
  for (let i = 0; i < rows; i++) {
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[(i >>> 3) % LAST.length] as string;
    const local = `${first}.${last}${i}`;
    const r = random();
    let email: string;
    if (r < 0.03) {
      email = BAD(i) as string;
      mix.bad++;
    } else if (r < 0.63) {
      // Skewed like real lists: the first providers far more common than the last.
      const p = Math.floor(PROVIDERS.length * random() ** 2);
      email = `${local}@${PROVIDERS[p]}${domainSuffix}`;
      mix.providers++;
    } else {
      const j = Math.floor(random() * OTHER_DOMAINS);
      email = `${local}@${otherDomain(j)}${domainSuffix}`;
      if (j < DEAD_DOMAINS) mix.dead++;
      else mix.other++;
    }
    const day = 1 + (i % 28);
    buffer += `${i + 1},${email},${first},${last},2026-0${1 + (i % 9)}-${day < 10 ? `0${day}` : day}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = '';
    }
  }
  out.write(buffer);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return { bytes: statSync(path).size, mix };
}

export function zones(): Zones {
  const z: Zones = {};
  for (const provider of PROVIDERS) {
    z[provider] = {
      mx: [
        { exchange: `mx1.${provider}`, priority: 10, ttl: 3600 },
        { exchange: `mx2.${provider}`, priority: 20, ttl: 3600 },
      ],
    };
    // MX hosts need an address (an MX whose hosts have none is dangling: no_mail_host).
    z[`mx1.${provider}`] = { a: ['192.0.2.25'], ttl: 3600 };
    z[`mx2.${provider}`] = { a: ['192.0.2.26'], ttl: 3600 };
  }
  for (let j = DEAD_DOMAINS; j < OTHER_DOMAINS; j++) {
    z[otherDomain(j)] = { mx: [{ exchange: `mail.${otherDomain(j)}`, priority: 10, ttl: 3600 }] };
    z[`mail.${otherDomain(j)}`] = { a: ['192.0.2.27'], ttl: 3600 };
  }
  return z;
}
