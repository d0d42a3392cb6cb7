// The product's license check (scripts/licenses.ts --product, #32): Postern is AGPL-3.0-only, so its
// production tree may hold nothing the AGPL-3.0 cannot take; the exceptions are listed with a reason.
import { describe, expect, it } from 'vitest';
import {
  incompatibleWithProduct,
  isAgplCompatible,
  PRODUCT_EXCEPTIONS,
  productLicenses,
} from '../../../scripts/licenses.ts';

describe('licenses of the product', () => {
  it('every production dependency of every workspace package can be combined with AGPL-3.0', () => {
    const packages = productLicenses();
    expect(packages.length).toBeGreaterThan(100);
    expect(incompatibleWithProduct(packages)).toEqual([]);
  });

  it('every exception is still a dependency and has a reason', () => {
    const names = new Set(productLicenses().map((p) => p.name));
    for (const [name, reason] of Object.entries(PRODUCT_EXCEPTIONS)) {
      expect(names.has(name), name).toBe(true);
      expect(reason.length).toBeGreaterThan(20);
    }
  });

  it('GPL-3.0-family and permissive licenses pass; GPL-2.0-only, source-available and unknown ones fail', () => {
    for (const license of [
      'MIT',
      'Apache-2.0',
      'LGPL-2.1-or-later',
      'MPL-2.0',
      'GPL-3.0-or-later',
      'AGPL-3.0-or-later',
    ]) {
      expect(isAgplCompatible(license), license).toBe(true);
    }
    for (const license of ['GPL-2.0-only', 'SSPL-1.0', 'BUSL-1.1', 'CC-BY-NC-4.0', 'UNLICENSED', 'Unknown']) {
      expect(isAgplCompatible(license), license).toBe(false);
    }
    expect(isAgplCompatible('(GPL-2.0-only OR MIT)')).toBe(true);
    expect(isAgplCompatible('MIT AND SSPL-1.0')).toBe(false);
    expect(
      incompatibleWithProduct([
        { name: 'tslib', version: '2.8.1', license: 'Unknown' },
        { name: 'closed', version: '1.0.0', license: 'SEE LICENSE IN LICENSE' },
      ]).map((p) => p.name),
    ).toEqual(['closed']);
  });
});
