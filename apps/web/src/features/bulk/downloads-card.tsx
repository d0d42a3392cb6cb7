// Download a job's results as CSV, JSON or NDJSON, all of them or those with one status. The files come
// from GET /api/w/:workspaceId/jobs/:jobId/download (an attachment, streamed by the server).
import type { BulkDownloadFormat, BulkResultFilter } from '@postern/contracts';
import { useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { DownloadIcon } from '../../components/icons.tsx';
import { Options, SelectField } from '../../components/select.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { startDownload } from '../../lib/download.ts';
import { useTRPCClient } from '../../lib/trpc.ts';
import { DOWNLOAD_FORMATS, downloadUrl, RESULT_FILTERS } from './bulk-model.ts';

export function DownloadsCard({
  workspaceId,
  jobId,
  running,
}: {
  workspaceId: string;
  jobId: string;
  running: boolean;
}) {
  const trpcClient = useTRPCClient();
  const [status, setStatus] = useState<BulkResultFilter | ''>('');
  const [preparing, setPreparing] = useState<BulkDownloadFormat>();
  const [problem, setProblem] = useState<string>();

  async function download(format: BulkDownloadFormat) {
    setProblem(undefined);
    setPreparing(format);
    try {
      // A tRPC call first: it renews the session if the access token expired (the download is a
      // plain GET the browser makes itself, which cannot).
      await trpcClient.bulk.get.query({ workspaceId, jobId });
      startDownload(downloadUrl(workspaceId, jobId, format, status));
    } catch (error) {
      setProblem(userMessage(error, 'The download could not start. Please try again.'));
    } finally {
      setPreparing(undefined);
    }
  }

  return (
    <Card
      id="job-downloads"
      testId="downloads-card"
      title="Download results"
      description={
        running
          ? 'The file holds the results so far; addresses not checked yet are marked pending.'
          : 'One row per row of your file, in file order — refused and duplicate rows included — with its row number, status, reason and checks.'
      }
    >
      <div className="flex flex-col gap-4 sm:flex-row sm:items-end">
        <SelectField
          label="Results"
          testId="download-filter"
          value={status}
          onChange={(event) => setStatus(event.target.value as BulkResultFilter | '')}
          className="sm:w-64"
        >
          <Options choices={RESULT_FILTERS} />
        </SelectField>
        <div className="flex flex-wrap gap-2">
          {DOWNLOAD_FORMATS.map((format) => (
            <Button
              key={format.value}
              variant={format.value === 'csv' ? 'primary' : 'secondary'}
              title={format.hint}
              loading={preparing === format.value}
              disabled={preparing !== undefined}
              onClick={() => void download(format.value)}
              data-testid={`download-${format.value}`}
            >
              {preparing === format.value ? null : (
                <DownloadIcon className={format.value === 'csv' ? 'size-4' : 'size-4 text-slate-500'} />
              )}
              {format.label}
            </Button>
          ))}
        </div>
      </div>
      {problem ? (
        <Alert tone="error" className="mt-4" testId="download-error">
          {problem}
        </Alert>
      ) : null}
    </Card>
  );
}
