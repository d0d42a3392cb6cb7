// Dispatches `postern admin <command> …`: finds the command, checks its arguments (usage errors: exit
// 2, before connecting to anything), opens the services, runs it. Every failure is one line on stderr
// (`postern admin: …`), never a stack trace: exit 1.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDomainError } from '@postern/core';
import { describeStartupError, loadConfig, loadLauncherConfig } from '@postern/runtime';
import {
  type Command,
  commandHelp,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  type Io,
  parseInvocation,
  UsageError,
} from './command.ts';
import { NOTICE_COMMANDS } from './notices.ts';
import { openServices } from './services.ts';
import { USER_COMMANDS } from './users.ts';
import { WORKSPACE_COMMANDS } from './workspaces.ts';

export const COMMANDS: Command[] = [...WORKSPACE_COMMANDS, ...USER_COMMANDS, ...NOTICE_COMMANDS];

export function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: postern admin <command> [arguments] --as NAME [--reason TEXT] [options]',
    '       (in a container: node apps/admin/src/main.ts <command> …)',
    '',
    'The instance operator console. It works on the configured database (DATABASE_URL, REDIS_URL as',
    'for the API) and records every action in the audit log of the instance, with --as and --reason.',
    'Commands that change something refuse to run without --reason (exit code 2).',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.brief}`),
    '',
    'postern admin <command> --help describes one command.',
  ].join('\n');
}

function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(words.length) };
  }
  return null;
}

/**
 * `./postern up` keeps its embedded database's passwords and generated secrets in the data folder:
 * without DATABASE_URL, the console uses them (the embedded PostgreSQL must be running).
 */
export function embeddedDefaults(env: Record<string, string | undefined>, root: string) {
  if (env.DATABASE_URL) return env;
  const { dataDir, embeddedPostgresPort } = loadLauncherConfig(env, root);
  const read = (file: string) =>
    existsSync(join(dataDir, file)) ? readFileSync(join(dataDir, file), 'utf8').trim() : undefined;
  const appPassword = read('postgres-app-password');
  if (!appPassword) return env;
  const dev = env.NODE_ENV !== 'production';
  return {
    ...env,
    DATABASE_URL: `postgres://postern_app:${appPassword}@127.0.0.1:${embeddedPostgresPort}/postern`,
    ...(dev && !env.POSTERN_SECRET ? { POSTERN_SECRET: read('secret') } : {}),
    ...(dev && !env.AUDIT_SIGNING_KEY ? { AUDIT_SIGNING_KEY: read('audit-signing-key') } : {}),
  };
}

export async function run(argv: string[], io: Io, root: string): Promise<number> {
  if (!argv.length || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    io.out(overview());
    return argv.length ? EXIT_OK : EXIT_USAGE;
  }
  const found = findCommand(argv);
  if (!found) {
    io.err(
      `postern admin: unknown command "${argv.slice(0, 2).join(' ')}" (postern admin --help lists them)`,
    );
    return EXIT_USAGE;
  }
  let services: Awaited<ReturnType<typeof openServices>> | undefined;
  try {
    const call = parseInvocation(found.command, found.rest, io);
    if (call === 'help') {
      io.out(commandHelp(found.command));
      return EXIT_OK;
    }
    found.command.check?.(call);
    services = await openServices(loadConfig(embeddedDefaults(io.env, root)));
    return await found.command.run(services, call);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`postern admin: ${error.message}`);
      return EXIT_USAGE;
    }
    io.err(`postern admin: ${isDomainError(error) ? error.message : describeStartupError(error)}`);
    return EXIT_FAILED;
  } finally {
    await services?.close().catch(() => {});
  }
}
