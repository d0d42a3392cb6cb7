import { cn } from '../lib/cn.ts';
import { Button, type ButtonVariant } from './button.tsx';

/**
 * The foot of a form or dialog: Cancel (or another way back) and the action, side by side from
 * 640 px, the action on top on phones. Cancel waits while the action runs.
 */
export function FormActions({
  label,
  busy,
  testId,
  onCancel,
  cancelLabel = 'Cancel',
  cancelVariant = 'secondary',
  cancelDisabled = false,
  disabled = false,
  variant = 'primary',
  onAction,
  className,
}: {
  label: string;
  busy: boolean;
  testId?: string | undefined;
  onCancel?: (() => void) | undefined;
  cancelLabel?: string;
  cancelVariant?: ButtonVariant;
  cancelDisabled?: boolean;
  disabled?: boolean;
  variant?: ButtonVariant;
  /** A click handler; without one the action submits its form. */
  onAction?: () => void;
  className?: string;
}) {
  return (
    <div className={cn('flex flex-col-reverse gap-2 sm:flex-row sm:justify-end', className)}>
      {onCancel ? (
        <Button variant={cancelVariant} onClick={onCancel} disabled={busy || cancelDisabled}>
          {cancelLabel}
        </Button>
      ) : null}
      <Button
        type={onAction ? 'button' : 'submit'}
        variant={variant}
        onClick={onAction}
        disabled={disabled}
        loading={busy}
        data-testid={testId}
      >
        {label}
      </Button>
    </div>
  );
}
