// The dependency direction of ARCHITECTURE.md is a lint error: this proves each rule fires (and that
// allowed imports pass) by linting probe sources through Biome, as `pnpm lint` does.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Writes the probe where a real module of that package would live, lints it, removes it. */
function lint(path: string, source: string) {
  const file = path.replace(/probe\.ts$/, `layer-probe-${randomBytes(4).toString('hex')}.ts`);
  const folder = `${root}${dirname(file)}`;
  const madeFolder = !existsSync(folder);
  if (madeFolder) mkdirSync(folder, { recursive: true });
  writeFileSync(`${root}${file}`, source);
  try {
    const result = spawnSync(
      `${root}node_modules/.bin/biome`,
      ['lint', '--only=style/noRestrictedImports', file],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(madeFolder ? folder : `${root}${file}`, { recursive: true, force: true });
  }
}

const refused: [string, string][] = [
  ['packages/contracts/src/probe.ts', "import { DomainError } from '@postern/core';"],
  ['packages/contracts/src/probe.ts', "import { readFileSync } from 'node:fs';"],
  ['packages/validator/src/probe.ts', "import { createOrm } from '@postern/db';"],
  ['packages/validator/src/probe.ts', "import { Redis } from 'ioredis';"],
  ['packages/db/src/probe.ts', "import { DomainError } from '@postern/core';"],
  ['packages/runtime/src/probe.ts', "import { appRouter } from '@postern/api/router';"],
  ['packages/core/src/probe.ts', "import { initTRPC } from '@trpc/server';"],
  ['packages/core/src/probe.ts', "import Fastify from 'fastify';"],
  ['packages/core/src/probe.ts', "import { buildServer } from '@postern/api';"],
  ['apps/web/src/probe.ts', "import { DomainError } from '@postern/core';"],
  ['apps/web/src/probe.ts', "import { buildServer } from '@postern/api';"],
  ['apps/web/src/probe.ts', "import { createOrm } from '@postern/db';"],
  ['packages/sdk/src/probe.ts', "import { loadConfig } from '@postern/runtime';"],
  ['apps/api/src/probe.ts', "import { createClient } from '@postern/sdk';"],
  // apps/api is transport only: no ORM, SQL driver or database package…
  ['apps/api/src/probe.ts', "import { BulkJob } from '@postern/db';"],
  ['apps/api/src/routers/probe.ts', "import { wrap } from '@mikro-orm/core';"],
  ['apps/api/src/http/shared/probe.ts', "import pg from 'pg';"],
  ['apps/api/src/http/v1/probe.ts', "import { sql } from 'kysely';"],
  // …and plain HTTP never reaches into tRPC.
  ['apps/api/src/http/v1/probe.ts', "import { workspaceProcedure } from '../../trpc.ts';"],
  ['apps/api/src/http/dashboard/probe.ts', "import { requestMeta } from '../../trpc';"],
  // The constants entry stays zod-free: the dashboard's first bundle and the SDK import it.
  ['packages/contracts/src/constants/probe.ts', "import { z } from 'zod';"],
  ['packages/contracts/src/constants/probe.ts', "import { ZRole } from '../workspaces.ts';"],
];

const allowed: [string, string][] = [
  ['packages/core/src/probe.ts', "import { createOrm } from '@postern/db';\nexport const x = createOrm;"],
  [
    'apps/web/src/probe.ts',
    "import type { AppRouter } from '@postern/api/router';\nexport type X = AppRouter;",
  ],
  ['apps/web/src/probe.ts', "import { ZErrorCode } from '@postern/contracts';\nexport const x = ZErrorCode;"],
  ['packages/contracts/src/probe.ts', "import { z } from 'zod';\nexport const x = z;"],
  ['apps/web/src/probe.ts', "import { ROLES } from '@postern/contracts/constants';\nexport const x = ROLES;"],
  [
    'packages/sdk/src/probe.ts',
    "import { ROLES } from '@postern/contracts/constants';\nexport const x = ROLES;",
  ],
  [
    'apps/api/src/http/v1/probe.ts',
    "import { checkWorkspaceAccess } from '../shared/access.ts';\nexport const x = checkWorkspaceAccess;",
  ],
  [
    'apps/api/src/http/v1/probe.ts',
    "import { DomainError } from '@postern/core';\nexport const x = DomainError;",
  ],
];

describe('layer rules', () => {
  it.each(refused)('%s may not: %s', (path, source) => {
    const { ok, output } = lint(path, `${source}\n`);
    expect(ok).toBe(false);
    expect(output).toContain('noRestrictedImports');
  });

  it.each(allowed)('%s may: %s', (path, source) => {
    const { ok, output } = lint(path, `${source}\n`);
    expect(output).not.toContain('noRestrictedImports');
    expect(ok).toBe(true);
  });
});
