// Import contacts into a list (/w/:ws/lists/:listId/import): 1 the file (picked or dropped; the same
// size and type checks as a bulk upload), 2 what each column becomes, 3 the declared basis of consent
// (required), 4 optional verification, 5 the upload with a real progress bar, then the import's page.
import type { ReactNode } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Card } from '../../components/card.tsx';
import { BackLink } from '../../components/item-page.tsx';
import { Page } from '../../components/page-header.tsx';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { FORMATS as BULK_FORMATS, FileChoice, ReadingFields } from '../bulk/upload-fields.tsx';
import { UploadBar } from '../bulk/upload-progress.tsx';
import { ListItemState, ListRoute } from '../lists/list-page.tsx';
import { listPath } from '../lists/list-paths.ts';
import { type ListDetail, useListQuery } from '../lists/use-lists.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { ConsentCard, VerifyCard } from './consent-card.tsx';
import { MappingCard } from './mapping-card.tsx';
import { type Choices, type ImportWizard, useImportWizard } from './use-import-wizard.ts';

/** A contact import is a table: no plain list of addresses. */
const FORMATS = BULK_FORMATS.filter(
  (choice): choice is { value: Choices['format']; label: string } => choice.value !== 'list',
);

export function ImportWizardPage() {
  return <ListRoute view={WizardForList} />;
}

function WizardForList({ id: listId }: { id: string }) {
  const { workspace } = useCurrentWorkspace();
  const list = useListQuery(workspace.id, listId);
  useDocumentTitle(`Import contacts${list.data ? ` into ${list.data.name}` : ''} · ${workspace.name}`);
  const back = (name: string) => (
    <BackLink to={listPath(workspace.id, listId)} testId="back-to-list">
      {name}
    </BackLink>
  );
  return (
    <ListItemState query={list} name="import-list" back={back('The list')}>
      {(shown) => <WizardOrForbidden list={shown} back={back(shown.name)} />}
    </ListItemState>
  );
}

/** Viewers are told who can import; everyone else gets the wizard. */
function WizardOrForbidden({ list, back }: { list: ListDetail; back: ReactNode }) {
  const { workspace, can } = useCurrentWorkspace();
  if (!can('contacts.write'))
    return (
      <Page testId="import-page" title="Import contacts" actions={back}>
        <Alert tone="info" title="Viewers cannot import contacts" testId="import-forbidden">
          Owners, admins and members of {workspace.name} can import contacts.
        </Alert>
      </Page>
    );
  return <Wizard list={list} back={back} />;
}

function readyText(wizard: ImportWizard, list: ListDetail): string {
  if (!wizard.preview.data) return 'The preview must load before the import can start.';
  if (wizard.mapping.email === null) return 'Choose the column that holds the email addresses.';
  if (!wizard.choices.basis) return 'Declare how consent was obtained to start.';
  return `Ready: the contacts will be subscribed to ${list.name}${wizard.choices.verify ? ' after verification' : ''}.`;
}

/** Step 5: what is about to happen (or how far the upload is), and Import. */
function StartBar({ wizard, list }: { wizard: ImportWizard; list: ListDetail }) {
  return (
    <UploadBar
      run={wizard}
      idleText={readyText(wizard, list)}
      canStart={Boolean(wizard.preview.data)}
      startLabel="Import contacts"
      testIds={{ start: 'import-start', abort: 'import-abort', status: 'import-ready' }}
    />
  );
}

function FileCard({ wizard }: { wizard: ImportWizard }) {
  const { busy, choices } = wizard;
  return (
    <Card
      id="import-file"
      testId="import-file-card"
      title="1. File"
      description="A CSV or TSV file, one contact per row."
    >
      <FileChoice
        picked={wizard.picked}
        busy={busy}
        onFile={wizard.chooseFile}
        refusal={{ title: 'This file cannot be imported', testId: 'import-file-error' }}
        settings={
          <ReadingFields
            format={choices.format}
            encoding={choices.encoding}
            formats={FORMATS}
            busy={busy}
            onChange={wizard.choose}
            testIds={{ format: 'import-format', encoding: 'import-encoding' }}
          />
        }
      />
    </Card>
  );
}

function Wizard({ list, back }: { list: ListDetail; back: ReactNode }) {
  const { workspace } = useCurrentWorkspace();
  const wizard = useImportWizard(workspace.id, list.id);
  const { file, upload } = wizard;
  return (
    <Page
      testId="import-page"
      title={`Import contacts into ${list.name}`}
      description="Every row becomes a contact subscribed to this list, with the consent you declare. The worker imports the file in the background."
      actions={back}
    >
      <FileCard wizard={wizard} />
      {file ? (
        <>
          <MappingCard wizard={wizard} fileSize={file.size} />
          <ConsentCard wizard={wizard} requiresExpressConsent={list.requiresExpressConsent} />
          <VerifyCard wizard={wizard} workspaceId={workspace.id} />
          {upload.phase === 'failed' ? (
            <Alert tone="error" title={upload.problem.title} testId="import-upload-error">
              {upload.problem.message}
              {upload.problem.requestId ? (
                <span className="mt-1 block text-xs text-rose-700/80">
                  Request {upload.problem.requestId}
                </span>
              ) : null}
            </Alert>
          ) : null}
          <StartBar wizard={wizard} list={list} />
        </>
      ) : null}
    </Page>
  );
}
