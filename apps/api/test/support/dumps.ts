// What the "nothing left of the person" scans read: a real `pg_dump --data-only` of the test database
// (every schema, pg-boss's included), split per table, and every Redis key of the harness's prefix with
// its value whatever its type. Shared by erasure-acceptance.int.test.ts (#28) and contact-erasure-acceptance.int.test.ts (#30).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connectRedis, testServices } from '@postern/runtime';

const run = promisify(execFile);

/**
 * `pg_dump --data-only` of the database at `url` (the owner's URL: the application role may not read
 * everything), as `schema.table` → its COPY block. Fails when pg_dump is missing rather than scanning nothing.
 */
export async function pgDumpTables(url: string): Promise<Map<string, string>> {
  const { stdout } = await run(
    'pg_dump',
    ['--data-only', '--no-owner', '--no-privileges', `--dbname=${url}`],
    {
      maxBuffer: 512 * 1024 * 1024,
    },
  );
  const tables = new Map<string, string>();
  for (const block of stdout.split(/^(?=COPY )/m)) {
    const name = /^COPY ([\w".]+) /.exec(block)?.[1]?.replaceAll('"', '');
    if (name) tables.set(name, block);
  }
  if (!tables.size) throw new Error('pg_dump printed no table: nothing would be scanned');
  return tables;
}

/** Every key of the prefix (without it) with its value, whatever its type. */
export async function dumpRedis(prefix: string): Promise<Map<string, string>> {
  const redis = await connectRedis(testServices().redisUrl, { connectTimeoutMs: 3000 });
  try {
    const out = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string'
            ? await redis.get(key)
            : type === 'hash'
              ? JSON.stringify(await redis.hgetall(key))
              : type === 'zset'
                ? JSON.stringify(await redis.zrange(key, '0', '-1', 'WITHSCORES'))
                : type === 'list'
                  ? JSON.stringify(await redis.lrange(key, 0, -1))
                  : type === 'set'
                    ? JSON.stringify(await redis.smembers(key))
                    : '';
        out.set(key.slice(prefix.length), `${key} ${value}`);
      }
    } while (cursor !== '0');
    return out;
  } finally {
    redis.disconnect();
  }
}
