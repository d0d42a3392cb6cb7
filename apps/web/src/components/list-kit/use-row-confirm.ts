import { useState } from 'react';

/**
 * The row a confirmation (ConfirmAction) is open for, and the notice left above the list once the
 * action succeeded: asking again clears the last notice.
 */
export function useRowConfirm<Row>() {
  const [target, setTarget] = useState<Row>();
  const [notice, setNotice] = useState<string>();
  return {
    target,
    notice,
    setNotice,
    ask: (row: Row) => {
      setNotice(undefined);
      setTarget(row);
    },
    close: () => setTarget(undefined),
  };
}

/**
 * One mutation confirmed per row: `ask(row)` for the row's button (it clears the mutation's last
 * refusal first), and `dialog`, RowConfirmAction's props but `onConfirm` and the question: the row
 * it is open for, whether the mutation runs, its refusal, and the dialog's words.
 */
export function rowMutation<Row, P>(
  confirm: { ask: (row: Row) => void; target: Row | undefined; close: () => void },
  mutation: { isPending: boolean; reset: () => void },
  problem: P,
  words: { testId: string; title: string; confirmLabel: string },
) {
  return {
    ask: (row: Row) => {
      mutation.reset();
      confirm.ask(row);
    },
    dialog: { ...words, confirm, busy: mutation.isPending, problem },
  };
}
