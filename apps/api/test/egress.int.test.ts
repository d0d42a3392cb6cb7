// Black box (#32, docs/security-model.md "Egress inventory"): the real API and worker processes, with
// every optional outbound connection turned off (no resolver canaries, no SMTP self-check, no SMTP_URL:
// mail goes to a folder), are exercised a little (health, sign-up, whose verification mail the worker
// sends) while their sockets are sampled from /proc. Every remote endpoint they hold must be this
// machine's PostgreSQL or Redis; the only other sockets are the API's own listener and the connections
// the test itself opened to it.
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTH_COOKIES, CSRF_HEADER } from '@postern/contracts';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { testServices } from '@postern/runtime';
import { type SpawnedApp, spawnApp, waitFor, waitForHttp } from '@postern/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Endpoint {
  protocol: string;
  local: string;
  remote: string;
  state: string;
}

/** `0100007F:1538` (little-endian words, as in /proc/net/tcp) → `127.0.0.1:5432`; IPv4-mapped v6 too. */
function decode(hexAddress: string): string {
  const [hex = '', portHex = '0'] = hexAddress.split(':');
  const port = Number.parseInt(portHex, 16);
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)));
  if (bytes.length === 4) return `${bytes.join('.')}:${port}`;
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return `${bytes.slice(12).join('.')}:${port}`;
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return `[${groups.join(':')}]:${port}`;
}

/** The process and its descendants (the API or worker might fork helpers). */
function processTree(pid: number): number[] {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
    return text ? text.split(/\s+/).map(Number) : [];
  });
  return [pid, ...children.flatMap(processTree)];
}

/** The TCP and UDP sockets a process holds (its fds, matched by inode against its net namespace's tables). */
function sockets(pid: number): Endpoint[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // The fd closed between listing and reading.
    }
  }
  return ['tcp', 'tcp6', 'udp', 'udp6'].flatMap((protocol) =>
    readFileSync(`/proc/${pid}/net/${protocol}`, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f.length > 9 && inodes.has(f[9] ?? ''))
      .map((f) => ({ protocol, local: decode(f[1] ?? ''), remote: decode(f[2] ?? ''), state: f[3] ?? '' })),
  );
}

const LISTEN = '0A';
const port = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));

describe('egress: API and worker with the optional connections off', () => {
  let db: TestDatabase;
  let api: SpawnedApp;
  let worker: SpawnedApp;
  const mailDir = mkdtempSync(join(tmpdir(), 'egress-mail-'));
  const seen = new Map<string, Endpoint & { app: string }>();
  let sampler: NodeJS.Timeout | undefined;

  const sample = () => {
    for (const app of [api, worker]) {
      const pid = app?.proc.pid;
      if (!pid || app.proc.exitCode !== null) continue;
      try {
        for (const each of processTree(pid).flatMap(sockets)) {
          seen.set(`${app.name} ${each.protocol} ${each.local} ${each.remote}`, { ...each, app: app.name });
        }
      } catch {
        // A helper process exited while being read: the next sample sees the rest.
      }
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: testServices().redisUrl,
      POSTERN_SECRET: 'an-egress-test-secret-of-enough-length',
      MAIL_DIR: mailDir,
      WORKER_POLL_SECONDS: '0.5',
      LOG_LEVEL: 'warn',
      // spawnApp sets DNS_CANARY_DOMAINS=none already; said again here because this test is about it.
      DNS_CANARY_DOMAINS: 'none',
    };
    api = await spawnApp('api', env);
    worker = await spawnApp('worker', env);
    sampler = setInterval(sample, 50);
    await waitForHttp(`${api.url}/healthz`);
  });

  afterAll(async () => {
    clearInterval(sampler);
    await api?.stop();
    await worker?.stop();
    await db?.drop();
    rmSync(mailDir, { recursive: true, force: true });
  });

  it('connects to nothing but PostgreSQL and Redis on this machine', async () => {
    const jar = new Map<string, string>();
    const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
      const res = await fetch(`${api.url}/trpc/${path}`, {
        method,
        headers: {
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(method === 'POST'
            ? { 'content-type': 'application/json', [CSRF_HEADER]: jar.get(AUTH_COOKIES.csrf) ?? '' }
            : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      for (const line of res.headers.getSetCookie()) {
        const [name, ...value] = (line.split(';')[0] ?? '').split('=');
        if (name) jar.set(name, value.join('='));
      }
      return res.status;
    };
    expect(await call('GET', 'system.health')).toBe(200);
    const email = `egress-${Date.now()}@example.test`;
    expect(await call('POST', 'auth.signUp', { email, password: 'Correct-Horse-Battery-9' })).toBe(200);
    // The worker took the verification mail from the queue and wrote it to MAIL_DIR.
    await waitFor('the verification mail', async () => readdirSync(mailDir).length > 0, {
      timeoutMs: 20_000,
    });
    // A few more seconds of both processes' background work (queue polling, schedules).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    sample();

    const database = new URL(db.url);
    const redis = new URL(testServices().redisUrl);
    const allowed = new Set([
      `${database.hostname}:${database.port || 5432}`,
      `${redis.hostname}:${redis.port || 6379}`,
    ]);
    const apiPort = port(new URL(api.url).host);
    const all = [...seen.values()];
    const outbound = all.filter(
      (s) => s.state !== LISTEN && port(s.remote) !== 0 && !(s.app === 'api' && port(s.local) === apiPort),
    );
    // The sampling saw both processes talk to the database (else it saw nothing useful).
    expect(outbound.some((s) => s.app === 'api' && allowed.has(s.remote))).toBe(true);
    expect(outbound.some((s) => s.app === 'worker' && allowed.has(s.remote))).toBe(true);
    expect(outbound.filter((s) => !allowed.has(s.remote))).toEqual([]);
    // Nothing listens but the API's own port.
    expect(all.filter((s) => s.state === LISTEN && !(s.app === 'api' && port(s.local) === apiPort))).toEqual(
      [],
    );
  });
});
