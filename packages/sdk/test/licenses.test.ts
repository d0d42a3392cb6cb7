// The SDK and the engine are Apache-2.0 so customers can embed them: everything they install at run
// time must be permissive too (scripts/licenses.ts, from `pnpm licenses list --prod`).
import { describe, expect, it } from 'vitest';
import { disallowed, isPermissive, PUBLISHED, productionLicenses } from '../../../scripts/licenses.ts';

describe('licenses of the published packages', () => {
  it.each(PUBLISHED)('%s: every production dependency has a permissive license', (name) => {
    const packages = productionLicenses(name);
    expect(packages.length).toBeGreaterThan(0);
    expect(disallowed(packages)).toEqual([]);
  });

  it('the SDK installs eventsource-parser only (contracts is bundled, not a dependency)', () => {
    expect(productionLicenses('@postern/sdk').map((p) => p.name)).toEqual(['eventsource-parser']);
  });

  it('copyleft and unknown licenses are refused; an OR needs one permissive side, an AND all', () => {
    for (const license of [
      'GPL-3.0-only',
      'AGPL-3.0-only',
      'LGPL-2.1-or-later',
      'MPL-2.0',
      'UNLICENSED',
      'Unknown',
    ]) {
      expect(isPermissive(license)).toBe(false);
    }
    for (const license of ['MIT', 'ISC', 'Apache-2.0', 'BSD-3-Clause', '0BSD', 'BlueOak-1.0.0', 'CC0-1.0']) {
      expect(isPermissive(license)).toBe(true);
    }
    expect(isPermissive('(MIT OR GPL-3.0-only)')).toBe(true);
    expect(isPermissive('MIT AND GPL-3.0-only')).toBe(false);
    expect(isPermissive('(MIT AND BSD-3-Clause)')).toBe(true);
  });
});
