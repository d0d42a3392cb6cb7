// `./postern admin <command> …`, or in a container `node apps/admin/src/main.ts <command> …`: the
// instance operator console (see cli.ts and docs/operations.md, "Operator console").
import { fileURLToPath } from 'node:url';
import { run } from './cli.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const code = await run(
  process.argv.slice(2),
  {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  },
  root,
);
process.exitCode = code;
// Connections are closed by run(); a stray handle must not keep the console hanging.
setTimeout(() => process.exit(code), 2000).unref();
