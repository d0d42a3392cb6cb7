// The published form of a package, as a user gets it: `pnpm pack` makes the tarball (with
// publishConfig applied), publint and attw lint it, plain npm installs it into a scratch project
// outside the workspace (so nothing resolves through the monorepo), and the repo's tsc type-checks
// consumers there under `strict`, with `moduleResolution` node16 and bundler, as ES module and as
// CommonJS. Shared by packages/sdk/test/pack.int.test.ts and packages/validator/test/pack.int.test.ts.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

/** Runs a command; on failure the error carries its output. */
export async function sh(
  command: string,
  args: string[],
  options: { cwd: string; timeout?: number; env?: NodeJS.ProcessEnv },
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(command, args, {
      cwd: options.cwd,
      timeout: options.timeout ?? 120_000,
      maxBuffer: 32 * 1024 * 1024,
      env: options.env ?? process.env,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${options.cwd}:\n${stdout}\n${stderr}`);
  }
}

/** A fresh directory outside the repository (removed by `remove`). */
export async function scratchDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `postern-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** `pnpm pack` of a workspace package into `destination`; the tarball's path. */
export async function pack(packageDir: string, destination: string): Promise<string> {
  const before = new Set(await readdir(destination));
  await sh('pnpm', ['pack', '--pack-destination', destination], { cwd: packageDir });
  const made = (await readdir(destination)).filter((f) => f.endsWith('.tgz') && !before.has(f));
  if (made.length !== 1) throw new Error(`pnpm pack made ${made.length} tarballs in ${destination}`);
  return join(destination, made[0] as string);
}

export interface AttwProblem {
  kind: string;
  entrypoint?: string;
  resolutionKind?: string;
}

/**
 * publint (a warning fails too) on a tarball, and attw's analysis: its entry points and its problems
 * under node16 (CJS and ESM) and bundler resolution (node10 knows no "exports" subpaths: ignored).
 */
export async function lintTarball(
  tarball: string,
): Promise<{ publint: string; entrypoints: string[]; problems: AttwProblem[] }> {
  const publint = await sh(bin('publint'), ['run', tarball, '--strict'], { cwd: REPO_ROOT });
  const attw = await sh(bin('attw'), [tarball, '--profile', 'node16', '--format', 'json'], {
    cwd: REPO_ROOT,
  });
  const report = JSON.parse(attw.stdout) as {
    analysis: { entrypoints: Record<string, unknown> };
    problems?: Record<string, AttwProblem[]>;
  };
  const problems = Object.values(report.problems ?? {})
    .flat()
    .filter((problem) => problem.resolutionKind !== 'node10');
  return { publint: publint.stdout, entrypoints: Object.keys(report.analysis.entrypoints), problems };
}

/** A scratch project with the tarballs (and `extra` packages from the registry) installed by npm. */
export async function installScratch(dir: string, tarballs: string[], extra: string[] = []): Promise<void> {
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'postern-scratch', private: true, version: '0.0.0' }, null, 2)}\n`,
  );
  // --ignore-scripts: free-email-domains' postinstall downloads a fresh list from GitHub, which this
  // machine cannot reach (the workspace skips it too, see pnpm-workspace.yaml); the published one is used.
  const flags = ['--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'];
  await sh('npm', ['install', ...flags, ...tarballs, ...extra], {
    cwd: dir,
    timeout: 120_000,
  });
}

export interface Consumer {
  /** An ES module (`.mts`), importing the package with `import`. */
  esm: string;
  /** A CommonJS module (`.cts`), loading the package with `import x = require(…)`. */
  cjs: string;
}

/** The four settings a consumer is checked under. */
export const TYPE_SETTINGS = {
  'node16-esm': { moduleResolution: 'node16', module: 'node16', file: 'esm' },
  'node16-cjs': { moduleResolution: 'node16', module: 'node16', file: 'cjs' },
  'bundler-esm': { moduleResolution: 'bundler', module: 'preserve', file: 'esm' },
  'bundler-cjs': { moduleResolution: 'bundler', module: 'preserve', file: 'cjs' },
} as const;

/**
 * Type-checks `consumer` in `dir` under each setting with the repo's tsc: `strict`, the packages'
 * declarations checked too (no skipLibCheck). `types` are the @types packages the consumer needs.
 */
export async function typecheckConsumers(
  dir: string,
  consumer: Consumer,
  types: string[],
): Promise<Record<keyof typeof TYPE_SETTINGS, string>> {
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'src', 'consumer.mts'), consumer.esm);
  await writeFile(join(dir, 'src', 'consumer.cts'), consumer.cjs);
  const results = {} as Record<keyof typeof TYPE_SETTINGS, string>;
  for (const [name, setting] of Object.entries(TYPE_SETTINGS) as [
    keyof typeof TYPE_SETTINGS,
    (typeof TYPE_SETTINGS)[keyof typeof TYPE_SETTINGS],
  ][]) {
    const config = {
      compilerOptions: {
        target: 'es2022',
        lib: ['es2022', 'dom'],
        module: setting.module,
        moduleResolution: setting.moduleResolution,
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types,
      },
      files: [`src/consumer.${setting.file === 'esm' ? 'mts' : 'cts'}`],
    };
    await writeFile(join(dir, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
    // --listFiles: the files of the program (which declarations were used), after checking it.
    const { stdout } = await sh(bin('tsc'), ['-p', `tsconfig.${name}.json`, '--listFiles'], { cwd: dir });
    results[name] = stdout;
  }
  return results;
}
