// The fields a list is described by, shared by the create/change dialog and the settings card on the
// list's page: name, public description, double opt-in, express consent (CASL), the consent text, and
// the notice that saving a changed consent text adds a version. Each caller adds its own fields.
import type { ReactNode } from 'react';
import { Alert } from '../../components/alert.tsx';
import { bindDraft, type DraftProps } from '../../components/draft-inputs.tsx';
import { Field } from '../../components/field.tsx';
import { OptionCheckbox, TextAreaField } from '../../components/form-fields.tsx';
import { LIMITS, type ListForm, type ListFormErrors } from './lists-model.ts';

export function ListFields({
  form,
  errors,
  onChange,
  newVersion,
  autoFocus = false,
  beforeConsentText,
}: DraftProps<ListForm, ListFormErrors> & {
  /** Whether saving adds a version of the consent text. */
  newVersion: boolean;
  autoFocus?: boolean;
  /** The caller's fields between the consent boxes and the consent text. */
  beforeConsentText?: ReactNode;
}) {
  const { text, input, check } = bindDraft(form, errors, onChange, LIMITS);
  return (
    <>
      <Field label="Name" testId="list-name" autoComplete="off" {...input('name')} autoFocus={autoFocus} />
      <TextAreaField
        label="Public description (optional)"
        testId="list-description"
        rows={2}
        {...text('description')}
        hint="Shown on the sign-up form and in the preference center."
      />
      <OptionCheckbox testId="list-double-opt-in" {...check('doubleOptIn')} title="Double opt-in">
        People who sign up through a form get a confirmation email and receive nothing until they confirm.
      </OptionCheckbox>
      <OptionCheckbox
        testId="list-express-consent"
        {...check('requiresExpressConsent')}
        title="Requires express consent (CASL)"
      >
        The sign-up form asks for a ticked box, and campaigns skip contacts whose consent is only implied.
      </OptionCheckbox>
      {beforeConsentText}
      <TextAreaField
        label="Consent text"
        testId="list-consent-text"
        {...text('consentText')}
        hint="What people agree to when they sign up. Every version is kept with its SHA-256 hash, and each consent event names the version shown."
      />
      {newVersion ? (
        <Alert tone="info" testId="list-new-version">
          Saving adds a new version of the consent text. Earlier versions stay in the history, and people who
          signed up under them keep that evidence; copy the embed snippet again so your site shows the new
          text.
        </Alert>
      ) : null}
    </>
  );
}
