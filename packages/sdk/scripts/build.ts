// Builds dist/ for both module systems with tsc (no bundler):
//   dist/esm  ES modules + .d.ts (the package is "type": "module")
//   dist/cjs  CommonJS + .d.ts, marked by dist/cjs/package.json { "type": "commonjs" }
//   dist/esm/cli/main.js  the `postern` command (package.json "bin")
// Type errors are reported by `pnpm typecheck`; the build itself does not check (tsconfig noCheck).
import { spawn } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsc, ...args], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`tsc ${args.join(' ')} exited with ${code}`)),
    );
  });
}

/** tsc rewrites `./x.ts` to `./x.js` in JavaScript but leaves it in declarations: fix those. */
function rewriteDeclarationImports(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    const fixed = text.replace(/(['"])(\.{1,2}\/[^'"]*?)\.ts\1/g, '$1$2.js$1');
    if (fixed !== text) writeFileSync(file, fixed);
  }
}

const started = performance.now();
rmSync(dist, { recursive: true, force: true });
await Promise.all([
  run(['-p', 'tsconfig.build.json']),
  run([
    '-p',
    'tsconfig.build.json',
    '--outDir',
    'dist/cjs',
    '--module',
    'commonjs',
    '--moduleResolution',
    'bundler',
    '--verbatimModuleSyntax',
    'false',
  ]),
]);
writeFileSync(join(dist, 'cjs', 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
rewriteDeclarationImports(dist);
// The `postern` command (package.json "bin"): executable, like npm makes it on install.
chmodSync(join(dist, 'esm', 'cli', 'main.js'), 0o755);
process.stdout.write(
  `@postern/sdk: built dist/esm and dist/cjs in ${Math.round(performance.now() - started)} ms\n`,
);
