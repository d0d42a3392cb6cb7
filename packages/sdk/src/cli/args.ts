// The arguments of `postern verify`: its usage text, the options and their checks. A wrong argument
// is a UsageError (exit code 2). The statuses and formats are the contract's.

import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { BULK_DOWNLOAD_FORMATS, VERDICT_STATUSES } from '@postern/contracts/constants';
import type { BulkDownloadFormat, BulkResultFilter } from '../types.ts';
import type { ProgressSink } from './progress.ts';

export const EXIT = { ok: 0, jobFailed: 1, usage: 2, api: 3, interrupted: 130 } as const;

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

const STATUSES: readonly string[] = VERDICT_STATUSES;
const FORMATS: readonly string[] = BULK_DOWNLOAD_FORMATS;

export const USAGE = `Usage: postern verify <file> [-o <out>] [options]

Uploads <file> (CSV, TSV or one address per line) as a bulk verification job, shows its progress
and writes to <out> (standard output when -o is not given and it is not a terminal) your file as it
is, byte for byte, with the verdict columns added to each row (status, reason, action, policy_action,
duplicate_of, suggestion, flags, mx_host, smtp_reply_code, checked_at). With --format json or ndjson,
--status or --results-only: the results download instead (one row per row of the file, by default).

Options:
  -o, --output <file>     where to write the results
      --column <name|n>   the address column: header name or 0-based index (detected otherwise)
      --depth <depth>     standard (syntax, DNS, lists; default) or enhanced (also an SMTP probe)
      --format <format>   csv, json or ndjson (default: from the extension of <out>, else csv)
      --status <list>     only these verdicts, comma-separated: ${STATUSES.join(', ')}
      --results-only      write the results download (row, email, verdict…) rather than your file
      --name <name>       the job's name (default: the file's name)
      --api-url <url>     the Postern installation (default: $POSTERN_API_URL, else ${DEFAULT_API_URL})
  -q, --quiet             no progress output
      --json              print the outcome as one JSON object on standard output (needs -o)
  -h, --help              this help
  -v, --version           the version

Environment:
  POSTERN_API_KEY         the API key (required; create one in the dashboard: Workspace → API keys)
  POSTERN_API_URL         the Postern installation, when --api-url is not given

Exit codes: 0 done, 1 the job failed or was cancelled, 2 usage error, 3 authentication or API
error, 130 interrupted (Ctrl-C cancels the job).
`;

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout: Writable & { isTTY?: boolean };
  stderr: ProgressSink;
  /** Registers the Ctrl-C handler; returns its removal. */
  onInterrupt(handler: () => void): () => void;
}

export class UsageError extends Error {}

function formatFromPath(path: string | undefined): BulkDownloadFormat {
  const extension = path ? /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase() : undefined;
  if (extension === 'json') return 'json';
  if (extension === 'ndjson' || extension === 'jsonl') return 'ndjson';
  return 'csv';
}

export interface Parsed {
  file: string;
  output: string | undefined;
  column: string | number | undefined;
  depth: 'standard' | 'enhanced';
  format: BulkDownloadFormat;
  statuses: BulkResultFilter[];
  name: string | undefined;
  apiUrl: string;
  quiet: boolean;
  /** The outcome as one JSON object on stdout (the job, or the error), no progress. */
  json: boolean;
  /** Write the uploaded file with the verdict columns appended (CSV, no status filter, no --results-only). */
  join: boolean;
}

export function parse(argv: string[], env: CliIo['env']): Parsed | 'help' | 'version' {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        output: { type: 'string', short: 'o' },
        column: { type: 'string' },
        depth: { type: 'string' },
        format: { type: 'string' },
        status: { type: 'string' },
        name: { type: 'string' },
        'api-url': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        json: { type: 'boolean' },
        'results-only': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (error) {
    const message = (error as Error).message;
    if (/api.?key|token/i.test(message)) {
      throw new UsageError(
        `${message}\nThe API key is read from POSTERN_API_KEY only: a flag would keep it in your shell history.`,
      );
    }
    throw new UsageError(message);
  }
  if (values.help) return 'help';
  if (values.version) return 'version';
  const [command, file, ...extra] = positionals;
  if (command === undefined) throw new UsageError('no command given');
  if (command === 'help') return 'help';
  if (command !== 'verify') throw new UsageError(`unknown command "${command}" (the command is verify)`);
  if (file === undefined) throw new UsageError('verify needs the file to check: postern verify <file>');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (one file at a time)`);

  const depth = (values.depth as string | undefined) ?? 'standard';
  if (depth !== 'standard' && depth !== 'enhanced') {
    throw new UsageError(`--depth must be standard or enhanced (got "${depth}")`);
  }
  const output = values.output as string | undefined;
  if (values.json && (output === undefined || output === '-')) {
    throw new UsageError('--json prints the outcome on standard output: give -o <file> for the results');
  }
  const format = (values.format as string | undefined) ?? formatFromPath(output);
  if (!FORMATS.includes(format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got "${format}")`);
  }
  const statuses = ((values.status as string | undefined) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const status of statuses) {
    if (!STATUSES.includes(status)) {
      throw new UsageError(`--status: "${status}" is not one of ${STATUSES.join(', ')}`);
    }
  }
  const rawColumn = values.column as string | undefined;
  const column = rawColumn !== undefined && /^\d+$/.test(rawColumn) ? Number(rawColumn) : rawColumn;
  const apiUrl = (values['api-url'] as string | undefined) ?? env.POSTERN_API_URL ?? DEFAULT_API_URL;
  return {
    file,
    output: output === '-' ? undefined : output,
    column,
    depth,
    format: format as BulkDownloadFormat,
    statuses: [...new Set(statuses)] as BulkResultFilter[],
    name: values.name as string | undefined,
    apiUrl,
    quiet: values.quiet === true || values.json === true,
    json: values.json === true,
    join: format === 'csv' && statuses.length === 0 && values['results-only'] !== true,
  };
}
