// Stryker's build command, run inside its sandbox (a copy of the repository without node_modules).
// Stryker's own node_modules linking would link apps/api/node_modules to the original folder, so
// `@postern/core` imported by an API test would resolve to the original, unmutated sources and no
// API test could kill a core mutant. Instead: the root node_modules (the pnpm store) is linked,
// and each package's node_modules is copied as it is — pnpm's links there are relative, so in the
// copy `@postern/core` points at the sandbox's mutated packages/core.
import { cpSync, existsSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const [original] = process.argv.slice(2);
if (original === undefined) throw new Error('usage: node scripts/stryker-sandbox.ts <original repository>');
const sandbox = process.cwd();

if (!existsSync(join(sandbox, 'node_modules'))) {
  symlinkSync(join(original, 'node_modules'), join(sandbox, 'node_modules'), 'dir');
}
for (const group of ['apps', 'packages']) {
  for (const name of readdirSync(join(original, group))) {
    const from = join(original, group, name, 'node_modules');
    const to = join(sandbox, group, name, 'node_modules');
    if (existsSync(from) && !existsSync(to)) cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  }
}
