// `postern verify <file>`: uploads a list as a bulk job, shows its progress on stderr, and writes
// the results file. The API key comes from POSTERN_API_KEY only (a flag would leave it in the
// shell's history and in `ps`); the installation from --api-url or POSTERN_API_URL. Ctrl-C cancels
// the job. With --json, the outcome (the ended job, or the error) is one JSON object on stdout.
// Exit codes: 0 done, 1 the job failed or was cancelled, 2 usage error, 3 authentication or API
// error, 130 interrupted (Ctrl-C).
import { stat } from 'node:fs/promises';
import { createClient, type PosternClient } from '../client.ts';
import { isPosternError, type PosternError } from '../errors.ts';
import type { BulkJob } from '../types.ts';
import { SDK_VERSION } from '../version.ts';
import { type CliIo, EXIT, type Parsed, parse, USAGE, UsageError } from './args.ts';
import { download } from './download.ts';
import { countOf, formatCount, formatDuration, ProgressReporter } from './progress.ts';

export { type CliIo, DEFAULT_API_URL, EXIT, USAGE } from './args.ts';

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

/** What a run needs once its arguments, key and file are checked. */
interface Ready {
  options: Parsed;
  client: PosternClient;
  size: number;
}

/** Checks arguments, key and file: a Ready run, or the exit code (help, version, usage error). */
async function prepare(argv: string[], io: CliIo, say: (line: string) => void): Promise<Ready | number> {
  let options: Parsed;
  try {
    const parsed = parse(argv, io.env);
    if (parsed === 'help' || parsed === 'version') {
      io.stdout.write(parsed === 'help' ? USAGE : `${SDK_VERSION}\n`);
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
      'postern: POSTERN_API_KEY is not set. Create an API key in the dashboard (Workspace → API keys) and\n' +
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
  return { options, client, size };
}

/** Runs the CLI; resolves with the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const ready = await prepare(argv, io, say);
  if (typeof ready === 'number') return ready;
  return new Verification(ready, io, say).run();
}

/** One `verify` run: upload, wait, download, and what Ctrl-C does at each stage. */
class Verification {
  readonly #ready: Ready;
  readonly #io: CliIo;
  readonly #say: (line: string) => void;
  readonly #controller = new AbortController();
  readonly #progress: ProgressReporter;
  #job: BulkJob | undefined;
  #stage: 'upload' | 'wait' | 'download' = 'upload';
  #interrupted = false;

  constructor(ready: Ready, io: CliIo, say: (line: string) => void) {
    this.#ready = ready;
    this.#io = io;
    this.#say = say;
    this.#progress = new ProgressReporter(io.stderr);
  }

  async run(): Promise<number> {
    let forceExit: (() => void) | undefined;
    const forced = new Promise<number>((resolve) => {
      forceExit = () => resolve(EXIT.interrupted);
    });
    const removeInterrupt = this.#io.onInterrupt(() => {
      // A second Ctrl-C exits at once.
      if (this.#interrupted) return forceExit?.();
      this.#interrupted = true;
      this.#controller.abort();
    });
    try {
      return await Promise.race([this.#work(), forced]);
    } finally {
      removeInterrupt();
    }
  }

  /** With --json: the outcome, one JSON object on standard output. */
  #outcome(value: Record<string, unknown>): void {
    if (this.#ready.options.json) this.#io.stdout.write(`${JSON.stringify(value)}\n`);
  }

  async #work(): Promise<number> {
    const { options, client } = this.#ready;
    const signal = this.#controller.signal;
    try {
      const job = await this.#upload();
      this.#stage = 'wait';
      const started = performance.now();
      const ended = await client.jobs.wait(job.id, {
        signal,
        ...(options.quiet ? {} : { onProgress: (event) => this.#progress.update(event) }),
      });
      this.#job = ended;
      this.#progress.finish();
      if (ended.status !== 'completed') return this.#jobEnded(ended);
      if (!options.quiet) this.#say(checkedLine(ended, (performance.now() - started) / 1000));
      this.#stage = 'download';
      const written = await download(client, ended, options, signal, this.#io.stdout);
      if (!options.quiet) this.#say(wroteLine(options, written));
      this.#outcome({ job: ended, output: written ?? null });
      return EXIT.ok;
    } catch (error) {
      this.#progress.finish();
      if (this.#interrupted) return this.#interruptedExit();
      return this.#failed(error);
    }
  }

  async #upload(): Promise<BulkJob> {
    const { options, client, size } = this.#ready;
    if (!options.quiet) this.#say(`Uploading ${options.file} (${formatBytes(size)}) to ${client.baseUrl}…`);
    const job = await client.jobs.create(
      {
        file: options.file,
        depth: options.depth,
        ...(options.column === undefined ? {} : { column: options.column }),
        ...(options.name === undefined ? {} : { name: options.name }),
      },
      { signal: this.#controller.signal },
    );
    this.#job = job;
    if (!options.quiet) this.#say(createdLine(job));
    return job;
  }

  #jobEnded(job: BulkJob): number {
    const how = job.status === 'failed' ? `failed: ${job.error ?? 'unknown error'}` : 'was cancelled';
    this.#say(
      `postern: job ${job.id} ${how} (${formatCount(job.processed)} of ${formatCount(job.total)} addresses checked)`,
    );
    this.#outcome({ job, output: null });
    return EXIT.jobFailed;
  }

  #failed(error: unknown): number {
    const job = this.#job;
    if (isPosternError(error)) {
      this.#say(`postern: ${describeError(error)}`);
      if (job && this.#stage !== 'upload') this.#say(`  (job ${job.id})`);
    } else {
      this.#say(`postern: ${(error as Error).message}`);
    }
    const { code, message, httpStatus, requestId } = isPosternError(error)
      ? error
      : { code: 'ERROR', message: (error as Error).message, httpStatus: undefined, requestId: undefined };
    this.#outcome({ error: { code, message, httpStatus, requestId }, job: job ?? null });
    return EXIT.api;
  }

  async #interruptedExit(): Promise<number> {
    const job = this.#job;
    if (this.#stage === 'upload') {
      this.#say('Interrupted: the upload was stopped, no job was created.');
    } else if (this.#stage === 'wait' && job) {
      try {
        const cancelled = await this.#ready.client.jobs.cancel(job.id, {
          signal: AbortSignal.timeout(10_000),
        });
        this.#say(
          `Interrupted: cancelled job ${cancelled.id} (${formatCount(cancelled.processed)} of ${formatCount(cancelled.total)} addresses were checked; the results so far are kept).`,
        );
      } catch (error) {
        this.#say(
          `Interrupted, but job ${job.id} could not be cancelled: ${isPosternError(error) ? describeError(error) : (error as Error).message}`,
        );
      }
    } else if (job) {
      this.#say(
        `Interrupted: the download was stopped. Job ${job.id} is complete; its results stay available.`,
      );
    }
    return EXIT.interrupted;
  }
}

/** What was written where: the joined file, or the results download. */
function wroteLine(options: Parsed, written: string | undefined): string {
  if (!written) return 'Done.';
  if (options.join) return `Wrote ${options.file} with the verdict columns added to ${written}`;
  return `Wrote ${options.format.toUpperCase()} to ${written}`;
}

/** `Job …: 970,000 addresses (12 duplicates removed, 30,000 rejected)`; `1 duplicate removed`. */
export function createdLine(job: Pick<BulkJob, 'id' | 'total' | 'summary'>): string {
  const summary = job.summary;
  const rejected = summary ? Object.values(summary.rejected).reduce((a, b) => a + b, 0) : 0;
  const notes = [
    summary?.duplicates ? `${countOf(summary.duplicates, 'duplicate')} removed` : undefined,
    rejected ? `${formatCount(rejected)} rejected` : undefined,
  ].filter(Boolean);
  return `Job ${job.id}: ${countOf(job.total, 'address', 'addresses')}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}

/** `Checked 81 addresses in 0:04: 80 deliverable, 1 undeliverable`. */
export function checkedLine(job: Pick<BulkJob, 'counts' | 'processed'>, seconds: number): string {
  const counts = Object.entries(job.counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${formatCount(n)} ${status}`)
    .join(', ');
  return `Checked ${countOf(job.processed, 'address', 'addresses')} in ${formatDuration(seconds)}: ${counts || 'none'}`;
}
