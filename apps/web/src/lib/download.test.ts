import { describe, expect, it } from 'vitest';
import { exportFilename, slugify } from './download.ts';

describe('download names', () => {
  it('slugs workspace names', () => {
    expect(slugify("Ada's Workspace!")).toBe('ada-s-workspace');
    expect(slugify('Café Zürich')).toBe('cafe-zurich');
    expect(slugify('***')).toBe('workspace');
    expect(slugify('x'.repeat(60))).toHaveLength(40);
  });

  it('names exports after the workspace, the server name, the filter and the format', () => {
    const options = { workspaceName: 'Acme Inc.', format: 'csv' as const, filtered: false };
    expect(exportFilename('audit-log-2026-11-21.csv', options)).toBe('acme-inc-audit-log-2026-11-21.csv');
    expect(exportFilename('audit-log-2026-11-21.csv', { ...options, filtered: true })).toBe(
      'acme-inc-audit-log-2026-11-21-filtered.csv',
    );
    expect(exportFilename('audit-log-2026-11-21.json', { ...options, format: 'json' })).toBe(
      'acme-inc-audit-log-2026-11-21.json',
    );
    // Whatever the server sends, no path and the right extension.
    expect(exportFilename('../../etc/passwd', options)).toBe('acme-inc-passwd.csv');
    expect(exportFilename('', options)).toBe('acme-inc-audit-log.csv');
  });
});
