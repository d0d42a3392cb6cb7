// The built declarations work for TypeScript users of both module systems: tsc checks a consumer
// of the "import" entry and one of the "require" entry (test/fixtures/types). The result types are
// exactly what the API's zod schemas produce (checked by `pnpm typecheck`, which covers this file).
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ErrorCode, ZV1Me, ZV1Usage } from '@postern/contracts';
import { beforeAll, expect, expectTypeOf, it } from 'vitest';
import type { PosternErrorCode, V1Me, V1Usage } from '../src/index.ts';
import { assertBuilt, SDK_ROOT } from './helpers.ts';

const run = promisify(execFile);
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

beforeAll(() => {
  assertBuilt();
});

it('V1Me and V1Usage are the outputs of ZV1Me and ZV1Usage', () => {
  expectTypeOf<V1Me>().toEqualTypeOf<ReturnType<typeof ZV1Me.parse>>();
  expectTypeOf<V1Usage>().toEqualTypeOf<ReturnType<typeof ZV1Usage.parse>>();
  expectTypeOf<ErrorCode>().toExtend<PosternErrorCode>();
});

it('dist/esm and dist/cjs declarations type-check a consumer of each, without the API sources', async () => {
  const project = join(SDK_ROOT, 'test/fixtures/types/tsconfig.json');
  const result = await run(process.execPath, [tsc, '-p', project, '--explainFiles'], {
    cwd: SDK_ROOT,
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout: string; stderr: string }) => {
    const errors = error.stdout.split('\n').filter((line) => /error TS/.test(line));
    throw new Error(
      `tsc failed on the consumer fixtures:\n${errors.join('\n') || error.stdout}${error.stderr}`,
    );
  });
  const files = result.stdout.split('\n');
  // --explainFiles lists the program's files relative to the working directory (SDK_ROOT).
  expect(files).toContain('dist/esm/index.d.ts');
  expect(files).toContain('dist/cjs/index.d.ts');
  // The declarations need @postern/contracts' types only: no router, no server code.
  expect(files.filter((file) => /apps\/api|@trpc/.test(file))).toEqual([]);
});
