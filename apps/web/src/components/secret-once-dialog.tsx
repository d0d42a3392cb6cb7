// A dialog that creates something with a secret and then shows that secret this once (API keys,
// webhook signing secrets, later mailbox app passwords): a form first; once it succeeds, the secret
// with a copy button and a warning, and the dialog cannot be dismissed by Escape or a stray click
// until the person says they are done. The secret leaves memory with the dialog.
import { type ReactNode, useState } from 'react';
import { Alert } from './alert.tsx';
import { Dialog } from './dialog.tsx';
import { SecretValue } from './secret-value.tsx';

export function SecretOnceDialog<T>({
  open,
  onClose,
  testId,
  className,
  formTitle,
  formDescription,
  secretTitle,
  form,
  shown,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  testId: string;
  className?: string;
  formTitle: string;
  formDescription?: ReactNode;
  secretTitle: string;
  /** The form; it calls `created` with what the server answered (the secret among it). */
  form: (created: (value: T) => void, cancel: () => void) => ReactNode;
  /** What is shown once created; `done` closes the dialog. */
  shown: (value: T, done: () => void) => ReactNode;
  /** The thing exists (lists should be re-read), whether or not the dialog stays open. */
  onCreated?: (value: T) => void;
}) {
  const [created, setCreated] = useState<{ value: T }>();
  const close = () => {
    setCreated(undefined);
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      dismissable={!created}
      testId={testId}
      className={className}
      title={created ? secretTitle : formTitle}
      description={created ? undefined : formDescription}
    >
      {created
        ? shown(created.value, close)
        : form((value) => {
            setCreated({ value });
            onCreated?.(value);
          }, close)}
    </Dialog>
  );
}

/** The secret itself, under a warning that it will not be shown again. */
export function SecretOnce({
  warningTitle,
  warning,
  label,
  secret,
  testId,
  copyLabel,
  copyTestId,
  note,
}: {
  warningTitle: string;
  warning: ReactNode;
  label: ReactNode;
  secret: string;
  testId: string;
  copyLabel?: string;
  copyTestId?: string;
  note?: ReactNode;
}) {
  return (
    <>
      <Alert tone="warning" title={warningTitle}>
        {warning}
      </Alert>
      <div>
        <p className="text-sm font-medium text-slate-800">{label}</p>
        <SecretValue
          secret={secret}
          testId={testId}
          className="mt-1.5"
          {...(copyLabel ? { copyLabel } : {})}
          {...(copyTestId ? { copyTestId } : {})}
        />
        {note ? <p className="mt-1.5 text-xs text-slate-500">{note}</p> : null}
      </div>
    </>
  );
}
