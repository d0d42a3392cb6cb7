// One upload from a page, as a state: idle, sending (bytes so far), reading (all sent, the server reads
// the file), failed (why, in words for people). The request is the shared multipart upload (progress,
// abort when the page goes, one retry after the session is renewed). Shared by the bulk upload and the
// contact import wizard.
import { useState } from 'react';
import { isUploadFailure } from '../../components/multipart-upload.ts';
import { useMultipartSend } from '../../components/use-multipart-send.ts';
import { userMessage } from '../../lib/api-errors.ts';
import { type UploadProblem, uploadProblem } from './bulk-model.ts';

export type UploadState =
  | { phase: 'idle' }
  | { phase: 'sending'; loaded: number; total: number }
  | { phase: 'reading' }
  | { phase: 'failed'; problem: UploadProblem };

/** `renew`: any tRPC query of the page's; `maxUploadBytes` words a refusal for size. */
export function useUploadRun(renew: () => Promise<unknown>, maxUploadBytes: number) {
  const [upload, setUpload] = useState<UploadState>({ phase: 'idle' });
  const { send, abort } = useMultipartSend(renew);

  /** The server's answer; undefined when the upload failed (the state says why) or was cancelled. */
  async function run<T>(url: string, fields: ReadonlyArray<readonly [string, string]>, file: File) {
    setUpload({ phase: 'sending', loaded: 0, total: file.size });
    try {
      return await send<T>(url, fields, file, (loaded, total) =>
        setUpload(loaded >= total ? { phase: 'reading' } : { phase: 'sending', loaded, total }),
      );
    } catch (error) {
      if (isUploadFailure(error) && error.aborted) setUpload({ phase: 'idle' });
      else
        setUpload({
          phase: 'failed',
          problem: isUploadFailure(error)
            ? uploadProblem(error.status, error.body, maxUploadBytes)
            : { title: 'You are signed out', message: userMessage(error) },
        });
      return undefined;
    }
  }

  const busy = upload.phase === 'sending' || upload.phase === 'reading';
  return { upload, reset: () => setUpload({ phase: 'idle' }), run, abort, busy };
}
