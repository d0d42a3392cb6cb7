// Lockfile policy (#32): every dependency comes from the registry, pinned by integrity hash, and only
// packages the workspace has decided about may run install scripts. A git or tarball URL bypasses the
// registry's immutability (the same URL can serve other code tomorrow), and an install script runs
// arbitrary code on every developer's machine and in CI.
//   node scripts/lockfile-policy.ts      (exits 1 on any violation)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Script names npm and pnpm run on install. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

/** A specifier or resolution that points somewhere other than the registry. */
const REMOTE = /\b(?:https?:|git\+|git:|github:|gitlab:|bitbucket:|ssh:)|\btarball:|\btype: git\b|\.tgz\b/;

export interface Violation {
  line: number;
  text: string;
}

/**
 * Lines of pnpm-lock.yaml that resolve a package from a URL (git, tarball, http) instead of the
 * registry. Registry packages resolve to `{integrity: sha512-…}` only.
 */
export function remoteResolutions(lockfile: string): Violation[] {
  const out: Violation[] = [];
  lockfile.split('\n').forEach((text, index) => {
    const trimmed = text.trim();
    const relevant =
      trimmed.startsWith('resolution:') || trimmed.startsWith('version:') || trimmed.startsWith('specifier:');
    // Package keys (`  name@version:`) name the source too when it is not the registry.
    const packageKey = /^ {2}\S.*:$/.test(text);
    if ((relevant || packageKey) && REMOTE.test(trimmed)) out.push({ line: index + 1, text: trimmed });
  });
  return out;
}

/** `allowBuilds` of pnpm-workspace.yaml: package name → may run its install scripts. */
export function allowedBuilds(workspaceYaml: string): Map<string, boolean> {
  const builds = new Map<string, boolean>();
  let inside = false;
  for (const text of workspaceYaml.split('\n')) {
    if (/^\S/.test(text)) inside = text.startsWith('allowBuilds:');
    const entry = inside ? /^ {2}["']?([^"'\s:#][^"':]*)["']?:\s*(true|false)\s*$/.exec(text) : null;
    if (entry?.[1]) builds.set(entry[1], entry[2] === 'true');
  }
  return builds;
}

/** Installed packages (node_modules/.pnpm) whose manifest declares an install script, or a binding.gyp. */
export function packagesWithInstallScripts(virtualStore = join(root, 'node_modules/.pnpm')): string[] {
  const names = new Set<string>();
  for (const entry of readdirSync(virtualStore)) {
    const modules = join(virtualStore, entry, 'node_modules');
    if (!existsSync(modules)) continue;
    for (const dir of packageDirs(modules)) {
      const manifestPath = join(dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        name?: string;
        scripts?: Record<string, string>;
      };
      const scripted = INSTALL_SCRIPTS.some((s) => manifest.scripts?.[s]);
      // npm and pnpm run `node-gyp rebuild` for a binding.gyp even without an install script.
      if ((scripted || existsSync(join(dir, 'binding.gyp'))) && manifest.name) names.add(manifest.name);
    }
  }
  return [...names].sort();
}

/** The package folders directly under a node_modules folder (scoped ones one level deeper). */
function packageDirs(modules: string): string[] {
  return readdirSync(modules, { withFileTypes: true }).flatMap((d) => {
    if (!d.isDirectory() && !d.isSymbolicLink()) return [];
    if (!d.name.startsWith('@')) return d.name === '.bin' ? [] : [join(modules, d.name)];
    return readdirSync(join(modules, d.name)).map((name) => join(modules, d.name, name));
  });
}

/** Packages with install scripts that allowBuilds does not mention (neither allowed nor refused). */
export function undecidedBuilds(scripted: string[], allowed: Map<string, boolean>): string[] {
  return scripted.filter((name) => !allowed.has(name));
}

export function checkLockfilePolicy(): { remote: Violation[]; undecided: string[]; scripted: string[] } {
  const remote = remoteResolutions(readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8'));
  const allowed = allowedBuilds(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8'));
  const scripted = packagesWithInstallScripts();
  return { remote, undecided: undecidedBuilds(scripted, allowed), scripted };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { remote, undecided, scripted } = checkLockfilePolicy();
  process.stdout.write(
    `lockfile: ${remote.length} non-registry resolutions; ${scripted.length} packages with install scripts, ${undecided.length} not in allowBuilds\n`,
  );
  for (const v of remote) process.stdout.write(`  pnpm-lock.yaml:${v.line}: ${v.text}\n`);
  for (const name of undecided) process.stdout.write(`  install script not in allowBuilds: ${name}\n`);
  process.exit(remote.length || undecided.length ? 1 : 0);
}
