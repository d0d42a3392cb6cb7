// Joining a job's results back to the uploaded file, where the file already is (the `postern verify -o`
// command, the dashboard's "Add results to my file", any SDK user): the original file byte for byte —
// BOM, quotes, delimiter and line breaks kept — with the verdict columns appended to each row, matched
// by row number. Pure (bytes in, bytes out, no Node.js built-in), streamed over the results.
import { BULK_JOIN_COLUMNS, type BulkRowItem, bulkJoinCells, csvLine } from '@postern/contracts/constants';

export type { BulkRowItem, BulkRowResult, BulkRowStatus } from '@postern/contracts/constants';
export { BULK_JOIN_COLUMNS } from '@postern/contracts/constants';

/** How the file was read: pass the job's `summary` (its `delimiter` and `headerRow`). */
export interface JoinOptions {
  /** The file's delimiter (`,` `;` or tab), or null for a plain list (one address a line): cells are then appended with `,`. */
  delimiter: string | null;
  /** The header's row (the job summary's `headerRow`): the column names are appended to it. Null without a header. */
  headerRow?: number | null | undefined;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/**
 * The records of a file as the API reads them (csv-parse with `"` quotes doubled as escapes, any of
 * CRLF, LF and CR ending a record outside quotes; a plain list: one record a line), numbered from 1
 * with empty lines counted: the API's `row`. Works on bytes (UTF-8 or Latin-1 alike: the delimiters,
 * quotes and line breaks are ASCII). A UTF-8 BOM is part of no record. Yields where each record's
 * content ends (before its line break).
 */
function* recordEnds(file: Uint8Array, delimiter: number | null): Generator<number> {
  let at = file[0] === 0xef && file[1] === 0xbb && file[2] === 0xbf ? 3 : 0;
  while (at < file.length) {
    let fieldStart = true;
    let quoted = false;
    for (; at < file.length; at++) {
      const byte = file[at] as number;
      if (quoted) {
        if (byte !== QUOTE) continue;
        if (file[at + 1] === QUOTE) at++;
        else quoted = false;
        continue;
      }
      if (byte === LF || byte === CR) break;
      if (delimiter !== null && fieldStart && byte === QUOTE) {
        quoted = true;
        fieldStart = false;
        continue;
      }
      fieldStart = delimiter !== null && byte === delimiter;
    }
    const end = at;
    if (at < file.length) at += file[at] === CR && file[at + 1] === LF ? 2 : 1;
    yield end;
  }
}

/** Output is handed on in pieces of about this size. */
const PIECE_BYTES = 64 * 1024;

/**
 * The original file with the verdict columns (BULK_JOIN_COLUMNS) appended to each data row, matched by
 * row number; the header row (`headerRow`) gets the column names; blank lines and rows without a
 * result stay as they are. `rows` are the job's download rows (NDJSON or JSON: `BulkRowItem`s) in file
 * order. Appended cells are UTF-8, quoted when needed, formula-looking cells neutralised (a leading
 * apostrophe) like the API's CSV. Throws if a row has no row number (a job made before rows were kept)
 * or if the rows do not fit the file (another file, or another job's results).
 */
export async function* joinResults(
  file: Uint8Array,
  rows: AsyncIterable<BulkRowItem> | Iterable<BulkRowItem>,
  options: JoinOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1) throw new TypeError('joinResults(): the delimiter must be one character');
  const headerRow = options.headerRow ?? null;
  const encoder = new TextEncoder();
  const iterator =
    Symbol.asyncIterator in rows
      ? (rows as AsyncIterable<BulkRowItem>)[Symbol.asyncIterator]()
      : (rows as Iterable<BulkRowItem>)[Symbol.iterator]();
  const nextRow = async (): Promise<BulkRowItem | null> => {
    const step = await iterator.next();
    if (step.done) return null;
    if (step.value.row === null) {
      throw new Error(
        'These results have no row numbers (the job was made before they were kept): they cannot be joined',
      );
    }
    return step.value;
  };
  let pending = await nextRow();
  const pieces: Uint8Array[] = [];
  let size = 0;
  const emit = (piece: Uint8Array) => {
    pieces.push(piece);
    size += piece.length;
  };
  const flush = () => {
    const out = new Uint8Array(size);
    let offset = 0;
    for (const piece of pieces) {
      out.set(piece, offset);
      offset += piece.length;
    }
    pieces.length = 0;
    size = 0;
    return out;
  };
  let copied = 0;
  let row = 0;
  for (const end of recordEnds(file, options.delimiter === null ? null : delimiter.charCodeAt(0))) {
    row += 1;
    let cells: readonly string[] | null = null;
    if (row === headerRow) cells = BULK_JOIN_COLUMNS;
    else if (pending !== null && pending.row === row) {
      cells = bulkJoinCells(pending);
      pending = await nextRow();
    }
    if (cells === null) continue;
    emit(file.subarray(copied, end));
    emit(encoder.encode(`${delimiter}${csvLine(cells, delimiter)}`));
    copied = end;
    if (size >= PIECE_BYTES) yield flush();
  }
  if (pending !== null) {
    throw new Error(
      `The results name row ${pending.row}, which the file does not have: is it the file of this job?`,
    );
  }
  emit(file.subarray(copied));
  yield flush();
}

/** A stream's chunks (a ReadableStream through its reader: not every browser iterates one). */
async function* chunksOf(
  stream: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (!('getReader' in stream)) {
    yield* stream;
    return;
  }
  const reader = stream.getReader();
  try {
    for (let step = await reader.read(); !step.done; step = await reader.read()) yield step.value;
  } finally {
    reader.releaseLock();
  }
}

/** The rows of an NDJSON download (`jobs.download(id, { format: 'ndjson' })`), parsed as they arrive. */
export async function* ndjsonRows(
  stream: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>,
): AsyncGenerator<BulkRowItem, void, undefined> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of chunksOf(stream)) {
    buffered += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n', start)) {
      const line = buffered.slice(start, newline);
      start = newline + 1;
      if (line.trim()) yield JSON.parse(line) as BulkRowItem;
    }
    buffered = buffered.slice(start);
  }
  buffered += decoder.decode();
  if (buffered.trim()) yield JSON.parse(buffered) as BulkRowItem;
}
