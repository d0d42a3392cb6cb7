import { type ReactNode, useId } from 'react';
import { FormActions } from './form-actions.tsx';
import { useModal } from './use-modal.ts';

/**
 * "Are you sure?" before an action that cannot be taken back (revoke, remove, delete, sign out
 * elsewhere), as a native modal <dialog>. Escape and Cancel do nothing while the action runs.
 */
export function ConfirmAction({
  open,
  title,
  children,
  confirmLabel,
  busy = false,
  error,
  onConfirm,
  onCancel,
  testId,
}: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  error?: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
  testId?: string;
}) {
  const ref = useModal(open);
  const titleId = useId();
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-xl bg-white p-0 shadow-xl ring-1 ring-slate-900/10 backdrop:bg-slate-900/40 backdrop:backdrop-blur-[2px]"
    >
      {open ? (
        <div className="p-6">
          <h2 id={titleId} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          {children ? <div className="mt-2 text-sm text-slate-600">{children}</div> : null}
          {error ? (
            <div role="alert" className="mt-3 text-sm text-rose-600">
              {error}
            </div>
          ) : null}
          <FormActions
            className="mt-6"
            label={confirmLabel}
            variant="danger"
            busy={busy}
            testId={testId && `${testId}-confirm`}
            onCancel={onCancel}
            onAction={onConfirm}
          />
        </div>
      ) : null}
    </dialog>
  );
}
