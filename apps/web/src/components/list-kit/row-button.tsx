// The small buttons acting on one row of a DataTable (Revoke, Remove, Details) and the notice above a
// list saying what the last one did.
import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Alert } from '../alert.tsx';
import { Button, type ButtonVariant } from '../button.tsx';

export function RowButton({
  label,
  testId,
  onClick,
  variant = 'secondary',
  children,
  ...props
}: Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'aria-label' | 'children'> & {
  /** The accessible name, naming the row ("Revoke Production key"). */
  label: string;
  testId: string;
  variant?: ButtonVariant;
  children: ReactNode;
}) {
  return (
    <Button
      variant={variant}
      className="px-2.5 py-1.5 text-xs"
      data-testid={testId}
      aria-label={label}
      onClick={onClick}
      {...props}
    >
      {children}
    </Button>
  );
}

/** "Details" on a row, opening it in a side panel; `label` names the row for screen readers. */
export function DetailsButton({
  label,
  testId,
  onClick,
}: {
  label: string;
  testId: string;
  onClick: () => void;
}) {
  return (
    <RowButton variant="ghost" label={label} testId={testId} onClick={onClick}>
      Details
    </RowButton>
  );
}

/** A success or error line at the top of a list card; nothing while there is nothing to say. */
export function ListNotice({
  tone = 'success',
  title,
  testId,
  children,
}: {
  tone?: 'success' | 'error';
  title?: string;
  testId: string;
  children: ReactNode;
}) {
  if (!children) return null;
  return (
    <Alert tone={tone} title={title} testId={testId} className="mx-5 mt-5 mb-4 sm:mx-6">
      {children}
    </Alert>
  );
}
