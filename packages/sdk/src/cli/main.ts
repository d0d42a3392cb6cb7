#!/usr/bin/env node
// The `postern` command (package.json "bin"). See verify.ts for what it does and its exit codes.
import { run } from './verify.ts';

run(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  onInterrupt(handler) {
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
}).then(
  (code) => {
    process.exitCode = code;
    // Idle keep-alive connections or a second Ctrl-C must not hold the process open.
    setTimeout(() => process.exit(code), 1000).unref();
    if (code === 130) process.exit(code);
  },
  (error: unknown) => {
    console.error('postern: unexpected error:', error);
    process.exitCode = 3;
  },
);
