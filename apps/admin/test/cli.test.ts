// The console's command line without a database: help for every command, usage errors (exit 2) that
// stop before anything connects, and the defaults it takes from a `./postern up` data folder.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, embeddedDefaults, run } from '../src/cli.ts';

function io(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env } };
}

describe('help and usage', () => {
  it('lists every command, and each has its own --help', async () => {
    const overview = io();
    expect(await run(['--help'], overview.io, '/nonexistent')).toBe(0);
    for (const command of COMMANDS) {
      expect(overview.out.join('\n')).toContain(`  ${command.name} `);
      const help = io();
      expect(await run([...command.name.split(' '), '--help'], help.io, '/nonexistent')).toBe(0);
      expect(help.out.join('\n')).toMatch(new RegExp(`^usage: postern admin ${command.name}`));
      if (command.mutating) expect(help.out.join('\n')).toContain('--reason TEXT');
    }
    expect(await run([], io().io, '/nonexistent')).toBe(2);
  });

  it('refuses mistakes with exit code 2 before connecting (no DATABASE_URL is needed to be told)', async () => {
    const cases: [string[], RegExp][] = [
      [['workspace', 'set-plan', 'x', 'business', '--as', 'A'], /--reason is required/],
      [['user', 'show', '--as', 'A'], /user show takes EMAIL/],
      [['user', 'list', '--as', 'A', '--limit', 'ten'], /--limit must be a whole number from 1 to 1000/],
      [['user', 'list', '--as', 'A', '--bogus'], /Unknown option '--bogus'/],
      [['user', 'disable', 'a@b.c', '--as', 'A', '--reason', 'x\ny'], /--reason must be one line/],
      [['audit', 'verify', '--as', 'A'], /--all or --scope SCOPE/],
      [
        ['workspace', 'set-plan', 'x', 'business', '--as', 'A', '--reason', 'r', '--limit', 'rps=1'],
        /--limit must be NAME=VALUE/,
      ],
      [
        ['workspace', 'set-plan', 'x', 'business', '--as', 'A', '--reason', 'r', '--limit', 'burst'],
        /NAME=VALUE/,
      ],
      [
        ['workspace', 'set-plan', 'x', 'business', '--as', 'A', '--reason', 'r', '--limit', 'burst=1e3'],
        /whole number/,
      ],
    ];
    for (const [argv, message] of cases) {
      const call = io();
      expect(await run(argv, call.io, '/nonexistent'), argv.join(' ')).toBe(2);
      expect(call.err).toHaveLength(1);
      expect(call.err[0]).toMatch(message);
      expect(call.err[0]).toMatch(/^postern admin: /);
    }
  });
});

describe('defaults of ./postern up', () => {
  it('uses the embedded database and generated secrets of the data folder when DATABASE_URL is unset', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'postern-admin-'));
    try {
      expect(embeddedDefaults({ POSTERN_DATA_DIR: dir }, '/nowhere')).toEqual({ POSTERN_DATA_DIR: dir });
      await writeFile(join(dir, 'postgres-app-password'), 'app-pw\n');
      await writeFile(join(dir, 'secret'), 'the-secret\n');
      const env = embeddedDefaults({ POSTERN_DATA_DIR: dir, EMBEDDED_POSTGRES_PORT: '5555' }, '/nowhere');
      expect(env).toMatchObject({
        DATABASE_URL: 'postgres://postern_app:app-pw@127.0.0.1:5555/postern',
        POSTERN_SECRET: 'the-secret',
      });
      const given = { DATABASE_URL: 'postgres://elsewhere/db', POSTERN_DATA_DIR: dir };
      expect(embeddedDefaults(given, '/nowhere')).toBe(given);
      // Production never takes secrets from files it did not configure.
      expect(
        embeddedDefaults({ POSTERN_DATA_DIR: dir, NODE_ENV: 'production' }, '/nowhere').POSTERN_SECRET,
      ).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
