// Dependency hygiene (#32), run by `pnpm deps:audit` and before every dependency update
// (docs/operations.md, "Dependency updates"):
//   1. `pnpm audit --prod` against the registry's advisory endpoint — where it can be reached: these
//      machines cannot, and then the step says so and is skipped rather than failing the whole run;
//   2. the offline checks CI runs too: a CycloneDX SBOM, the license checks and the lockfile policy.
//   node scripts/deps-audit.ts [--sbom <path>]     (default .data/sbom.cdx.json)
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const AUDIT_TIMEOUT_MS = 30_000;

/** Signs in pnpm's output that the advisory endpoint, not the dependency tree, is the problem. */
const UNREACHABLE =
  /ERR_PNPM_AUDIT_BAD_RESPONSE|ERR_PNPM_AUDIT_ENDPOINT|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|UNABLE_TO_GET_ISSUER_CERT|self[- ]signed certificate/i;

export type AuditOutcome = 'passed' | 'vulnerable' | 'skipped';

/** What a finished `pnpm audit` run means: unreachable endpoint and time-out are skips, not failures. */
export function auditOutcome(run: {
  status: number | null;
  timedOut: boolean;
  output: string;
}): AuditOutcome {
  if (run.timedOut) return 'skipped';
  if (run.status === 0) return 'passed';
  return UNREACHABLE.test(run.output) ? 'skipped' : 'vulnerable';
}

function audit(): AuditOutcome {
  const run = spawnSync('pnpm', ['audit', '--prod'], {
    cwd: root,
    encoding: 'utf8',
    timeout: AUDIT_TIMEOUT_MS,
  });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  const outcome = auditOutcome({ status: run.status, timedOut: run.error !== undefined, output });
  if (outcome === 'skipped') process.stdout.write('audit: skipped: advisory endpoint unreachable\n');
  else process.stdout.write(`${output.trim()}\naudit: ${outcome}\n`);
  return outcome;
}

/** Runs one offline check as its own process (each is a script of its own, usable alone, that labels its output). */
function step(command: string, args: string[]): boolean {
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return run.status === 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--sbom');
  const sbomPath = resolve(root, at > 0 ? (process.argv[at + 1] ?? '') : '.data/sbom.cdx.json');
  mkdirSync(dirname(sbomPath), { recursive: true });
  const results = [
    audit() !== 'vulnerable',
    step(process.execPath, ['scripts/sbom.ts', sbomPath]),
    step(process.execPath, ['scripts/licenses.ts']),
    step(process.execPath, ['scripts/licenses.ts', '--product']),
    step(process.execPath, ['scripts/lockfile-policy.ts']),
  ];
  process.exit(results.every(Boolean) ? 0 : 1);
}
