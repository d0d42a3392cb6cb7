import { describe, expect, it } from 'vitest';
import { pageTitle } from './use-document-title.ts';

describe('the tab title of an item page', () => {
  it('names the item before its section and workspace, and leaves it out while it loads', () => {
    expect(pageTitle('ada@example.com', 'Email accounts', 'Acme')).toBe(
      'ada@example.com · Email accounts · Acme',
    );
    expect(pageTitle(undefined, 'Webhooks', 'Acme')).toBe('Webhooks · Acme');
  });
});
