// The results of `postern verify`: written to `-o` (through `<out>.part`, renamed once complete) or
// to standard output, in the format asked for, with one or several statuses.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PosternClient } from '../client.ts';
import type { BulkResultFilter } from '../types.ts';
import type { Parsed } from './args.ts';

/**
 * Writes the results to `-o` (through `<out>.part`, renamed once complete) or standard output;
 * returns the file written. The API filters a download by one status: with several, the file holds
 * the rows of each status in turn, in the order given (CSV and NDJSON: one download per status, the
 * CSV header once; JSON: one array, from the results pages).
 */
export async function download(
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
