import { type ReactNode, useId } from 'react';
import { InlineError } from './alert.tsx';
import { FormActions } from './form-actions.tsx';
import { useModal } from './use-modal.ts';

/**
 * "Are you sure?" before an action that cannot be taken back (revoke, remove, delete, sign out
 * elsewhere), as a native modal <dialog>. Escape and Cancel do nothing while the action runs.
 */
interface ConfirmProps {
  title: string;
  confirmLabel: string;
  busy?: boolean;
  error?: ReactNode;
  /** A refusal worded for people, its title in bold (instead of `error`). */
  problem?: { title: string; message: string } | undefined;
  testId?: string;
}

/**
 * ConfirmAction for the row a list's confirmation (useRowConfirm) is open for: `children` words the
 * question about it, `onConfirm` acts on it, Cancel closes it.
 */
export function RowConfirmAction<Row>({
  confirm,
  onConfirm,
  children,
  ...props
}: ConfirmProps & {
  confirm: { target: Row | undefined; close: () => void };
  onConfirm: (row: Row) => void;
  children: (row: Row) => ReactNode;
}) {
  const { target } = confirm;
  return (
    <ConfirmAction
      {...props}
      open={target !== undefined}
      onCancel={confirm.close}
      onConfirm={() => target !== undefined && onConfirm(target)}
    >
      {target !== undefined ? children(target) : null}
    </ConfirmAction>
  );
}

export function ConfirmAction({
  open,
  title,
  children,
  confirmLabel,
  busy = false,
  error,
  problem,
  onConfirm,
  onCancel,
  testId,
}: ConfirmProps & {
  open: boolean;
  children?: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
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
          <InlineError className="mt-3" testId={testId && `${testId}-error`}>
            {error ??
              (problem ? (
                <>
                  <span className="font-medium">{problem.title}.</span> {problem.message}
                </>
              ) : null)}
          </InlineError>
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
