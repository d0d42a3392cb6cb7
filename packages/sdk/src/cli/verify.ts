// `postern verify <file>`: uploads a list as a bulk job, shows its progress on stderr, and writes
// the results file. The API key comes from POSTERN_API_KEY only (a flag would leave it in the
// shell's history and in `ps`). Ctrl-C cancels the job. Exit codes: 0 done, 1 the job failed or
// was cancelled, 2 usage error, 3 authentication or API error, 130 interrupted (Ctrl-C).
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createClient, type PosternClient } from '../client.ts';
import { isPosternError, type PosternError } from '../errors.ts';
import type { BulkDownloadFormat, BulkJob, BulkResultFilter } from '../types.ts';
import { SDK_VERSION } from '../version.ts';
import { formatCount, formatDuration, ProgressReporter, type ProgressSink } from './progress.ts';

export const EXIT = { ok: 0, jobFailed: 1, usage: 2, api: 3, interrupted: 130 } as const;

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

const STATUSES = ['deliverable', 'undeliverable', 'catch_all', 'risky', 'do_not_mail', 'unknown'];
const FORMATS = ['csv', 'json', 'ndjson'];

export const USAGE = `Usage: postern verify <file> [-o <out>] [options]

Uploads <file> (CSV, TSV or one address per line) as a bulk verification job, shows its progress
and writes the results to <out> (standard output when -o is not given and it is not a terminal).

Options:
  -o, --output <file>     where to write the results
      --column <name|n>   the address column: header name or 0-based index (detected otherwise)
      --depth <depth>     standard (syntax, DNS, lists; default) or enhanced (also an SMTP probe)
      --format <format>   csv, json or ndjson (default: from the extension of <out>, else csv)
      --status <list>     only these verdicts, comma-separated: ${STATUSES.join(', ')}
      --name <name>       the job's name (default: the file's name)
      --api-url <url>     the Postern installation (default: $POSTERN_API_URL, else ${DEFAULT_API_URL})
  -q, --quiet             no progress output
  -h, --help              this help
  -v, --version           the version

Environment:
  POSTERN_API_KEY         the API key (required; create one in the dashboard: Settings → API keys)
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

class UsageError extends Error {}

function formatFromPath(path: string | undefined): BulkDownloadFormat {
  const extension = path ? /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase() : undefined;
  if (extension === 'json') return 'json';
  if (extension === 'ndjson' || extension === 'jsonl') return 'ndjson';
  return 'csv';
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

function describeError(error: PosternError): string {
  const where = [
    error.httpStatus === undefined ? undefined : `HTTP ${error.httpStatus}`,
    error.requestId === undefined ? undefined : `request ${error.requestId}`,
  ].filter(Boolean);
  return `${error.code}${where.length ? ` (${where.join(', ')})` : ''}: ${error.message}`;
}

interface Parsed {
  file: string;
  output: string | undefined;
  column: string | number | undefined;
  depth: 'standard' | 'enhanced';
  format: BulkDownloadFormat;
  statuses: BulkResultFilter[];
  name: string | undefined;
  apiUrl: string;
  quiet: boolean;
}

function parse(argv: string[], env: CliIo['env']): Parsed | 'help' | 'version' {
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
    quiet: values.quiet === true,
  };
}

/** Runs the CLI; resolves with the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  let options: Parsed;
  try {
    const parsed = parse(argv, io.env);
    if (parsed === 'help') {
      io.stdout.write(USAGE);
      return EXIT.ok;
    }
    if (parsed === 'version') {
      io.stdout.write(`${SDK_VERSION}\n`);
      return EXIT.ok;
    }
    options = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`postern: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }

  const apiKey = io.env.POSTERN_API_KEY?.trim();
  if (!apiKey) {
    say(
      'postern: POSTERN_API_KEY is not set. Create an API key in the dashboard (Settings → API keys) and\n' +
        '  export POSTERN_API_KEY=pst_live_…\n' +
        'The key is read from the environment only, never from a flag (flags end up in shell history).',
    );
    return EXIT.usage;
  }
  let client: PosternClient;
  try {
    client = createClient({ baseUrl: options.apiUrl, apiKey });
  } catch (error) {
    say(`postern: ${(error as Error).message.replace(/^@postern\/sdk: /, '')}`);
    return EXIT.usage;
  }

  let size: number;
  try {
    const info = await stat(options.file);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    say(`postern: cannot read ${options.file}: no such file`);
    return EXIT.usage;
  }
  if (options.output === undefined && io.stdout.isTTY) {
    say('postern: give -o <file> for the results (or redirect standard output)');
    return EXIT.usage;
  }

  const controller = new AbortController();
  const progress = new ProgressReporter(io.stderr);
  let job: BulkJob | undefined;
  let stage: 'upload' | 'wait' | 'download' = 'upload';
  let interrupted = false;
  let forceExit: (() => void) | undefined;
  const forced = new Promise<number>((resolve) => {
    forceExit = () => resolve(EXIT.interrupted);
  });
  const removeInterrupt = io.onInterrupt(() => {
    if (interrupted) {
      forceExit?.();
      return;
    }
    interrupted = true;
    controller.abort();
  });

  const work = async (): Promise<number> => {
    try {
      if (!options.quiet) say(`Uploading ${options.file} (${formatBytes(size)}) to ${client.baseUrl}…`);
      job = await client.jobs.create(
        {
          file: options.file,
          depth: options.depth,
          ...(options.column === undefined ? {} : { column: options.column }),
          ...(options.name === undefined ? {} : { name: options.name }),
        },
        { signal: controller.signal },
      );
      if (!options.quiet) {
        const summary = job.summary;
        const notes = [
          summary?.duplicates ? `${formatCount(summary.duplicates)} duplicates removed` : undefined,
          summary && Object.values(summary.rejected).some(Boolean)
            ? `${formatCount(Object.values(summary.rejected).reduce((a, b) => a + b, 0))} rejected`
            : undefined,
        ].filter(Boolean);
        say(
          `Job ${job.id}: ${formatCount(job.total)} addresses${notes.length ? ` (${notes.join(', ')})` : ''}`,
        );
      }
      stage = 'wait';
      const started = performance.now();
      job = await client.jobs.wait(job.id, {
        signal: controller.signal,
        ...(options.quiet ? {} : { onProgress: (event) => progress.update(event) }),
      });
      progress.finish();
      if (job.status !== 'completed') {
        say(
          `postern: job ${job.id} ${job.status === 'failed' ? `failed: ${job.error ?? 'unknown error'}` : 'was cancelled'}` +
            ` (${formatCount(job.processed)} of ${formatCount(job.total)} addresses checked)`,
        );
        return EXIT.jobFailed;
      }
      if (!options.quiet) {
        const counts = Object.entries(job.counts)
          .filter(([, n]) => n > 0)
          .map(([status, n]) => `${formatCount(n)} ${status}`)
          .join(', ');
        say(
          `Checked ${formatCount(job.processed)} addresses in ${formatDuration((performance.now() - started) / 1000)}: ${counts || 'none'}`,
        );
      }
      stage = 'download';
      const written = await download(client, job.id, options, controller.signal, io.stdout);
      if (!options.quiet) say(written ? `Wrote ${options.format.toUpperCase()} to ${written}` : 'Done.');
      return EXIT.ok;
    } catch (error) {
      progress.finish();
      if (interrupted) return interruptedExit();
      if (isPosternError(error)) {
        say(`postern: ${describeError(error)}`);
        if (job && (stage === 'wait' || stage === 'download')) say(`  (job ${job.id})`);
        return EXIT.api;
      }
      say(`postern: ${(error as Error).message}`);
      return EXIT.api;
    }
  };

  const interruptedExit = async (): Promise<number> => {
    if (stage === 'upload') {
      say('Interrupted: the upload was stopped, no job was created.');
    } else if (stage === 'wait' && job) {
      try {
        const cancelled = await client.jobs.cancel(job.id, { signal: AbortSignal.timeout(10_000) });
        say(
          `Interrupted: cancelled job ${cancelled.id} (${formatCount(cancelled.processed)} of ${formatCount(cancelled.total)} addresses were checked; the results so far are kept).`,
        );
      } catch (error) {
        say(
          `Interrupted, but job ${job.id} could not be cancelled: ${isPosternError(error) ? describeError(error) : (error as Error).message}`,
        );
      }
    } else if (job) {
      say(`Interrupted: the download was stopped. Job ${job.id} is complete; its results stay available.`);
    }
    return EXIT.interrupted;
  };

  try {
    return await Promise.race([work(), forced]);
  } finally {
    removeInterrupt();
  }
}

/**
 * Writes the results to `-o` (through `<out>.part`, renamed once complete) or standard output;
 * returns the file written. The API filters a download by one status: with several, the file holds
 * the rows of each status in turn, in the order given (CSV and NDJSON: one download per status, the
 * CSV header once; JSON: one array, from the results pages).
 */
async function download(
  client: PosternClient,
  id: string,
  options: Parsed,
  signal: AbortSignal,
  stdout: Writable,
): Promise<string | undefined> {
  const target = options.output;
  const temporary = target === undefined ? undefined : `${target}.part`;
  const out = temporary === undefined ? stdout : createWriteStream(temporary);
  const statuses: (BulkResultFilter | undefined)[] = options.statuses.length ? options.statuses : [undefined];
  const parts = async function* (): AsyncGenerator<Uint8Array | string> {
    if (options.format === 'json' && statuses.length > 1) {
      // The same items, in the same layout, as the API's JSON download.
      let first = true;
      yield '[';
      for (const status of statuses) {
        for await (const item of client.jobs.results(id, { status, signal })) {
          yield `${first ? '\n' : ',\n'}${JSON.stringify(item)}`;
          first = false;
        }
      }
      yield '\n]\n';
      return;
    }
    for (const [index, status] of statuses.entries()) {
      const stream = await client.jobs.download(id, {
        format: options.format,
        signal,
        ...(status === undefined ? {} : { status }),
      });
      let skipHeader = options.format === 'csv' && index > 0;
      for await (const chunk of stream as AsyncIterable<Uint8Array>) {
        if (!skipHeader) {
          yield chunk;
          continue;
        }
        // The CSV header is one plain line (no quoted line breaks): drop it up to its newline.
        const newline = chunk.indexOf(10);
        if (newline === -1) continue;
        skipHeader = false;
        if (newline + 1 < chunk.length) yield chunk.subarray(newline + 1);
      }
    }
  };
  try {
    await pipeline(Readable.from(parts()), out, { end: temporary !== undefined });
    if (temporary !== undefined && target !== undefined) await rename(temporary, target);
    return target;
  } catch (error) {
    if (temporary !== undefined) await rm(temporary, { force: true });
    throw error;
  }
}
