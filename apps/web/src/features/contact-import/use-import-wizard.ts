// The state of the import wizard: the chosen file and its preview (re-read when the format or encoding
// changes), the column mapping, the declared basis and the verification choice, and the upload itself
// (the shared multipart upload: progress, abort, one retry after the session is renewed), ending on
// the import's page.
import type { ContactImportCreated, ImportBasis } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { sampleBase64 } from '../../components/multipart-upload.ts';
import { useTRPC, useTRPCClient } from '../../lib/trpc.ts';
import { PREVIEW_BYTES } from '../bulk/bulk-model.ts';
import { useFileChoice } from '../bulk/use-file-choice.ts';
import { useUploadRun } from '../bulk/use-upload-run.ts';
import {
  hasProblems,
  type ImportChoices,
  importFields,
  importPath,
  importUploadUrl,
  initialMapping,
  type Mapping,
  mappingProblems,
} from './import-model.ts';

export type Choices = Omit<ImportChoices, 'listId' | 'basis'> & { basis: ImportBasis | '' };

const DEFAULT_CHOICES: Choices = {
  basis: '',
  express: false,
  verify: false,
  format: 'auto',
  encoding: 'utf-8',
};

/** Sends the prepared import (the shared upload: progress, abort, session renewal), then opens its page. */
function useImportUpload(workspaceId: string, listId: string, maxUploadBytes: number) {
  const trpcClient = useTRPCClient();
  const navigate = useNavigate();
  const state = useUploadRun(() => trpcClient.contacts.lists.list.query({ workspaceId }), maxUploadBytes);
  async function send(fields: Array<[string, string]>, file: File) {
    const created = await state.run<ContactImportCreated>(importUploadUrl(workspaceId), fields, file);
    if (created) navigate(importPath(workspaceId, listId, created.importId));
  }
  return { ...state, run: send };
}

export function useImportWizard(workspaceId: string, listId: string) {
  const trpc = useTRPC();
  const picked = useFileChoice();
  const { file } = picked;
  const [mapping, setMapping] = useState<Mapping>({ email: null, name: null, attributes: {} });
  const [choices, setChoices] = useState<Choices>(DEFAULT_CHOICES);
  const [basisError, setBasisError] = useState<string>();
  const [showProblems, setShowProblems] = useState(false);
  const {
    upload,
    reset: resetUpload,
    run,
    abort,
    busy,
  } = useImportUpload(workspaceId, listId, picked.maxBytes);
  const preview = useMutation(trpc.contactImports.preview.mutationOptions());

  async function runPreview(chosen: File, { format, encoding }: Pick<Choices, 'format' | 'encoding'>) {
    preview.reset();
    try {
      const sample = await sampleBase64(chosen, PREVIEW_BYTES);
      // Callbacks given to `mutate` run for the latest call only: a slower earlier preview is ignored.
      preview.mutate(
        { workspaceId, sampleBase64: sample, encoding, format },
        { onSuccess: (result) => setMapping(initialMapping(result)) },
      );
    } catch {
      picked.setError('The file could not be read by the browser. Choose it again.');
    }
  }

  function chooseFile(chosen: File | undefined) {
    resetUpload();
    setShowProblems(false);
    const kept = picked.choose(chosen);
    preview.reset();
    if (kept) void runPreview(kept, choices);
  }

  function choose(next: Partial<Choices>) {
    const merged = { ...choices, ...next };
    setChoices(merged);
    if (next.basis) setBasisError(undefined);
    if (file && (next.format || next.encoding)) void runPreview(file, merged);
  }

  const problems = mappingProblems(mapping);

  async function start() {
    const { basis, ...rest } = choices;
    if (!file || !preview.data) return;
    setShowProblems(true);
    if (!basis) setBasisError('Declare how the consent of these people was obtained.');
    if (hasProblems(problems) || !basis) return;
    await run(importFields(preview.data, mapping, { ...rest, basis, listId, source: file.name }), file);
  }

  return {
    file,
    picked,
    preview,
    mapping,
    setMapping,
    problems: showProblems ? problems : { attributes: problems.attributes },
    choices,
    choose,
    basisError,
    upload,
    busy,
    chooseFile,
    start,
    abort,
  };
}

export type ImportWizard = ReturnType<typeof useImportWizard>;
