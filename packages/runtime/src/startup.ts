// Turns a start-up failure into one clear line for the operator instead of a stack trace.
import { ConfigError } from './config.ts';

export function describeStartupError(error: unknown): string {
  if (error instanceof ConfigError) return `configuration error: ${error.message}`;
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

/** Runs `main`; on failure prints `postern <app>: <one line>` to stderr and exits 1. */
export function runMain(app: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`postern ${app}: ${describeStartupError(error)}\n`);
    process.exit(1);
  });
}
