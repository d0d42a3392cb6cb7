// The inputs of an endpoint's address and description, the same where it is added and where its
// settings are changed.
import type { ComponentProps } from 'react';
import { EXACT_INPUT, Field } from '../../components/field.tsx';

/** The longest description the server keeps. */
export const DESCRIPTION_MAX = 500;

type InputProps = Omit<ComponentProps<typeof Field>, 'label'>;

export function EndpointUrlField(props: InputProps) {
  return <Field label="Endpoint URL" type="url" inputMode="url" {...EXACT_INPUT} {...props} />;
}

export function EndpointDescriptionField(props: InputProps) {
  return <Field label="Description (optional)" autoComplete="off" maxLength={DESCRIPTION_MAX} {...props} />;
}
