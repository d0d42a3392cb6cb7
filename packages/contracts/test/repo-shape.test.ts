// The shape of the repository as a test (#15): hand-written source stays under the size limits, and
// every path docs/architecture.md names exists (its recipes must not point at code that moved).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  MAX_FILE_LINES,
  MAX_FUNCTION_LINES,
  oversizeFiles,
  oversizeFunctions,
} from '../../../scripts/size-limits.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCES = ['apps', 'packages', 'bench', 'scripts'];

describe('size limits of hand-written source', () => {
  it(`no file over ${MAX_FILE_LINES} lines (tests, migrations and generated files aside)`, () => {
    const { all, over } = oversizeFiles(SOURCES);
    console.info(
      `largest source files:\n${all
        .slice(0, 5)
        .map((f) => `  ${f.lines}  ${f.path}`)
        .join('\n')}`,
    );
    expect(all.length).toBeGreaterThan(100);
    expect(over.map((f) => `${f.path}: ${f.lines} lines`)).toEqual([]);
  });

  it(`no function over ${MAX_FUNCTION_LINES} lines`, { timeout: 60_000 }, () => {
    const over = oversizeFunctions(SOURCES);
    expect(over.map((f) => `${f.path}:${f.line}: ${f.lines} lines`)).toEqual([]);
  });

  it('the function check measures (a long function in a probe file is reported)', () => {
    // Guards against a check that silently finds nothing (a renamed rule, a changed reporter).
    const probe = oversizeFunctions(['scripts/size-limits.ts']);
    expect(probe).toEqual([]);
    const body = Array.from({ length: MAX_FUNCTION_LINES + 5 }, (_, i) => `  total += ${i};`).join('\n');
    const file = `${root}scripts/size-probe-${process.pid}.ts`;
    writeFileSync(file, `export function long() {\n  let total = 0;\n${body}\n  return total;\n}\n`);
    try {
      const found = oversizeFunctions([`scripts/size-probe-${process.pid}.ts`]);
      expect(found).toHaveLength(1);
      expect(found[0]?.lines).toBeGreaterThan(MAX_FUNCTION_LINES);
    } finally {
      rmSync(file, { force: true });
    }
  });
});

describe('docs/architecture.md', () => {
  const text = readFileSync(`${root}docs/architecture.md`, 'utf8');
  // Backticked repository paths: `packages/core/src/context.ts`, `apps/web/src/sections.ts`…
  const paths = [
    ...new Set(
      [...text.matchAll(/`((?:apps|packages|bench|scripts|docs)\/[^`\s]+)`/g)]
        .map((m) => (m[1] as string).replace(/[:#].*$/, ''))
        .filter((p) => !/[*<>{}]/.test(p)),
    ),
  ];

  it('names real paths', () => {
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((p) => !existsSync(`${root}${p}`))).toEqual([]);
  });
});
