// The built declarations are self-contained and work for TypeScript users of both module systems:
// tsc checks a consumer of the "import" entry and one of the "require" entry (test/fixtures/types),
// with the library checks on, and the program holds no file of the workspace or of zod. The result
// types, written out in src/api-types.ts, are exactly what the API's zod schemas produce (checked by
// `pnpm typecheck`, which covers this file).
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type {
  ErrorBody as ContractErrorBody,
  Plan as ContractPlan,
  ErrorCode,
  ZBulkJob,
  ZBulkJobList,
  ZBulkProgressEvent,
  ZBulkResultFilter,
  ZBulkResultItem,
  ZBulkResultsPage,
  ZBulkRowItem,
  ZPolicy,
  ZPolicyView,
  ZV1Me,
  ZV1Usage,
  ZValidationBatchResult,
  ZValidationResult,
} from '@postern/contracts';
import type {
  BULK_DOWNLOAD_FORMATS,
  BULK_JOB_STATUSES,
  VERDICT_STATUSES,
} from '@postern/contracts/constants';
import { beforeAll, expect, expectTypeOf, it } from 'vitest';
import type * as Sdk from '../src/index.ts';
import { assertBuilt, SDK_ROOT } from './helpers.ts';

const run = promisify(execFile);
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
type Out<Schema extends { _zod: { output: unknown } }> = Schema['_zod']['output'];

beforeAll(() => {
  assertBuilt();
});

it('the written-out result types are the outputs of the API schemas', () => {
  expectTypeOf<Sdk.V1Me>().toEqualTypeOf<Out<typeof ZV1Me>>();
  expectTypeOf<Sdk.V1Usage>().toEqualTypeOf<Out<typeof ZV1Usage>>();
  expectTypeOf<Sdk.ValidationResult>().toEqualTypeOf<Out<typeof ZValidationResult>>();
  expectTypeOf<Sdk.ValidationBatchResult>().toEqualTypeOf<Out<typeof ZValidationBatchResult>>();
  expectTypeOf<Sdk.BulkJob>().toEqualTypeOf<Out<typeof ZBulkJob>>();
  expectTypeOf<Sdk.BulkJobList>().toEqualTypeOf<Out<typeof ZBulkJobList>>();
  expectTypeOf<Sdk.BulkResultItem>().toEqualTypeOf<Out<typeof ZBulkResultItem>>();
  expectTypeOf<Sdk.BulkResultsPage>().toEqualTypeOf<Out<typeof ZBulkResultsPage>>();
  // A download row as the API writes it fits the join's row type.
  expectTypeOf<Out<typeof ZBulkRowItem>>().toExtend<Sdk.BulkRowItem>();
  expectTypeOf<Sdk.BulkProgressEvent>().toEqualTypeOf<Out<typeof ZBulkProgressEvent>>();
  expectTypeOf<Sdk.BulkResultFilter>().toEqualTypeOf<Out<typeof ZBulkResultFilter>>();
  expectTypeOf<Sdk.Policy>().toEqualTypeOf<Out<typeof ZPolicy>>();
  expectTypeOf<Sdk.PolicyView>().toEqualTypeOf<Out<typeof ZPolicyView>>();
  expectTypeOf<Sdk.ErrorBody>().toEqualTypeOf<ContractErrorBody>();
  expectTypeOf<Sdk.Plan>().toEqualTypeOf<ContractPlan>();
  expectTypeOf<Sdk.BulkJobStatus>().toEqualTypeOf<(typeof BULK_JOB_STATUSES)[number]>();
  expectTypeOf<Sdk.VerdictStatus>().toEqualTypeOf<(typeof VERDICT_STATUSES)[number]>();
  expectTypeOf<Sdk.BulkDownloadFormat>().toEqualTypeOf<(typeof BULK_DOWNLOAD_FORMATS)[number]>();
  expectTypeOf<ErrorCode>().toExtend<Sdk.PosternErrorCode>();
});

it('dist/index.d.ts and dist/index.d.cts type-check a consumer of each, on their own', async () => {
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
  expect(files).toContain('dist/index.d.ts');
  expect(files).toContain('dist/index.d.cts');
  expect(files).toContain('dist/webhooks.d.ts');
  // Self-contained: no workspace source, no zod, no router or server code.
  expect(
    files.filter((file) => /contracts|zod|apps\/api|@trpc|\.ts$/.test(file) && !/\.d\.c?ts$/.test(file)),
  ).toEqual([]);
  expect(files.filter((file) => /contracts|zod/.test(file))).toEqual([]);
});
