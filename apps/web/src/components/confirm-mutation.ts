// The state of a ConfirmAction guarding one mutation (erase a contact, leave a workspace, disconnect a
// mailbox): asking again clears the last attempt's refusal, and the dialog is busy while the mutation
// runs and shows its refusal worded for people.
import { useState } from 'react';

interface Guarded {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  reset: () => void;
}

export function useConfirmMutation<M extends Guarded, P extends { title: string; message: string }>(
  mutation: M,
  problemOf: (mutation: M) => P | undefined,
) {
  const [open, setOpen] = useState(false);
  return {
    ask: () => {
      mutation.reset();
      setOpen(true);
    },
    close: () => setOpen(false),
    /** ConfirmAction's open / busy / problem / onCancel. */
    dialog: { open, busy: mutation.isPending, problem: problemOf(mutation), onCancel: () => setOpen(false) },
  };
}
