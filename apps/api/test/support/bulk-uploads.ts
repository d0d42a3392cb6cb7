// The world of the bad-upload tests: the in-process API with small limits (BULK_MAX_UPLOAD_BYTES =
// 1 MiB, BULK_MAX_ROWS = 500) listening on a port, an account with an API key, markers put into
// uploads (none may survive anywhere), and the checks that nothing of an upload was kept.
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { expect } from 'vitest';
import {
  bulkRowCounts,
  createApiKey,
  filesChangedSince,
  filesContaining,
  listen,
  multipart,
} from './bulk.ts';
import { expectNoSecretsKept, type Harness, newAccount, startHarness } from './harness.ts';

export const MAX_BYTES = 1024 * 1024;
export const MAX_ROWS = 500;

export async function startUploadWorld() {
  const startedAt = Date.now();
  const h: Harness = await startHarness({
    env: { BULK_MAX_UPLOAD_BYTES: String(MAX_BYTES), BULK_MAX_ROWS: String(MAX_ROWS) },
  });
  const account = await newAccount(h.app);
  const key = await createApiKey(account);
  const baseUrl = await listen(h);
  /** Every marker put into an upload: none may survive anywhere. */
  const markers: string[] = [];
  return {
    h,
    key,
    baseUrl,
    markers,
    marker() {
      const m = `mk${randomUUID().replace(/-/g, '')}`;
      markers.push(m);
      return m;
    },
    upload(parts: Parameters<typeof multipart>[0], headers: Record<string, string> = {}) {
      const body = multipart(parts);
      return h.app.inject({
        method: 'POST',
        url: '/v1/jobs',
        headers: { authorization: `Bearer ${key}`, 'content-type': body.contentType, ...headers },
        payload: body.payload,
      });
    },
    async expectNothingStored() {
      expect(await bulkRowCounts(h)).toEqual({ jobs: 0, chunks: 0, uploads: 0 });
    },
    /**
     * Files created or changed since the world started, in the temp folder and under the working
     * directory, hold none of `needles` (and the markers); no column of any table (every row read as
     * text: text and jsonb as is, bytea as hex, hence the hex forms too) does, nor do the logs.
     */
    async expectNothingKept(needles: string[] = []) {
      const changed = [
        ...(await filesChangedSince(tmpdir(), startedAt, 4)),
        ...(await filesChangedSince(process.cwd(), startedAt)),
      ];
      expect(await filesContaining(changed, [...markers, ...needles])).toEqual([]);
      const plain = [...markers, ...needles];
      const hex = plain.map((s) => Buffer.from(s).toString('hex'));
      expect(await expectNoSecretsKept(h, [...plain, ...hex])).toEqual([]);
    },
    close: () => h.close(),
  };
}
