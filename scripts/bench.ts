// `pnpm bench <name>` runs bench/<name>/index.ts; its last line is one JSON object of figures.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const name = process.argv[2];
const available = readdirSync(join(root, 'bench'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'bench', entry.name, 'index.ts')))
  .map((entry) => entry.name);
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: pnpm bench <name>   (available: ${available.join(', ')})\n`);
  process.exit(2);
}
const child = spawn(process.execPath, [join(root, 'bench', name, 'index.ts'), ...process.argv.slice(3)], {
  cwd: root,
  stdio: 'inherit',
});
child.on('exit', (code) => process.exit(code ?? 1));
