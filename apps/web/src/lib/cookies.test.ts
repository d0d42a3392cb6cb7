import { describe, expect, it } from 'vitest';
import { readCookie, readCsrfToken } from './cookies.ts';

describe('readCookie', () => {
  it('finds a cookie among others, trimming spaces', () => {
    expect(readCookie('a=1; pst_csrf=tok-en_1; b=2', 'pst_csrf')).toBe('tok-en_1');
    expect(readCookie('pst_csrf=first', 'pst_csrf')).toBe('first');
  });

  it('matches the whole name, not a prefix or suffix', () => {
    expect(readCookie('xpst_csrf=no; pst_csrf_old=no', 'pst_csrf')).toBeUndefined();
  });

  it('decodes percent-encoding and keeps "=" inside values', () => {
    expect(readCookie('t=a%2Bb%3D%3D', 't')).toBe('a+b==');
    expect(readCookie('t=abc==', 't')).toBe('abc==');
  });

  it('returns undefined for missing or empty cookies and tolerates junk', () => {
    expect(readCookie('', 'pst_csrf')).toBeUndefined();
    expect(readCookie('pst_csrf=', 'pst_csrf')).toBeUndefined();
    expect(readCookie('garbage; ;=x', 'pst_csrf')).toBeUndefined();
    expect(readCookie('t=%E0%A4%A', 't')).toBe('%E0%A4%A');
  });

  it('reads the CSRF token under its https (__Host-) or http name', () => {
    expect(readCsrfToken('a=1; __Host-pst_csrf=abc.def')).toBe('abc.def');
    expect(readCsrfToken('pst_csrf=abc.def')).toBe('abc.def');
    expect(readCsrfToken('pst_csrf_x=1')).toBeUndefined();
  });
});
