// What the CLI and the client say to a person (#24): counts in the singular when there is one, and the
// dashboard's real place for API keys (the workspace's "API keys" page, apps/web sections.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { USAGE } from '../src/cli/args.ts';
import { checkedLine, createdLine, run } from '../src/cli/verify.ts';
import { createClient } from '../src/index.ts';
import { SDK_ROOT } from './helpers.ts';

const PLACE = 'Workspace → API keys';

const job = (total: number, duplicates: number, rejected: number) => ({
  id: 'job_1',
  total,
  summary: { duplicates, rejected: rejected ? { invalid_syntax: rejected } : {} } as never,
});

describe('counts', () => {
  it('"1 duplicate removed", "2 duplicates removed", "1 address"', () => {
    expect(createdLine(job(1, 1, 0))).toBe('Job job_1: 1 address (1 duplicate removed)');
    expect(createdLine(job(970_000, 12, 30_000))).toBe(
      'Job job_1: 970,000 addresses (12 duplicates removed, 30,000 rejected)',
    );
    expect(createdLine(job(0, 0, 0))).toBe('Job job_1: 0 addresses');
    const counts = { deliverable: 1, undeliverable: 0, catch_all: 0, risky: 0, do_not_mail: 0, unknown: 0 };
    expect(checkedLine({ processed: 1, counts }, 4)).toBe('Checked 1 address in 0:04: 1 deliverable');
  });
});

describe('where API keys are made', () => {
  it('the CLI help, the missing-key message, the client error and the README name the real page', async () => {
    expect(USAGE).toContain(PLACE);
    let stderr = '';
    const io = {
      env: {},
      stdout: new Writable({ write: (_c, _e, done) => done() }),
      stderr: { write: (text: string) => (stderr += text) },
      onInterrupt: () => () => {},
    };
    expect(await run(['list.csv'], io)).toBe(2);
    expect(stderr).toContain(PLACE);
    expect(() => createClient({ baseUrl: 'https://p.example' } as never)).toThrow(PLACE);
    const readme = readFileSync(join(SDK_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(PLACE);
    for (const text of [USAGE, stderr, readme]) expect(text).not.toContain('Settings → API keys');
  });
});
