// Bad configuration stops start-up with one clear line naming the setting, never a stack trace.
import { type AppName, spawnApp } from '@postern/runtime/testing';
import { describe, expect, it } from 'vitest';

async function startFails(app: AppName, env: Record<string, string>) {
  const proc = await spawnApp(app, { CONNECT_TIMEOUT_SECONDS: '3', ...env });
  const code = await proc.exited;
  return { code, output: proc.lines };
}

function expectOneClearLine(output: string[], setting: string) {
  const errors = output.filter((line) => line.startsWith('postern '));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toContain(setting);
  // No stack trace anywhere in the output.
  expect(output.join('\n')).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)/m);
}

describe.each<AppName>(['api', 'worker'])('%s start-up with bad configuration', (app) => {
  it('names DATABASE_URL when PostgreSQL is unreachable', async () => {
    const { code, output } = await startFails(app, {
      DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/postern',
    });
    expect(code).toBe(1);
    expectOneClearLine(output, 'DATABASE_URL');
    expect(output.join('\n')).not.toContain('hunter2');
  });

  it('names DATABASE_URL when it is not a PostgreSQL URL', async () => {
    const { code, output } = await startFails(app, { DATABASE_URL: 'mysql://localhost/db' });
    expect(code).toBe(1);
    expectOneClearLine(output, 'DATABASE_URL');
  });

  it('names REDIS_URL when it is malformed', async () => {
    const { code, output } = await startFails(app, {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      REDIS_URL: 'not a url',
    });
    expect(code).toBe(1);
    expectOneClearLine(output, 'REDIS_URL');
  });

  it('names POSTERN_SECRET when it is missing in production', async () => {
    const { code, output } = await startFails(app, {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
    });
    expect(code).toBe(1);
    expectOneClearLine(output, 'POSTERN_SECRET');
  });
});

describe('api start-up with an unreachable Redis', () => {
  it('names REDIS_URL', async () => {
    const { code, output } = await startFails('api', {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      REDIS_URL: 'redis://127.0.0.1:1/0',
    });
    expect(code).toBe(1);
    expectOneClearLine(output, 'REDIS_URL');
  });
});
