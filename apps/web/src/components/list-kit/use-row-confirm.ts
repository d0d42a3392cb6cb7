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
