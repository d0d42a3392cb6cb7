// Printing: aligned columns for people, JSON for scripts. Values come from the console's own queries
// and DTOs, which carry no secret (hashes, TOTP secrets, tokens and keys are never in them).
import { EXIT_OK, type Io } from './command.ts';

/** Control characters in stored text (a workspace name…) would move the terminal's cursor: shown as `?`. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
const cleanCell = (value: string) => value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

export function printTable(io: Io, header: string[], rows: string[][]): void {
  const cells = [header, ...rows.map((row) => row.map(cleanCell))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  for (const row of cells)
    io.out(
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    );
}

export function printJson(io: Io, value: unknown): number {
  io.out(JSON.stringify(value, null, 2));
  return EXIT_OK;
}
