// The test command (`pnpm test`, `./postern test`): builds what the tests load, then runs every
// suite — typecheck per package, lint (with the layer rules), and all vitest projects (unit,
// integration against real PostgreSQL/Redis, black-box process tests, the Chromium dashboard test) —
// and ends with one plain line: `N passed, M failed`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = join(root, '.data', 'test-results');
mkdirSync(resultsDir, { recursive: true });

interface Suite {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
}
const suites: Suite[] = [];

function run(
  command: string,
  args: string[],
  options: { quiet?: boolean } = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!options.quiet) process.stdout.write(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function section(title: string) {
  process.stdout.write(`\n=== ${title}\n`);
}

async function step(name: string, command: string, args: string[]) {
  section(name);
  const { code, output } = await run(command, args, { quiet: true });
  if (code !== 0) process.stdout.write(output);
  process.stdout.write(`${code === 0 ? 'ok' : 'FAILED'}: ${name}\n`);
  suites.push({ name, passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 });
  return code === 0;
}

const bin = (name: string) => join(root, 'node_modules', '.bin', name);

// 1. Build what tests load as built artefacts (the dashboard bundle, the SDK's ESM/CJS builds).
const built = await step('build (turbo run build)', bin('turbo'), [
  'run',
  'build',
  '--output-logs=errors-only',
]);

// 2. Typecheck each package on its own, so a failure names the package.
const packages = ['packages', 'apps']
  .flatMap((dir) => readdirSync(join(root, dir)).map((name) => join(dir, name)))
  .filter(
    (dir) => existsSync(join(root, dir, 'tsconfig.json')) && existsSync(join(root, dir, 'package.json')),
  )
  .filter((dir) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).scripts?.typecheck)
  .concat(['scripts']);
await Promise.all(
  packages.map(async (dir) => {
    const { code, output } = await run(bin('tsc'), ['-p', dir], { quiet: true });
    suites.push({
      name: `typecheck ${dir}`,
      passed: code === 0 ? 1 : 0,
      failed: code === 0 ? 0 : 1,
      skipped: 0,
    });
    if (code !== 0) process.stdout.write(`\n=== typecheck ${dir} FAILED\n${output}`);
  }),
);
section('typecheck');
process.stdout.write(`${packages.length} packages checked\n`);

// 3. Lint and format, including the dependency-direction rules.
await step('lint (biome check)', bin('biome'), ['check', '.', '--diagnostic-level=error']);

// 4. Every vitest project.
section('vitest');
const reportFile = join(resultsDir, 'vitest.json');
rmSync(reportFile, { force: true });
const vitest = await run(bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reportFile}`,
]);
if (existsSync(reportFile)) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  suites.push({
    name: 'vitest',
    passed: report.numPassedTests,
    failed:
      report.numFailedTests +
      (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? report.numFailedTestSuites : 0),
    skipped: report.numPendingTests + report.numTodoTests,
  });
} else {
  suites.push({ name: 'vitest (no report: the run crashed)', passed: 0, failed: 1, skipped: 0 });
}
if (!built) process.stdout.write('note: the build failed, so tests that load built artefacts failed too\n');
if (vitest.code !== 0 && !suites.some((s) => s.name === 'vitest' && s.failed > 0)) {
  suites.push({ name: 'vitest exit code', passed: 0, failed: 1, skipped: 0 });
}

const total = suites.reduce(
  (sum, s) => ({
    passed: sum.passed + s.passed,
    failed: sum.failed + s.failed,
    skipped: sum.skipped + s.skipped,
  }),
  {
    passed: 0,
    failed: 0,
    skipped: 0,
  },
);
section('summary');
for (const s of suites.filter((s) => s.failed > 0)) process.stdout.write(`FAILED: ${s.name} (${s.failed})\n`);
process.stdout.write(
  `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}\n`,
);
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
