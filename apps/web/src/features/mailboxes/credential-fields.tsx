// The user name and password of a mailbox in a form, under a short notice recommending an app
// password (and why). The password field is never prefilled: Postern cannot show a stored password.
import { Alert } from '../../components/alert.tsx';
import { EXACT_INPUT, Field, PasswordField } from '../../components/field.tsx';
import type { FieldErrors } from './connect-model.ts';
import { fieldId } from './endpoint-fields.tsx';

export function AppPasswordNotice() {
  return (
    <Alert tone="info" title="Use an app password" testId="app-password-notice">
      Most providers (Gmail, Outlook, iCloud, Fastmail, Yahoo) let you create a password for one app. If it
      ever leaks, you revoke that one password alone; it never unlocks the account itself, and 2-step
      verification stays on.
    </Alert>
  );
}

export function CredentialFields({
  idPrefix,
  email,
  username,
  password,
  onUsername,
  onPassword,
  errors,
}: {
  idPrefix: string;
  /** The mailbox's address: the user name when none is typed. */
  email: string;
  username: string;
  password: string;
  onUsername: (value: string) => void;
  onPassword: (value: string) => void;
  errors: FieldErrors;
}) {
  return (
    <fieldset className="space-y-3" data-testid="credential-fields">
      <legend className="text-sm font-semibold text-slate-900">Sign-in</legend>
      <Field
        id={fieldId(idPrefix, 'username')}
        label="Username"
        testId="mailbox-username"
        {...EXACT_INPUT}
        placeholder={email.trim() || 'The email address'}
        value={username}
        onChange={(event) => onUsername(event.target.value)}
        error={errors.username}
        hint="Leave empty to use the email address, which most providers expect."
      />
      <PasswordField
        id={fieldId(idPrefix, 'password')}
        label="Password"
        testId="mailbox-password"
        // A new secret for another service: the browser must not offer the user's own passwords.
        autoComplete="new-password"
        value={password}
        onChange={(event) => onPassword(event.target.value)}
        error={errors.password}
        hint="Sealed with the instance's key; used only to open the connection; never shown again."
      />
    </fieldset>
  );
}
