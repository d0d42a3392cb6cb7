// `./postern up`: starts the whole product on one machine — embedded PostgreSQL when DATABASE_URL is
// unset (data kept in .data/postgres across restarts), the API (serving the dashboard) and the worker —
// prints one URL, and on Ctrl-C stops everything cleanly.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeStartupError, loadConfig, loadLauncherConfig, NODE_FLAGS } from '@postern/runtime';

const root = fileURLToPath(new URL('..', import.meta.url));
const say = (line: string) => process.stdout.write(`postern: ${line}\n`);
const fail = (line: string): never => {
  process.stderr.write(`postern: ${line}\n`);
  process.exit(1);
};

function launcherConfig() {
  try {
    return loadLauncherConfig(process.env, root);
  } catch (error) {
    return fail(describeStartupError(error));
  }
}
const { dataDir, embeddedPostgresPort, inheritedEnv } = launcherConfig();
const env: Record<string, string | undefined> = { ...inheritedEnv };
mkdirSync(join(dataDir, 'logs'), { recursive: true });

/** A value generated once and kept in the data folder (mode 600), so restarts reuse it. */
function persistentSecret(file: string): string {
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const value = randomBytes(32).toString('base64url');
  writeFileSync(path, `${value}\n`, { mode: 0o600 });
  return value;
}

let embedded: ChildProcess | undefined;
/** The owner URL (migrations) and the application role's URL (API and worker) of the embedded database. */
async function startEmbeddedPostgres(): Promise<{ ownerUrl: string; appUrl: string }> {
  const databaseDir = join(dataDir, 'postgres');
  const password = persistentSecret('postgres-password');
  const appPassword = persistentSecret('postgres-app-password');
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) say(`initialising embedded PostgreSQL in ${databaseDir}`);
  const log = createWriteStream(join(dataDir, 'logs', 'postgres.log'), { flags: 'a' });
  const child = spawn(
    process.execPath,
    [join(root, 'scripts', 'embedded-postgres.ts'), databaseDir, String(embeddedPostgresPort)],
    {
      cwd: root,
      env: {
        ...(env as NodeJS.ProcessEnv),
        EMBEDDED_POSTGRES_PASSWORD: password,
        EMBEDDED_POSTGRES_APP_PASSWORD: appPassword,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    },
  );
  embedded = child;
  child.stderr?.pipe(log);
  const { fresh } = await new Promise<{ fresh: boolean }>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => {
      const reason = stderr.split('\n').find((line) => line.startsWith('embedded PostgreSQL cannot run'));
      const log = join(dataDir, 'logs', 'postgres.log');
      reject(new Error(reason ?? `embedded PostgreSQL did not start (exit ${code}); see ${log}`));
    });
  });
  say(
    `embedded PostgreSQL on 127.0.0.1:${embeddedPostgresPort} (${fresh ? 'new' : 'existing'} data in ${databaseDir})`,
  );
  return {
    ownerUrl: `postgres://postern:${password}@127.0.0.1:${embeddedPostgresPort}/postern`,
    appUrl: `postgres://postern_app:${appPassword}@127.0.0.1:${embeddedPostgresPort}/postern`,
  };
}

/**
 * As the owner role: migrations, pg-boss's schema and queues, DML grants for DATABASE_URL's role
 * (`pnpm db:migrate`). The API and worker then start with the application role only.
 */
function prepareDatabase() {
  const result = spawnSync(process.execPath, [join(root, 'packages', 'db', 'src', 'cli.ts'), 'migrate'], {
    cwd: root,
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error((result.stderr || result.stdout).trim().split('\n')[0] ?? 'migration failed');
  const applied = result.stdout.trim();
  if (applied && applied !== 'database is up to date') say(applied);
}

const children = new Map<string, ChildProcess>();
let stopping = false;

function startApp(name: 'api' | 'worker'): ChildProcess {
  const log = createWriteStream(join(dataDir, 'logs', `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [...NODE_FLAGS[name], join(root, 'apps', name, 'src', 'main.ts')], {
    cwd: root,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const relay = (chunk: Buffer) => {
    log.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      if (!line.startsWith('{')) {
        process.stderr.write(`${line}\n`);
        continue;
      }
      try {
        const entry = JSON.parse(line) as { level?: string; msg?: string };
        if (
          entry.level === 'warn' ||
          entry.level === 'error' ||
          entry.level === 'fatal' ||
          env.POSTERN_VERBOSE
        ) {
          process.stdout.write(`[${name}] ${entry.level}: ${entry.msg}\n`);
        }
      } catch {
        process.stdout.write(`[${name}] ${line}\n`);
      }
    }
  };
  child.stdout?.on('data', relay);
  child.stderr?.on('data', relay);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      process.stderr.write(
        `postern: the ${name} stopped unexpectedly (${signal ?? `exit ${code}`}); see ${join(dataDir, 'logs', `${name}.log`)}\n`,
      );
      void shutdown(1);
    }
  });
  children.set(name, child);
  return child;
}

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  // The database stops last, after the API and worker have let go of it.
  const db = embedded;
  if (db && db.exitCode === null) {
    await new Promise<void>((resolve) => {
      db.once('exit', () => resolve());
      db.kill('SIGTERM');
    });
  }
  say('stopped');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  if (!env.POSTERN_SECRET && env.NODE_ENV !== 'production') env.POSTERN_SECRET = persistentSecret('secret');
  // Ed25519 seed that signs audit chain heads (never stored in the database).
  if (!env.AUDIT_SIGNING_KEY && env.NODE_ENV !== 'production')
    env.AUDIT_SIGNING_KEY = persistentSecret('audit-signing-key');
  // Without an SMTP server, emails (verification, password reset) are written as .eml files here.
  if (!env.SMTP_URL && !env.MAIL_DIR) {
    env.MAIL_DIR = join(dataDir, 'mail');
    say(`no SMTP_URL: emails are written to ${env.MAIL_DIR}`);
  }
  // Validate every setting before starting anything, so a mistake is one clear line.
  const config = loadConfig({ ...env, DATABASE_URL: env.DATABASE_URL ?? 'postgres://placeholder/postern' });
  if (!env.DATABASE_URL) {
    const urls = await startEmbeddedPostgres();
    env.MIGRATION_DATABASE_URL = urls.ownerUrl;
    env.DATABASE_URL = urls.appUrl;
  }
  // Two roles: the owner prepares the database here, and the API and worker never see its URL.
  if (env.MIGRATION_DATABASE_URL) {
    prepareDatabase();
    delete env.MIGRATION_DATABASE_URL;
  }
  if (!env.REDIS_URL) say('no REDIS_URL: cache and rate limits live in the API process (single API process)');
  if (!existsSync(join(root, 'apps', 'web', 'dist', 'index.html'))) {
    say('the dashboard is not built (run `pnpm --filter @postern/web build`); the API runs without it');
  }

  const started = Date.now();
  startApp('api');
  startApp('worker');
  const deadline = Date.now() + 90_000;
  while (!stopping) {
    const ready = await fetch(`http://127.0.0.1:${config.port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) fail(`not ready after 90 s; see ${join(dataDir, 'logs')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (Ctrl-C stops everything)`);
  process.stdout.write(`\n  Postern is running at ${config.publicUrl}\n\n`);
} catch (error) {
  process.stderr.write(`postern: ${describeStartupError(error)}\n`);
  await shutdown(1);
}
