// Import suppressions from a file (owners and admins): one address per line or the first column of a
// CSV, read in the browser; what will be sent and what was left out is shown first, then the
// addresses go to the add procedure in batches, with progress, and the counts at the end.
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Alert, ProblemAlert } from '../../components/alert.tsx';
import { buttonClass } from '../../components/button.tsx';
import { Dialog, type OpenDialogProps } from '../../components/dialog.tsx';
import { Field } from '../../components/field.tsx';
import { HiddenFileInput } from '../../components/file-input.tsx';
import { FormActions } from '../../components/form-actions.tsx';
import { UploadIcon } from '../../components/icons.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { importSummary } from './compliance-model.ts';
import { type ImportCounts, ImportStopped, sendInBatches } from './import-run.ts';
import { MAX_FILE_LINES, type ParsedAddresses, parseAddressFile } from './suppression-csv.ts';
import { suppressionActionError } from './suppression-errors.ts';

/** Files above this size are refused before reading (100 000 lines of long addresses). */
const MAX_FILE_BYTES = 40 * 1024 * 1024;

interface Chosen {
  name: string;
  parsed: ParsedAddresses;
}

type Stage =
  | { step: 'choose'; problem?: string }
  | { step: 'review'; chosen: Chosen }
  | { step: 'sending'; chosen: Chosen; counts: ImportCounts }
  | { step: 'done'; chosen: Chosen; counts: ImportCounts; stopped?: unknown };

const SKIP_WORDS = { not_an_address: 'not an address', duplicate: 'duplicate' } as const;

function FilePicker({ onFile, problem }: { onFile: (file: File) => void; problem: string | undefined }) {
  const id = useId();
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">
        A text or CSV file with one address per line, or the addresses in its first column. A header line is
        recognised and skipped.
      </p>
      <HiddenFileInput
        id={id}
        testId="suppression-file"
        accept=".csv,.txt,text/csv,text/plain"
        disabled={false}
        onFile={onFile}
      />
      <label htmlFor={id} className={buttonClass('secondary', 'cursor-pointer')}>
        <UploadIcon className="size-4 text-slate-500" />
        Choose a file
      </label>
      {problem ? (
        <Alert tone="error" testId="suppression-file-error">
          {problem}
        </Alert>
      ) : null}
    </div>
  );
}

function Review({ chosen }: { chosen: Chosen }) {
  const { addresses, skipped, header } = chosen.parsed;
  return (
    <div className="space-y-3 text-sm text-slate-700" data-testid="suppression-import-review">
      <p>
        <span className="font-medium text-slate-900">{chosen.name}</span>:{' '}
        <span data-testid="import-found">
          {addresses.length} {addresses.length === 1 ? 'address' : 'addresses'} to suppress
        </span>
        {header ? ' (header line skipped)' : ''}.
      </p>
      {skipped.length ? (
        <details className="rounded-lg border border-slate-200 px-3 py-2">
          <summary className="cursor-pointer" data-testid="import-skipped">
            {skipped.length} {skipped.length === 1 ? 'line' : 'lines'} left out
          </summary>
          <ul className="mt-2 space-y-1 text-xs text-slate-600">
            {skipped.slice(0, 20).map((line) => (
              <li key={line.line}>
                Line {line.line}: <code className="font-mono break-all">{line.value}</code> (
                {SKIP_WORDS[line.reason]})
              </li>
            ))}
            {skipped.length > 20 ? <li>…and {skipped.length - 20} more.</li> : null}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

/** The import's steps: read and check the file, then send it in batches, then the counts. */
function useImport(workspaceId: string, onImported: () => void) {
  const trpc = useTRPC();
  const [stage, setStage] = useState<Stage>({ step: 'choose' });
  const [source, setSource] = useState('');
  const refusal = useRefusal((error) => suppressionActionError(error, 'import'));
  const add = useMutation(trpc.contacts.suppressions.add.mutationOptions());

  async function read(file: File) {
    if (file.size > MAX_FILE_BYTES) {
      setStage({
        step: 'choose',
        problem: 'This file is too large. Split it into files of at most 100,000 lines.',
      });
      return;
    }
    const parsed = parseAddressFile(await file.text());
    if (parsed.addresses.length + parsed.skipped.length > MAX_FILE_LINES) {
      setStage({
        step: 'choose',
        problem: 'This file has more than 100,000 lines. Split it and import the parts.',
      });
      return;
    }
    if (!parsed.addresses.length) {
      setStage({ step: 'choose', problem: `No email address found in ${file.name}.` });
      return;
    }
    setSource(file.name.slice(0, 200));
    setStage({ step: 'review', chosen: { name: file.name, parsed } });
  }

  async function send(chosen: Chosen) {
    const start: ImportCounts = { added: 0, existing: 0, invalid: 0, done: 0 };
    setStage({ step: 'sending', chosen, counts: start });
    const trimmed = source.trim();
    try {
      const counts = await sendInBatches(
        chosen.parsed.addresses,
        (emails) => add.mutateAsync({ workspaceId, emails, ...(trimmed ? { source: trimmed } : {}) }),
        (counts) => setStage({ step: 'sending', chosen, counts }),
      );
      setStage({ step: 'done', chosen, counts });
    } catch (error) {
      const stopped = error instanceof ImportStopped ? error : undefined;
      refusal.onError(stopped?.cause ?? error);
      setStage({ step: 'done', chosen, counts: stopped?.counts ?? start, stopped: stopped?.cause ?? error });
    }
    onImported();
  }

  return { stage, setStage, source, setSource, read, send };
}

function Outcome({ stage, onDone }: { stage: Extract<Stage, { step: 'done' }>; onDone: () => void }) {
  return (
    <>
      <Alert
        tone={stage.stopped ? 'warning' : 'success'}
        title={stage.stopped ? 'The import stopped' : 'Import finished'}
        testId="suppression-import-result"
      >
        {importSummary({
          added: stage.counts.added,
          existing: stage.counts.existing,
          skipped: stage.counts.invalid + stage.chosen.parsed.skipped.length,
        })}
        .
      </Alert>
      <ProblemAlert
        problem={stage.stopped ? suppressionActionError(stage.stopped, 'import') : undefined}
        testId="suppression-import-error"
      />
      <FormActions label="Done" busy={false} testId="suppression-import-done" onAction={onDone} />
    </>
  );
}

export function ImportDialog({
  open,
  workspaceId,
  onClose,
  onImported,
}: OpenDialogProps & {
  workspaceId: string;
  onImported: () => void;
}) {
  const { stage, setStage, source, setSource, read, send } = useImport(workspaceId, onImported);
  function close() {
    if (stage.step === 'sending') return;
    setStage({ step: 'choose' });
    onClose();
  }
  const total = stage.step === 'choose' ? 0 : stage.chosen.parsed.addresses.length;
  return (
    <Dialog
      open={open}
      onClose={close}
      dismissable={stage.step !== 'sending'}
      testId="import-suppressions-dialog"
      title="Import suppressions"
      description="Every address in the file is suppressed as “manual”. Addresses already suppressed stay as they are."
    >
      <div className="space-y-5">
        {stage.step === 'choose' ? (
          <FilePicker onFile={(file) => void read(file)} problem={stage.problem} />
        ) : null}
        {stage.step === 'review' ? (
          <>
            <Review chosen={stage.chosen} />
            <Field
              label="Source"
              testId="suppression-import-source"
              autoComplete="off"
              maxLength={200}
              hint="Kept with each entry: where the addresses come from."
              value={source}
              onValue={setSource}
            />
            <FormActions
              label={`Suppress ${total} ${total === 1 ? 'address' : 'addresses'}`}
              busy={false}
              testId="suppression-import-submit"
              onCancel={() => setStage({ step: 'choose' })}
              cancelLabel="Choose another file"
              onAction={() => void send(stage.chosen)}
            />
          </>
        ) : null}
        {stage.step === 'sending' ? (
          <ProgressBar
            value={total ? Math.round((stage.counts.done / total) * 100) : 0}
            label="Import progress"
            valueText={`${stage.counts.done} of ${total} addresses sent`}
            testId="suppression-import-progress"
          />
        ) : null}
        {stage.step === 'done' ? <Outcome stage={stage} onDone={close} /> : null}
      </div>
    </Dialog>
  );
}
