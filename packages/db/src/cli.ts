// db:migrate, db:migration:create and db:check. `create` and `check` work on a scratch database,
// so migrations are always diffed against what the committed migrations actually build.
import { loadConfig, requireDatabaseUrl, runMain } from '@postern/runtime';
import { createOrm, migrateToLatest, schemaDrift } from './orm.ts';
import { ensureApplicationRole, prepareDatabase, roleOf } from './roles.ts';
import { createEmptyDatabase } from './testing.ts';

async function onScratchDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const scratch = await createEmptyDatabase();
  try {
    return await fn(scratch.url);
  } finally {
    await scratch.drop();
  }
}

runMain('db', async () => {
  const command = process.argv[2];
  if (command === 'migrate') {
    // As the owner role (MIGRATION_DATABASE_URL, else DATABASE_URL): migrations, pg-boss's schema
    // and queues, and DML grants for DATABASE_URL's role when it is another one.
    const config = loadConfig();
    const ownerUrl = config.migrationDatabaseUrl ?? requireDatabaseUrl(config);
    // --create-app-role: create DATABASE_URL's role first when missing (Compose, where the owner is the
    // image's superuser).
    if (process.argv.includes('--create-app-role') && config.databaseUrl) {
      if (await ensureApplicationRole(ownerUrl, config.databaseUrl, config.databaseSsl))
        console.log(`created the application role ${roleOf(config.databaseUrl)}`);
    }
    const { applied } = await prepareDatabase({
      ownerUrl,
      appUrl: config.databaseUrl,
      ssl: config.databaseSsl,
      setting: config.migrationDatabaseUrl ? 'MIGRATION_DATABASE_URL' : 'DATABASE_URL',
    });
    console.log(
      applied.length
        ? `applied ${applied.length} migration(s): ${applied.join(', ')}`
        : 'database is up to date',
    );
  } else if (command === 'create') {
    await onScratchDatabase(async (url) => {
      const orm = await createOrm({ databaseUrl: url });
      try {
        await migrateToLatest(orm, url);
        const result = await orm.migrator.create(undefined, false, false, process.argv[3]);
        console.log(
          result.fileName
            ? `created migrations/${result.fileName}`
            : 'no changes: entities and migrations agree',
        );
      } finally {
        await orm.close(true);
      }
    });
  } else if (command === 'check') {
    await onScratchDatabase(async (url) => {
      const orm = await createOrm({ databaseUrl: url });
      try {
        await migrateToLatest(orm, url);
        const drift = await schemaDrift(orm);
        if (drift) {
          console.error(`entities and migrations disagree; run \`pnpm db:migration:create\`:\n${drift}`);
          process.exitCode = 1;
        } else {
          console.log('entities and migrations agree');
        }
      } finally {
        await orm.close(true);
      }
    });
  } else {
    throw new Error('usage: node src/cli.ts migrate [--create-app-role] | create [name] | check');
  }
});
