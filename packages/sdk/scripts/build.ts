// Builds dist/ with tsdown (tsdown.config.ts): ES modules (.mjs) and CommonJS (.cjs) for the root
// entry, `@postern/sdk/webhooks` and the `postern` command, each with one bundled, self-contained
// declaration file (.d.mts / .d.cts) that imports nothing from the workspace. Type errors are
// reported by `pnpm typecheck`; the build itself does not check.
import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsdown';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = performance.now();
await build({ config: join(root, 'tsdown.config.ts'), cwd: root, logLevel: 'warn' });
// The `postern` command (package.json "bin"): executable, like npm makes it on install.
const cli = join(root, 'dist', 'cli', 'main.mjs');
if (!existsSync(cli)) throw new Error(`the build made no ${cli}`);
chmodSync(cli, 0o755);
process.stdout.write(`@postern/sdk: built dist/ in ${Math.round(performance.now() - started)} ms\n`);
