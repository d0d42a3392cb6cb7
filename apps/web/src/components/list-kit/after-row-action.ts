// After a row's confirmed action succeeded (useRowConfirm): close the confirmation, re-read the list,
// then say above it what happened. The notice names the row, read before the confirmation closes.

interface RowConfirm<Row> {
  target: Row | undefined;
  close: () => void;
  setNotice: (notice: string | undefined) => void;
}

/** The mutation's `onSuccess`. */
export function afterRowAction<Row>(
  confirm: RowConfirm<Row>,
  refresh: () => Promise<unknown>,
  notice: (row: Row | undefined) => string,
) {
  return async () => {
    const row = confirm.target;
    confirm.close();
    await refresh();
    confirm.setNotice(notice(row));
  };
}
