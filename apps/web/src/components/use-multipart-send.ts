// Sending a multipart upload from a page (components/multipart-upload.ts): the upload is aborted when
// the page goes, and sent once more after the session is renewed if the access token expired since the
// page opened (the upload is a plain request: only a tRPC call renews the session, lib/auth-link.ts).
import { useEffect, useRef } from 'react';
import { isUploadFailure, postMultipart } from './multipart-upload.ts';

/** `renew`: any tRPC query of the page's (its answer is not used). */
export function useMultipartSend(renew: () => Promise<unknown>) {
  const abortRef = useRef<() => void>(undefined);
  useEffect(() => () => abortRef.current?.(), []);
  const send = async <T>(
    url: string,
    fields: ReadonlyArray<readonly [string, string]>,
    file: File,
    onProgress: (loaded: number, total: number) => void,
  ): Promise<T> => {
    const once = () => {
      const handle = postMultipart<T>(url, fields, file, onProgress);
      abortRef.current = handle.abort;
      return handle.promise;
    };
    try {
      return await once();
    } catch (error) {
      if (!isUploadFailure(error) || error.status !== 401) throw error;
      await renew();
      return await once();
    } finally {
      abortRef.current = undefined;
    }
  };
  return { send, abort: () => abortRef.current?.() };
}
