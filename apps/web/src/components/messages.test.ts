// The shared message pieces, rendered on the server: each shows nothing until there is something to say.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { InlineError, Notice, ProblemAlert } from './alert.tsx';
import { ConfirmAction } from './confirm-action.tsx';
import { EmptyState } from './empty-state.tsx';
import { ScrollIcon } from './icons.tsx';

const html = (element: Parameters<typeof renderToStaticMarkup>[0]) => renderToStaticMarkup(element);
const refusal = { title: 'Could not revoke the key', message: 'It was already revoked.' };

describe('messages', () => {
  it('shows a refusal as an alert with its title, and nothing without one', () => {
    expect(html(createElement(ProblemAlert, { problem: undefined }))).toBe('');
    const shown = html(createElement(ProblemAlert, { problem: refusal, testId: 'x-error' }));
    expect(shown).toContain('role="alert"');
    expect(shown).toContain('data-testid="x-error"');
    expect(shown).toContain('Could not revoke the key');
    expect(shown).toContain('It was already revoked.');
  });

  it('shows a notice politely, an error notice as an alert, and nothing for no words', () => {
    expect(html(createElement(Notice, { children: undefined }))).toBe('');
    expect(html(createElement(Notice, { children: false }))).toBe('');
    expect(html(createElement(Notice, { children: 'Saved.' }))).toContain('role="status"');
    expect(html(createElement(Notice, { tone: 'error', children: 'Refused.' }))).toContain('role="alert"');
    expect(html(createElement(InlineError, { children: undefined }))).toBe('');
    expect(html(createElement(InlineError, { children: 'Offline.' }))).toContain('role="alert"');
  });

  it('puts a refusal in the confirmation, under the test id of the dialog', () => {
    const dialog = html(
      createElement(ConfirmAction, {
        open: true,
        title: 'Revoke this key?',
        confirmLabel: 'Revoke key',
        problem: refusal,
        onConfirm: () => {},
        onCancel: () => {},
        testId: 'revoke-key-dialog',
      }),
    );
    expect(dialog).toContain('data-testid="revoke-key-dialog-error"');
    expect(dialog).toContain(
      '<span class="font-medium">Could not revoke the key.</span> It was already revoked.',
    );
  });

  it('offers to clear the filters of a filtered list that came out empty', () => {
    const props = { icon: ScrollIcon, title: 'No entries match these filters' };
    expect(html(createElement(EmptyState, { ...props, onClearFilters: () => {} }))).toContain(
      'Clear filters',
    );
    expect(html(createElement(EmptyState, props))).not.toContain('Clear filters');
  });
});
