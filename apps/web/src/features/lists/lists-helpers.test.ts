import { DEFAULT_CONFIRMATION_BODY, DEFAULT_CONFIRMATION_SUBJECT } from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import {
  addsConsentVersion,
  countsText,
  createInput,
  emptyForm,
  formOf,
  formProblems,
  type ListValues,
  shortHash,
  updateInput,
} from './lists-model.ts';

const DEFAULTS = { subject: DEFAULT_CONFIRMATION_SUBJECT, body: DEFAULT_CONFIRMATION_BODY };

const list: ListValues = {
  name: 'Weekly',
  description: null,
  doubleOptIn: true,
  requiresExpressConsent: false,
  confirmationSubject: DEFAULT_CONFIRMATION_SUBJECT,
  confirmationBody: DEFAULT_CONFIRMATION_BODY,
  consentText: { text: 'I agree to receive the weekly letter.' },
};

describe('the list form', () => {
  it('creates with trimmed fields and leaves the default confirmation email to the server', () => {
    const form = { ...emptyForm(DEFAULTS), name: '  Weekly ', consentText: ' I agree. ' };
    expect(createInput(form, DEFAULTS)).toEqual({
      name: 'Weekly',
      doubleOptIn: true,
      requiresExpressConsent: false,
      consentText: 'I agree.',
    });
    const custom = { ...form, confirmationSubject: 'Confirm, please' };
    expect(createInput(custom, DEFAULTS)).toMatchObject({ confirmationSubject: 'Confirm, please' });
  });

  it('sends only what changed: an unchanged consent text adds no version', () => {
    const form = formOf(list);
    expect(updateInput(list, form)).toEqual({});
    expect(addsConsentVersion(list, form)).toBe(false);
    const renamed = { ...form, name: 'Monthly', requiresExpressConsent: true };
    expect(updateInput(list, renamed)).toEqual({ name: 'Monthly', requiresExpressConsent: true });
  });

  it('sends a changed consent text (a new version) and clears an emptied description to null', () => {
    const form = { ...formOf({ ...list, description: 'News' }), description: ' ', consentText: 'New words.' };
    expect(updateInput({ ...list, description: 'News' }, form)).toEqual({
      description: null,
      consentText: 'New words.',
    });
    expect(addsConsentVersion(list, form)).toBe(true);
    expect(addsConsentVersion(list, { ...form, consentText: '' })).toBe(false);
  });

  it('refuses a nameless list, an overlong text and a double opt-in body without its link', () => {
    const form = emptyForm(DEFAULTS);
    expect(formProblems(form).name).toBe('Give the list a name.');
    expect(formProblems({ ...form, name: 'x'.repeat(201) }).name).toMatch(/under 200/);
    const noLink = { ...form, name: 'A', confirmationBody: 'Hello' };
    expect(formProblems(noLink).confirmationBody).toMatch(/confirm_url/);
    expect(formProblems({ ...noLink, doubleOptIn: false })).toEqual({});
    expect(formProblems({ ...form, name: 'A' })).toEqual({});
  });

  it('says how many subscribe and shortens hashes', () => {
    expect(countsText({ active: 3, unconfirmed: 1, unsubscribed: 0 })).toBe('3 active · 1 unconfirmed');
    expect(countsText({ active: 0, unconfirmed: 0, unsubscribed: 0 })).toBe('No subscribers yet');
    expect(shortHash('a'.repeat(64))).toBe('a'.repeat(12));
  });
});
