// Every table of the dashboard is a DataTable (#17): one markup, one responsive layout, one place to
// fix. This fails when a <table> element is written anywhere in the app outside the list kit.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..');
const KIT = join(SRC, 'components', 'list-kit');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const TABLE = /<table[\s>]/;

describe('tables', () => {
  it('are only written in the list kit', () => {
    const files = sources(SRC);
    const outside = files
      .filter((file) => !file.startsWith(`${KIT}/`) && TABLE.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(outside).toEqual([]);
    // The search looks where the tables are: the kit's own table is found.
    expect(
      files.filter((file) => TABLE.test(readFileSync(file, 'utf8'))).map((file) => relative(SRC, file)),
    ).toEqual(['components/list-kit/data-table.tsx']);
  });
});
