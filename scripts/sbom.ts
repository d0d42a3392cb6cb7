// A CycloneDX 1.5 SBOM of what the product installs at run time (#32): pnpm's own generator over the
// lockfile and the store (licenses come from the installed manifests), production dependencies only.
//   node scripts/sbom.ts [path]     (default .data/sbom.cdx.json)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface CycloneDxBom {
  bomFormat: string;
  specVersion: string;
  components: { name: string; version: string; purl?: string; licenses?: unknown[] }[];
}

export function generateSbom(): CycloneDxBom {
  const out = execFileSync(
    'pnpm',
    [
      'sbom',
      '--sbom-format',
      'cyclonedx',
      '--sbom-spec-version',
      '1.5',
      '--sbom-type',
      'application',
      '--prod',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(out) as CycloneDxBom;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = resolve(root, process.argv[2] ?? '.data/sbom.cdx.json');
  const bom = generateSbom();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(bom, null, 2)}\n`);
  process.stdout.write(
    `sbom: ${bom.components.length} components (CycloneDX ${bom.specVersion}) in ${path}\n`,
  );
}
