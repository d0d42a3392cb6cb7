// The console's small command framework: each command declares its options (node:util parseArgs), its
// help, whether it changes something (then --reason is required) and what it runs. Usage mistakes are
// refused before anything connects to the database: one line on stderr, exit code 2.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { checkOperator, DomainError, type Operator, recordInstanceAudit } from '@postern/core';
import type { Services } from './services.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A mistake in the command line (exit code 2, nothing done). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Io {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
}

type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Invocation {
  values: Values;
  positionals: string[];
  /** Null for commands that are not audited (plans, help). */
  operator: Operator | null;
  io: Io;
}

export interface Command {
  /** `user disable`, `plans`… */
  name: string;
  summary: string;
  /** One line for the overview (`postern admin --help`). */
  brief: string;
  /** Arguments after the name, e.g. `EMAIL`. */
  args: string[];
  /** Lines describing the command and its options, for --help. */
  help: string[];
  options?: Options;
  /** Changes something: --as and --reason are required. */
  mutating: boolean;
  /** Writes an audit entry (every command but `plans`): --as is required. */
  audited: boolean;
  /** Checks the options before anything connects (throws UsageError). */
  check?(call: Invocation): void;
  run(services: Services, call: Invocation): Promise<number>;
}

const COMMON: Options = {
  as: { type: 'string' },
  reason: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** `--help` of one command. */
export function commandHelp(command: Command): string {
  const who = command.audited ? ' --as NAME' : '';
  const why = command.mutating ? ' --reason TEXT' : '';
  return [
    `usage: postern admin ${command.name}${command.args.map((a) => ` ${a}`).join('')}${who}${why} [options]`,
    '',
    command.summary,
    '',
    ...command.help,
    '',
    ...(command.audited
      ? ['  --as NAME        your name, kept in the audit log (or set POSTERN_OPERATOR)']
      : []),
    ...(command.mutating ? ['  --reason TEXT    why you do this, kept in the audit log (required)'] : []),
    ...(command.name === 'plans' || command.mutating ? [] : ['  --json           machine-readable output']),
    '  -h, --help       this help',
  ].join('\n');
}

/** Parses the command's arguments; throws UsageError on any mistake. */
export function parseInvocation(command: Command, argv: string[], io: Io): Invocation | 'help' {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...COMMON, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  const values = parsed.values as Values;
  if (values.help) return 'help';
  if (parsed.positionals.length !== command.args.length)
    throw new UsageError(
      command.args.length
        ? `${command.name} takes ${command.args.join(' ')} (see postern admin ${command.name} --help)`
        : `${command.name} takes no argument "${parsed.positionals[0]}"`,
    );
  return { values, positionals: parsed.positionals, operator: operatorOf(command, values, io), io };
}

function operatorOf(command: Command, values: Values, io: Io): Operator | null {
  if (!command.audited) return null;
  const name = typeof values.as === 'string' ? values.as : io.env.POSTERN_OPERATOR;
  if (!name?.trim()) throw new UsageError('--as is required: your name, kept in the audit log');
  const reason = typeof values.reason === 'string' ? values.reason : null;
  try {
    return checkOperator({ name, reason }, { reasonRequired: command.mutating });
  } catch (error) {
    if (error instanceof DomainError) throw new UsageError(error.message);
    throw error;
  }
}

/** A positive whole number option (--limit, --offset), with its default. */
export function intOption(values: Values, name: string, fallback: number, max: number, min = 1): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || value < min || value > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return value;
}

export const stringOption = (values: Values, name: string): string | undefined =>
  typeof values[name] === 'string' ? (values[name] as string) : undefined;

/** Records that the operator read accounts or workspaces (`instance.viewed`: the command, what was read). */
export async function recordView(
  services: Services,
  call: Invocation,
  command: string,
  metadata: Record<string, unknown>,
): Promise<void> {
  if (!call.operator) return;
  const ctx = services.context();
  recordInstanceAudit(ctx.em, ctx.clock, {
    type: 'instance.viewed',
    operator: call.operator,
    metadata: { command, ...metadata },
  });
  await ctx.em.flush();
}

/** The options of a listing: --search, --limit, --offset. */
export const LIST_OPTIONS: Options = {
  search: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
};

export const listHelp = (what: string) => [
  `  --search TEXT    only ${what} containing TEXT`,
  '  --limit N        at most N rows (default 50, at most 1000)',
  '  --offset N       skip the first N rows (paging)',
];

export function pageOf(values: Values) {
  return {
    limit: intOption(values, 'limit', 50, 1000),
    offset: intOption(values, 'offset', 0, 10_000_000, 0),
    search: stringOption(values, 'search'),
  };
}
