import { createContext, type ReactNode, useId, useState } from 'react';
import { cn } from '../lib/cn.ts';
import { CloseIcon } from './icons.tsx';
import { useModal } from './use-modal.ts';

/** How the dialog around a form closes: its Cancel (DialogForm) closes it unless told otherwise. */
export const DialogCloseContext = createContext<(() => void) | undefined>(undefined);

/**
 * A modal (native <dialog>: focus trap, Escape and inert background for free), centred, or as a
 * panel sliding in from the right (`side`), for details next to a list.
 */
export function Dialog({
  open,
  title,
  description,
  children,
  onClose,
  testId,
  side = false,
  dismissable = true,
  className,
}: {
  open: boolean;
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  onClose: () => void;
  testId?: string;
  side?: boolean;
  /** False while something must be acknowledged first (Escape and the close button do nothing). */
  dismissable?: boolean;
  className?: string;
}) {
  const ref = useModal(open);
  const titleId = useId();
  const descriptionId = useId();

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a backdrop click is a pointer shortcut; Escape and the close button are the keyboard's.
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        if (dismissable) onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes a side panel.
        if (side && dismissable && event.target === event.currentTarget) onClose();
      }}
      className={cn(
        'bg-white p-0 shadow-xl ring-1 ring-slate-900/10 backdrop:bg-slate-900/40 backdrop:backdrop-blur-[2px]',
        side
          ? 'my-0 mr-0 ml-auto h-dvh max-h-dvh w-full max-w-xl'
          : 'm-auto w-[calc(100%-2rem)] max-w-lg rounded-xl',
        className,
      )}
    >
      {open ? (
        <div className={cn('flex flex-col', side && 'h-full')}>
          <header className="flex items-start justify-between gap-4 border-b border-slate-100 px-6 py-4">
            <div className="min-w-0">
              <h2 id={titleId} className="text-base font-semibold text-slate-900">
                {title}
              </h2>
              {description ? (
                <p id={descriptionId} className="mt-1 text-sm text-slate-500">
                  {description}
                </p>
              ) : null}
            </div>
            {dismissable ? (
              <button
                type="button"
                onClick={onClose}
                aria-label="Close"
                data-testid={testId && `${testId}-close`}
                className="-mr-2 rounded-md p-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                <CloseIcon className="size-5" />
              </button>
            ) : null}
          </header>
          <div className={cn('px-6 py-5', side && 'flex-1 overflow-y-auto')}>
            <DialogCloseContext.Provider value={onClose}>{children}</DialogCloseContext.Provider>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}

/** One row of a list in full, in a side panel: open while there is a row to show. */
export function Drawer<Item>({
  item,
  onClose,
  testId,
  title,
  description,
  children,
}: {
  item: Item | undefined;
  onClose: () => void;
  testId: string;
  title: (item: Item) => ReactNode;
  description: (item: Item) => ReactNode;
  children: (item: Item) => ReactNode;
}) {
  return (
    <Dialog
      open={item !== undefined}
      onClose={onClose}
      side
      testId={testId}
      title={item === undefined ? null : title(item)}
      description={item === undefined ? null : description(item)}
    >
      {item === undefined ? null : children(item)}
    </Dialog>
  );
}

/** What a page hands a dialog it opens: whether it is open, and how it closes. */
export interface OpenDialogProps {
  open: boolean;
  onClose: () => void;
}

/**
 * A dialog a page opens from a button (create a key, connect a mailbox), and the notice the page
 * shows about its outcome: `show` clears the last notice and opens; spread `dialog` on the dialog.
 */
export function useDialogOpener(initialNotice?: () => ReactNode) {
  const [open, setOpen] = useState(false);
  const [notice, setNotice] = useState<ReactNode>(initialNotice);
  return {
    notice,
    setNotice,
    show: () => {
      setNotice(undefined);
      setOpen(true);
    },
    dialog: { open, onClose: () => setOpen(false) } satisfies OpenDialogProps,
  };
}

/** What a dialog's form reports when it is done: the dialog closes, then the page is told. */
export function closeThen<Args extends unknown[]>(onClose: () => void, then: (...args: Args) => void) {
  return (...args: Args) => {
    onClose();
    then(...args);
  };
}
