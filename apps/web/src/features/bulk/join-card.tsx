// "Add results to my file": the user picks the uploaded file again and the browser joins the verdicts
// to it locally — the file is read here and never sent anywhere; only the results are fetched (the
// NDJSON download). The join is the SDK's (packages/sdk/src/join.ts): one implementation for the
// CLI, the SDK and the dashboard. The joined file keeps the original bytes (BOM, quotes, delimiter,
// line breaks) and appends the verdict columns to each row, matched by row number.
import type { BulkJobDto } from '@postern/contracts';
import { useId, useState } from 'react';
// The SDK is published from its build; its join is pure and imported from source here.
import { joinResults, ndjsonRows } from '../../../../../packages/sdk/src/join.ts';
import { Alert } from '../../components/alert.tsx';
import { buttonClass } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { HiddenFileInput } from '../../components/file-input.tsx';
import { FileIcon } from '../../components/icons.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { startDownload } from '../../lib/download.ts';
import { useTRPCClient } from '../../lib/trpc.ts';
import { downloadUrl } from './bulk-model.ts';

/** `contacts.csv` -> `contacts-with-results.csv` (a list without an extension becomes .csv). */
export function joinedFileName(name: string): string {
  const match = /^(.*?)(\.[A-Za-z0-9]{1,8})?$/.exec(name);
  const base = match?.[1] || 'file';
  const extension = match?.[2] && !/^\.(txt|list)$/i.test(match[2]) ? match[2] : '.csv';
  return `${base}-with-results${extension}`;
}

/** Joins `file` with the job's results, in the browser; resolves with the joined file. */
async function joinFile(workspaceId: string, job: BulkJobDto, file: File): Promise<Blob> {
  const response = await fetch(downloadUrl(workspaceId, job.id, 'ndjson'), { credentials: 'same-origin' });
  if (!response.ok || !response.body) throw new Error('The results could not be read. Please try again.');
  const parts: BlobPart[] = [];
  const rows = ndjsonRows(response.body);
  const summary = job.summary;
  for await (const part of joinResults(new Uint8Array(await file.arrayBuffer()), rows, {
    delimiter: summary?.delimiter ?? null,
    headerRow: summary?.headerRow ?? null,
  }))
    parts.push(part as Uint8Array<ArrayBuffer>);
  return new Blob(parts, { type: file.type || 'text/csv' });
}

function save(blob: Blob, name: string) {
  const href = URL.createObjectURL(blob);
  startDownload(href, name);
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

export function JoinCard({ workspaceId, job }: { workspaceId: string; job: BulkJobDto }) {
  const trpcClient = useTRPCClient();
  const inputId = useId();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ tone: 'error' | 'success'; text: string }>();
  // Jobs from a JSON array have no file; jobs made before rows were kept cannot be joined.
  if (!job.summary || job.summary.format === 'json' || job.summary.headerRow === undefined) return null;

  async function pick(file: File) {
    setOutcome(undefined);
    setBusy(true);
    try {
      // A tRPC call first: it renews the session if the access token expired (the fetch cannot).
      await trpcClient.bulk.get.query({ workspaceId, jobId: job.id });
      const name = joinedFileName(file.name);
      save(await joinFile(workspaceId, job, file), name);
      setOutcome({
        tone: 'success',
        text: `Saved ${name}: your file with the verdict columns added to each row.`,
      });
    } catch (error) {
      setOutcome({
        tone: 'error',
        text:
          error instanceof Error && /row|file/i.test(error.message)
            ? `${error.message.replace(/:.*$/, '')}. Pick the file this job was made from.`
            : userMessage(error, 'The results could not be added. Please try again.'),
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card
      id="job-join"
      testId="join-card"
      title="Add results to my file"
      description="Pick the file you uploaded: the verdict columns are added to each of its rows, in your browser. The file is not uploaded again."
    >
      <label
        htmlFor={inputId}
        className={buttonClass('secondary', busy ? 'pointer-events-none opacity-60' : '')}
      >
        <FileIcon className="size-4 text-slate-500" />
        {busy ? 'Adding the results…' : 'Choose the original file'}
      </label>
      <HiddenFileInput
        id={inputId}
        testId="join-file-input"
        disabled={busy}
        onFile={(file) => void pick(file)}
      />
      {outcome ? (
        <Alert tone={outcome.tone} className="mt-4" testId={`join-${outcome.tone}`}>
          {outcome.text}
        </Alert>
      ) : null}
    </Card>
  );
}
