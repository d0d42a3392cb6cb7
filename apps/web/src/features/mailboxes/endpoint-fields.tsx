// One server of a mailbox (incoming IMAP or outgoing SMTP) in a form: host, port and security, the
// port following the security mode. Errors sit under the field they are about (aria-describedby).
import { useId } from 'react';
import { EXACT_INPUT, Field } from '../../components/field.tsx';
import { Options, Select } from '../../components/select.tsx';
import {
  type ConnectField,
  type EndpointDraft,
  type FieldErrors,
  type MailProtocol,
  type MailSecurity,
  SECURITY_OPTIONS,
  withSecurity,
} from './connect-model.ts';

const LEGEND: Record<MailProtocol, { title: string; hint: string }> = {
  imap: { title: 'Incoming mail (IMAP)', hint: 'Used to read replies and to find verification codes.' },
  smtp: { title: 'Outgoing mail (SMTP)', hint: 'Used to send campaign messages from this address.' },
};

/** The id of a field's input in a form whose ids start with `prefix` (for focusing the first error). */
export const fieldId = (prefix: string, field: ConnectField) => `${prefix}-${field}`;

function SecuritySelect({
  id,
  protocol,
  value,
  error,
  disabled,
  onChange,
}: {
  id: string;
  protocol: MailProtocol;
  value: MailSecurity;
  error: string | undefined;
  disabled: boolean;
  onChange: (security: MailSecurity) => void;
}) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        Security
      </label>
      <Select
        id={id}
        data-testid={`${protocol}-security`}
        wrapperClassName="mt-1.5"
        value={value}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${errorId} ${hintId}` : hintId}
        onChange={(event) => onChange(event.target.value as MailSecurity)}
        className="aria-[invalid=true]:ring-rose-400"
      >
        <Options choices={SECURITY_OPTIONS} />
      </Select>
      {error ? (
        <p id={errorId} className="mt-1.5 text-xs text-rose-600">
          {error}
        </p>
      ) : null}
      <p id={hintId} className="mt-1.5 text-xs text-slate-500">
        There is no plain-text option: the password would cross the network readable by anyone on the way.
      </p>
    </div>
  );
}

export function EndpointFields({
  protocol,
  value,
  onChange,
  errors,
  idPrefix,
  hostPlaceholder,
  disabled = false,
}: {
  protocol: MailProtocol;
  value: EndpointDraft;
  onChange: (next: EndpointDraft) => void;
  errors: FieldErrors;
  idPrefix: string;
  hostPlaceholder: string;
  disabled?: boolean;
}) {
  const legendId = useId();
  const legend = LEGEND[protocol];
  return (
    <fieldset className="space-y-3" aria-describedby={legendId} data-testid={`${protocol}-fields`}>
      <legend className="text-sm font-semibold text-slate-900">{legend.title}</legend>
      <p id={legendId} className="-mt-2 text-xs text-slate-500">
        {legend.hint}
      </p>
      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_7rem]">
        <Field
          id={fieldId(idPrefix, `${protocol}Host`)}
          label="Server"
          testId={`${protocol}-host`}
          {...EXACT_INPUT}
          placeholder={hostPlaceholder}
          value={value.host}
          disabled={disabled}
          onChange={(event) => onChange({ ...value, host: event.target.value })}
          error={errors[`${protocol}Host`]}
        />
        <Field
          id={fieldId(idPrefix, `${protocol}Port`)}
          label="Port"
          testId={`${protocol}-port`}
          inputMode="numeric"
          autoComplete="off"
          value={value.port}
          disabled={disabled}
          onChange={(event) => onChange({ ...value, port: event.target.value.replace(/\s/g, '') })}
          error={errors[`${protocol}Port`]}
        />
      </div>
      <SecuritySelect
        id={fieldId(idPrefix, `${protocol}Security`)}
        protocol={protocol}
        value={value.security}
        error={errors[`${protocol}Security`]}
        disabled={disabled}
        onChange={(security) => onChange(withSecurity(protocol, value, security))}
      />
    </fieldset>
  );
}
