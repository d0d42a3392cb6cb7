// The form of a dialog that runs one server action (create a key, roll it, add a webhook endpoint,
// rotate its secret, create a workspace, connect a mailbox): our own validation messages rather than the
// browser's (noValidate), the server's refusal above the fields, and the foot with Cancel and the
// action, which waits while the request runs. Named `<name>-form`: its action is `<name>-submit`, the
// refusal `<name>-error`.
import { type FormEvent, type ReactNode, useContext } from 'react';
import { Alert } from './alert.tsx';
import { DialogCloseContext } from './dialog.tsx';
import { FormActions } from './form-actions.tsx';

export function DialogForm({
  testId,
  onSubmit,
  problem,
  action,
  onCancel: cancel,
  className = 'space-y-5',
  children,
}: {
  /** `<name>-form`. */
  testId: string;
  /** Checks the fields and sends the request (the page does not reload). */
  onSubmit: () => void;
  /** The server's refusal (`<name>-error`), unless it is about one field (shown under that field). */
  problem: { title?: string; message: string } | undefined;
  /** The submit button's label, and whether its request is on its way. */
  action: { label: string; busy: boolean };
  /**
   * Cancel: by default, closing the dialog the form is in; none outside a dialog, where there is no
   * way back (a first workspace).
   */
  onCancel?: (() => void) | undefined;
  className?: string;
  children: ReactNode;
}) {
  const closeDialog = useContext(DialogCloseContext);
  const onCancel = cancel ?? closeDialog;
  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit();
  }
  const name = testId.replace(/-form$/, '');
  return (
    <form noValidate onSubmit={submit} className={className} data-testid={testId}>
      {problem ? (
        <Alert tone="error" title={problem.title} testId={`${name}-error`}>
          {problem.message}
        </Alert>
      ) : null}
      {children}
      <FormActions label={action.label} busy={action.busy} testId={`${name}-submit`} onCancel={onCancel} />
    </form>
  );
}
