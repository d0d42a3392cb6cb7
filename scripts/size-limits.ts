// Size limits of hand-written source (#15): no file over 400 lines, no function over 80 lines, outside
// tests, migrations and generated files. Prints the largest of each and exits 1 above a limit.
//   node scripts/size-limits.ts [path …]     (default: apps packages bench scripts)
// Functions are measured by Biome's noExcessiveLinesPerFunction (configured to 80 in biome.json, the
// same rule `biome check` enforces); files are counted here.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAX_FILE_LINES = 400;
export const MAX_FUNCTION_LINES = 80;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = /\.(ts|tsx)$/;
const EXCLUDED = [
  /(^|\/)test\//,
  /(^|\/)e2e\//,
  /\.test\.tsx?$/,
  /(^|\/)migrations\//,
  /\.d\.ts$/,
  /(^|\/)dist\//,
  /(^|\/)generated\//,
];

export const isLimited = (path: string) => SOURCE.test(path) && !EXCLUDED.some((re) => re.test(path));

export interface Oversize {
  path: string;
  line?: number;
  lines: number;
}

export function oversizeFiles(paths: string[]): { all: Oversize[]; over: Oversize[] } {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', ...paths], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((p) => p && isLimited(p));
  const all = files
    .map((path) => {
      let text: string;
      try {
        text = readFileSync(join(root, path), 'utf8');
      } catch {
        return { path, lines: 0 };
      }
      return { path, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) };
    })
    .sort((a, b) => b.lines - a.lines);
  return { all, over: all.filter((f) => f.lines > MAX_FILE_LINES) };
}

export function oversizeFunctions(paths: string[]): Oversize[] {
  const result = spawnSync(
    join(root, 'node_modules/.bin/biome'),
    [
      'lint',
      '--only=complexity/noExcessiveLinesPerFunction',
      '--reporter=json',
      '--max-diagnostics=none',
      ...paths,
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const report = JSON.parse(result.stdout || '{"diagnostics":[]}') as {
    diagnostics: { message: string; location: { path: string; start: { line: number } } }[];
  };
  return report.diagnostics
    .map((d) => ({
      path: d.location.path,
      line: d.location.start.line,
      lines: Number(/\((\d+)\)/.exec(d.message)?.[1] ?? 0),
    }))
    .filter((f) => isLimited(f.path) && f.lines > MAX_FUNCTION_LINES)
    .sort((a, b) => b.lines - a.lines);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const paths = process.argv.slice(2);
  const targets = paths.length ? paths : ['apps', 'packages', 'bench', 'scripts'];
  const files = oversizeFiles(targets);
  const functions = oversizeFunctions(targets);
  const show = (f: Oversize) => `  ${f.lines.toString().padStart(5)}  ${f.path}${f.line ? `:${f.line}` : ''}`;
  process.stdout.write(`largest source files (limit ${MAX_FILE_LINES} lines):\n`);
  for (const f of files.all.slice(0, 5)) process.stdout.write(`${show(f)}\n`);
  process.stdout.write(`files over the limit: ${files.over.length}\n`);
  for (const f of files.over) process.stdout.write(`${show(f)}\n`);
  process.stdout.write(`functions over ${MAX_FUNCTION_LINES} lines: ${functions.length}\n`);
  for (const f of functions) process.stdout.write(`${show(f)}\n`);
  process.exit(files.over.length || functions.length ? 1 : 0);
}
