// db:migrate, db:migration:create and db:check. `create` and `check` work on a scratch database,
// so migrations are always diffed against what the committed migrations actually build.
import { loadConfig, requireDatabaseUrl, runMain } from '@postern/runtime';
import { createOrm, migrateToLatest, schemaDrift } from './orm.ts';
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
    const config = loadConfig();
    const url = requireDatabaseUrl(config);
    const orm = await createOrm({ databaseUrl: url, ssl: config.databaseSsl });
    try {
      const applied = await migrateToLatest(orm, url, config.databaseSsl);
      console.log(
        applied.length
          ? `applied ${applied.length} migration(s): ${applied.join(', ')}`
          : 'database is up to date',
      );
    } finally {
      await orm.close(true);
    }
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
    throw new Error('usage: node src/cli.ts migrate | create [name] | check');
  }
});
