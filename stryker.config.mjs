// Mutation testing of the security-critical modules (issue #25): `pnpm mutation` (all modules) or
// `pnpm mutation --mutate 'packages/core/src/crypto/**'` (one module: the test files below are picked
// from the --mutate glob). Not part of `./postern test`: see docs/testing.md ("Mutation testing").
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

// Each module with the tests that exercise it in-process. Tests that spawn API or worker processes
// are left out: a mutant is only active in the test runner's process, so they cannot kill one.
const modules = {
  crypto: {
    mutate: ['packages/core/src/crypto/**/*.ts'],
    testFiles: [
      'packages/core/test/crypto.test.ts',
      'packages/core/test/crypto-mutation.test.ts',
      'packages/core/test/crypto-rotation-mutation.int.test.ts',
      'apps/worker/test/rotate-keys.int.test.ts',
    ],
  },
  webhookTargets: {
    mutate: ['packages/core/src/webhooks/targets.ts'],
    testFiles: [
      'packages/core/test/webhooks-targets.test.ts',
      'packages/core/test/webhooks-targets-mutation.test.ts',
    ],
  },
  rateLimit: {
    mutate: ['packages/core/src/rate-limit/**/*.ts'],
    testFiles: [
      'packages/core/test/rate-limit-take-all.int.test.ts',
      'packages/core/test/rate-limit-mutation.int.test.ts',
      'apps/api/test/api-keys-rate-limiter.int.test.ts',
      'apps/api/test/check-metering.int.test.ts',
      'apps/api/test/metering-edges.int.test.ts',
    ],
  },
  apiKeys: {
    mutate: ['packages/core/src/api-keys/**/*.ts'],
    testFiles: [
      'apps/api/test/api-keys-public-api.int.test.ts',
      'apps/api/test/api-keys-rate-limiter.int.test.ts',
      'packages/core/test/api-keys-mutation.test.ts',
      'packages/core/test/api-keys-scopes.int.test.ts',
      'packages/core/test/api-keys-alerts.int.test.ts',
      'packages/core/test/api-keys-usage.int.test.ts',
      'apps/api/test/api-keys-scopes.int.test.ts',
    ],
  },
  audit: {
    mutate: ['packages/core/src/audit/**/*.ts'],
    testFiles: [
      'packages/core/test/audit-signing.test.ts',
      'packages/core/test/audit-export.int.test.ts',
      'packages/core/test/audit-log-mutation.int.test.ts',
      'packages/core/test/audit-verify-mutation.int.test.ts',
      'packages/core/test/audit-checkpoint-mutation.int.test.ts',
      'apps/api/test/audit-integrity.int.test.ts',
      'apps/api/test/audit-export.int.test.ts',
      'apps/api/test/audit-signed-heads.int.test.ts',
      'apps/api/test/audit-edges.int.test.ts',
    ],
  },
  auth: {
    mutate: [
      'packages/core/src/auth/sessions.ts',
      'packages/core/src/auth/two-factor.ts',
      'packages/core/src/auth/throttle.ts',
    ],
    testFiles: [
      'packages/core/test/auth-throttle-mutation.test.ts',
      'packages/core/test/auth-sessions-mutation.int.test.ts',
      'packages/core/test/auth-two-factor-mutation.int.test.ts',
      'apps/api/test/auth-sign-in.int.test.ts',
      'apps/api/test/auth-sessions.int.test.ts',
      'apps/api/test/session-limits.int.test.ts',
      'apps/api/test/two-factor-enrolment.int.test.ts',
      'apps/api/test/two-factor-sign-in.int.test.ts',
      'apps/api/test/auth-edges.int.test.ts',
    ],
  },
};

// The --mutate given on the command line (Stryker's own option) also picks the modules' test files.
function requestedMutate() {
  const at = process.argv.findIndex((arg) => arg === '--mutate' || arg === '-m');
  if (at >= 0) return process.argv[at + 1]?.split(',') ?? [];
  const inline = process.argv.find((arg) => arg.startsWith('--mutate='));
  return inline ? inline.slice('--mutate='.length).split(',') : [];
}

const prefix = (glob) => glob.replace(/\*.*$/, '');
const requested = requestedMutate();
const selectedNames = Object.keys(modules).filter((name) => {
  const module = modules[name];
  return (
    requested.length === 0 ||
    module.mutate.some((glob) =>
      requested.some(
        (want) => prefix(glob).startsWith(prefix(want)) || prefix(want).startsWith(prefix(glob)),
      ),
    )
  );
});
const selected = selectedNames.map((name) => modules[name]);
// One incremental file and report per module run alone, so runs of different modules keep theirs.
const runName = selectedNames.length === 1 ? selectedNames[0] : 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // By path: under pnpm, Stryker's default '@stryker-mutator/*' lookup (from its own folder) finds no runner.
  plugins: [join(root, 'node_modules/@stryker-mutator/vitest-runner/dist/src/index.js')],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.config.ts', related: false },
  mutate: selected.flatMap((module) => module.mutate),
  // Files not written yet (a module's mutation tests) are skipped rather than failing the run.
  testFiles: [...new Set(selected.flatMap((module) => module.testFiles))].filter((file) =>
    existsSync(join(root, file)),
  ),
  coverageAnalysis: 'perTest',
  // Two cores shared with other work: one test runner, and generous time limits for the database.
  concurrency: 1,
  timeoutMS: 30_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 20,
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${runName}.json`,
  ignoreStatic: true,
  // TypeScript 7 has no JavaScript API for Stryker's tsconfig rewriting, and the repository's
  // tsconfig paths all stay inside the sandbox: point it at no file.
  tsconfigFile: 'no-tsconfig-for-stryker.json',
  symlinkNodeModules: false,
  buildCommand: `node scripts/stryker-sandbox.ts ${root}`,
  ignorePatterns: ['reports', 'bench', 'apps/web/dist', '.data', '.tools'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${runName}.html` },
  jsonReporter: { fileName: `reports/mutation/${runName}.json` },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
