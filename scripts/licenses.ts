// License check of the published packages (#21): the SDK and the engine are Apache-2.0 so customers
// can embed them, so everything they install at run time (their production dependency trees) must be
// under a permissive license too. Reads `pnpm licenses list --prod --json` per package and exits 1 on
// any other license (copyleft such as GPL/AGPL/LGPL/MPL, or a missing/unknown one).
//   node scripts/licenses.ts [package …]     (default: @postern/sdk @postern/validator)
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const PUBLISHED = ['@postern/sdk', '@postern/validator'];

/** SPDX identifiers allowed in the run-time dependencies of a published package. */
export const PERMISSIVE = new Set([
  'MIT',
  'MIT-0',
  'ISC',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'Apache-2.0',
  '0BSD',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'Unlicense',
  'Zlib',
  'Python-2.0',
]);

export interface LicensedPackage {
  name: string;
  version: string;
  license: string;
}

/** An SPDX expression is permissive when one side of every OR (all sides of an AND) is. */
export function isPermissive(expression: string): boolean {
  const text = expression.trim().replace(/^\((.*)\)$/, '$1');
  if (/\bOR\b/.test(text)) return text.split(/\s+OR\s+/).some(isPermissive);
  if (/\bAND\b/.test(text)) return text.split(/\s+AND\s+/).every(isPermissive);
  return PERMISSIVE.has(text);
}

/** The production dependencies of a workspace package (transitively), with their licenses. */
export function productionLicenses(pkg: string): LicensedPackage[] {
  const out = execFileSync('pnpm', ['licenses', 'list', '--prod', '--json', '--filter', pkg], {
    cwd: root,
    encoding: 'utf8',
  });
  // `{}` or nothing at all when the package has no production dependency.
  if (!out.trim()) return [];
  const byLicense = JSON.parse(out) as Record<string, { name: string; versions: string[] }[]>;
  return Object.entries(byLicense).flatMap(([license, packages]) =>
    packages.flatMap(({ name, versions }) => versions.map((version) => ({ name, version, license }))),
  );
}

export function disallowed(packages: LicensedPackage[]): LicensedPackage[] {
  return packages.filter((p) => !isPermissive(p.license));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : PUBLISHED;
  let failed = false;
  for (const name of names) {
    const packages = productionLicenses(name);
    const bad = disallowed(packages);
    process.stdout.write(
      `${name}: ${packages.length} production dependencies, ${bad.length} not permissive\n`,
    );
    for (const p of bad) process.stdout.write(`  ${p.name}@${p.version}: ${p.license}\n`);
    failed ||= bad.length > 0;
  }
  process.exit(failed ? 1 : 0);
}
