import { describe, expect, it } from 'vitest';
import { authPath, safeNextPath, signInPath } from './safe-next.ts';

describe('safeNextPath', () => {
  it('keeps in-app paths with their query and hash', () => {
    expect(safeNextPath('/settings/security')).toBe('/settings/security');
    expect(safeNextPath('/status?x=1#top')).toBe('/status?x=1#top');
  });

  it('refuses anything that could leave the app, and auth pages', () => {
    for (const bad of [
      null,
      '',
      'https://evil.example',
      '//evil.example/x',
      '/\\evil.example',
      'javascript:alert(1)',
      '/\tevil',
      '/sign-in',
      '/sign-up?next=/x',
      '/reset-password',
    ]) {
      expect(safeNextPath(bad)).toBe('/');
    }
  });

  it('builds the sign-in link that comes back here', () => {
    expect(signInPath('/settings/security')).toBe('/sign-in?next=%2Fsettings%2Fsecurity');
    expect(signInPath('/', '')).toBe('/sign-in');
    expect(safeNextPath(decodeURIComponent(signInPath('/status', '?a=b').split('next=')[1] ?? ''))).toBe(
      '/status?a=b',
    );
  });
});

describe('authPath', () => {
  it('carries the way back between sign-in and sign-up, and adds nothing for the home page', () => {
    expect(authPath('/sign-up', '/w/1/members?tab=x')).toBe('/sign-up?next=%2Fw%2F1%2Fmembers%3Ftab%3Dx');
    expect(authPath('/sign-in', '/')).toBe('/sign-in');
    expect(authPath('/sign-up', '')).toBe('/sign-up');
  });
});
