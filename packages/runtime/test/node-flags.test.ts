// The V8 flags of each app are listed once (NODE_FLAGS); the launchers that cannot import it — the
// Dockerfiles and `pnpm start` — must spell out the same flags.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_FLAGS } from '../src/node-flags.ts';

const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('node flags', () => {
  it.each(['api', 'worker'] as const)('%s: the Dockerfile CMD and `pnpm start` pass NODE_FLAGS', (name) => {
    const cmd = /^CMD \[(.*)\]$/m.exec(read(`infra/docker/${name}.Dockerfile`))?.[1];
    expect(cmd).toBeDefined();
    const args = JSON.parse(`[${cmd}]`) as string[];
    expect(args).toEqual(['node', ...NODE_FLAGS[name], `apps/${name}/src/main.ts`]);
    const start = (JSON.parse(read(`apps/${name}/package.json`)) as { scripts: { start: string } }).scripts
      .start;
    expect(start.split(' ')).toEqual(['node', ...NODE_FLAGS[name], 'src/main.ts']);
  });
});
