// Upload a list: pick or drop a file; its first 64 KiB are previewed (how it is read, which column
// holds the addresses, the share of addresses per column) so the column can be changed; options
// (name, depth, de-duplication, format, encoding); then the upload itself with a real progress bar,
// and on to the new job's page.
import { Link } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { Card } from '../../components/card.tsx';
import { ArrowLeftIcon, LockIcon } from '../../components/icons.tsx';
import { Page } from '../../components/page-header.tsx';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { workspacePath } from '../workspaces/paths.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { columnLabel } from './bulk-model.ts';
import { FileChoice, OptionsCard } from './upload-fields.tsx';
import { ColumnPreview } from './upload-preview.tsx';
import { UploadBar } from './upload-progress.tsx';
import { useUpload } from './use-upload.ts';

function readyText({ column, preview }: ReturnType<typeof useUpload>): string {
  if (!preview.data) return 'The preview must load before the upload can start.';
  if (column === null) return 'Choose the column that holds the addresses to start.';
  const chosen = preview.data.columns.find((col) => col.index === column) ?? { index: column, name: null };
  return `Ready: the ${columnLabel(chosen)} column will be checked.`;
}

/** The foot of the page: what is about to happen (or how far the upload is), and Start. */
function StartBar({ state }: { state: ReturnType<typeof useUpload> }) {
  const { file, preview, column } = state;
  return (
    <UploadBar
      run={state}
      idleText={readyText(state)}
      canStart={Boolean(file && preview.data && column !== null)}
      startLabel="Start verification"
      testIds={{ start: 'start-job', abort: 'abort-upload' }}
    />
  );
}

function UploadForm({ state }: { state: ReturnType<typeof useUpload> }) {
  const { file, busy, upload } = state;
  return (
    <>
      <Card id="upload-file" testId="file-card" title="File">
        <FileChoice
          picked={state.picked}
          busy={busy}
          onFile={state.chooseFile}
          refusal={{ title: 'This file cannot be uploaded', testId: 'file-error' }}
        />
      </Card>
      {file ? (
        <>
          <Card
            id="upload-column"
            testId="column-card"
            title="Email column"
            description="The first rows of the file. The highlighted column is the one that will be checked."
          >
            <ColumnPreview
              preview={state.preview}
              column={state.column}
              onColumn={state.setColumn}
              fileSize={file.size}
            />
          </Card>
          <OptionsCard options={state.choices} onChange={state.choose} fileName={file.name} busy={busy} />
        </>
      ) : null}
      {upload.phase === 'failed' ? (
        <Alert tone="error" title={upload.problem.title} testId="upload-error">
          {upload.problem.message}
          {upload.problem.requestId ? (
            <span className="mt-1 block text-xs text-rose-700/80">Request {upload.problem.requestId}</span>
          ) : null}
        </Alert>
      ) : null}
      {file ? <StartBar state={state} /> : null}
    </>
  );
}

export function UploadPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Upload a list · ${workspace.name}`);
  const state = useUpload(workspace.id);
  const backLink = (
    <Link
      to={workspacePath(workspace.id, 'jobs')}
      className="inline-flex items-center gap-1.5 text-sm font-medium text-slate-600 hover:text-slate-900"
    >
      <ArrowLeftIcon className="size-4" />
      Bulk jobs
    </Link>
  );
  if (!can('bulk.manage'))
    return (
      <Page testId="upload-page" title="Upload a list" actions={backLink}>
        <Alert tone="info" title="Viewers cannot start bulk jobs" testId="upload-forbidden">
          Owners, admins and members of {workspace.name} can upload lists. You can see the jobs and their
          results.
        </Alert>
      </Page>
    );
  return (
    <Page
      testId="upload-page"
      title="Upload a list"
      description="Every address in the file is checked in the background; you can leave the page once the upload is done."
      actions={backLink}
    >
      <UploadForm state={state} />
      {state.file ? null : (
        <div className="flex items-start gap-3 text-sm text-slate-500">
          <LockIcon className="mt-0.5 size-4 shrink-0 text-slate-500" />
          <p>
            Addresses are stored encrypted while the job runs. Results are deleted 7 days after the job
            finishes.
          </p>
        </div>
      )}
    </Page>
  );
}
