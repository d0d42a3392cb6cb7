// The file chosen for an upload (a bulk list, a contact import): refused at once when the server's size
// limit or the accepted kinds rule it out, with the reason to show under the drop zone.
import { useState } from 'react';
import { fileProblem, MAX_UPLOAD_BYTES } from './bulk-model.ts';
import { useBulkLimits } from './use-bulk.ts';

export function useFileChoice() {
  const [file, setFile] = useState<File>();
  const [error, setError] = useState<string>();
  const maxBytes = useBulkLimits().data?.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  return {
    file,
    /** Why the last file chosen was refused, or could not be read. */
    error,
    setError,
    maxBytes,
    /** Keeps `chosen` unless it is refused (or clears the choice); the file kept, if any. */
    choose(chosen: File | undefined): File | undefined {
      const problem = chosen && fileProblem(chosen, maxBytes);
      setError(problem);
      const kept = problem ? undefined : chosen;
      setFile(kept);
      return kept;
    },
  };
}

export type FileChoiceState = ReturnType<typeof useFileChoice>;
