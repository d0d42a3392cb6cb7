// The results of `postern verify`: written to `-o` (through `<out>.part`, renamed once complete) or
// to standard output — the uploaded file with the verdict columns appended (join.ts), or the results
// download in the format asked for, with one or several statuses.
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PosternClient } from '../client.ts';
import { joinResults, ndjsonRows } from '../join.ts';
import type { BulkJob, BulkResultFilter } from '../types.ts';
import type { Parsed } from './args.ts';

/**
 * Writes to `-o` (through `<out>.part`, renamed once complete) or standard output; returns the file
 * written. With `join`: the uploaded file, byte for byte, with the verdict columns appended to its rows
 * (from the NDJSON download, matched by row number). Otherwise the download: the API filters it by one
 * status; with several, the file holds the rows of each status in turn, in the order given (CSV and
 * NDJSON: one download per status, the CSV header once; JSON: one array, from the results pages).
 */
export async function download(
  client: PosternClient,
  job: BulkJob,
  options: Parsed,
  signal: AbortSignal,
  stdout: Writable,
): Promise<string | undefined> {
  const target = options.output;
  const temporary = target === undefined ? undefined : `${target}.part`;
  const out = temporary === undefined ? stdout : createWriteStream(temporary);
  const parts = options.join
    ? joined(client, job, options.file, signal)
    : results(client, job.id, options, signal);
  try {
    await pipeline(Readable.from(parts), out, { end: temporary !== undefined });
    if (temporary !== undefined && target !== undefined) await rename(temporary, target);
    return target;
  } catch (error) {
    if (temporary !== undefined) await rm(temporary, { force: true });
    throw error;
  }
}

/** The uploaded file with the verdict columns appended (the file is read again: it was never kept). */
async function* joined(
  client: PosternClient,
  job: BulkJob,
  file: string,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const original = new Uint8Array(await readFile(file));
  const stream = await client.jobs.download(job.id, { format: 'ndjson', signal });
  yield* joinResults(original, ndjsonRows(stream), {
    delimiter: job.summary?.delimiter ?? null,
    headerRow: job.summary?.headerRow ?? null,
  });
}

/** The results download, in the format and statuses asked for. */
async function* results(
  client: PosternClient,
  id: string,
  options: Parsed,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array | string> {
  const statuses: (BulkResultFilter | undefined)[] = options.statuses.length ? options.statuses : [undefined];
  if (options.format === 'json' && statuses.length > 1) {
    // The same rows, in the same layout, as the API's JSON download (from its NDJSON, per status).
    let first = true;
    yield '[';
    for (const status of statuses) {
      const stream = await client.jobs.download(id, {
        format: 'ndjson',
        signal,
        ...(status ? { status } : {}),
      });
      for await (const item of ndjsonRows(stream)) {
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
}
