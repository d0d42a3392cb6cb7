// The state of the upload page: the chosen file, its preview (re-read when the format or encoding
// changes), the chosen column and options, and the upload itself (progress, abort, one retry after the
// session is renewed), ending on the new job's page.
import type { BulkJobDto } from '@postern/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useTRPC, useTRPCClient } from '../../lib/trpc.ts';
import { jobPath, PREVIEW_BYTES, uploadUrl } from './bulk-model.ts';
import { columnToSend } from './preview-model.ts';
import { sampleBase64, type UploadOptions, uploadFields } from './upload.ts';
import { DEFAULT_CHOICES, type UploadChoices } from './upload-fields.tsx';
import { useInvalidateBulk } from './use-bulk.ts';
import { useFileChoice } from './use-file-choice.ts';
import { type UploadState, useUploadRun } from './use-upload-run.ts';

export type { UploadState };

export function useUpload(workspaceId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invalidateBulk = useInvalidateBulk();
  const navigate = useNavigate();
  const picked = useFileChoice();
  const { file } = picked;
  const [column, setColumn] = useState<number | null>(null);
  const [choices, setChoices] = useState<UploadChoices>(DEFAULT_CHOICES);
  const trpcClient = useTRPCClient();
  const { upload, reset, run, abort, busy } = useUploadRun(
    () => trpcClient.bulk.list.query({ workspaceId, limit: 1 }),
    picked.maxBytes,
  );
  const preview = useMutation(trpc.bulk.preview.mutationOptions());

  async function runPreview(chosen: File, { format, encoding }: Pick<UploadChoices, 'format' | 'encoding'>) {
    setColumn(null);
    preview.reset();
    try {
      const sample = await sampleBase64(chosen, PREVIEW_BYTES);
      // Callbacks given to `mutate` run for the latest call only: a slower earlier preview is ignored.
      preview.mutate(
        { workspaceId, sampleBase64: sample, encoding, format },
        { onSuccess: (result) => setColumn(result.detectedColumn) },
      );
    } catch {
      picked.setError('The file could not be read by the browser. Choose it again.');
    }
  }

  function chooseFile(chosen: File | undefined) {
    reset();
    const kept = picked.choose(chosen);
    preview.reset();
    setColumn(null);
    if (kept) void runPreview(kept, choices);
  }

  function choose(next: Partial<UploadChoices>) {
    const merged = { ...choices, ...next };
    setChoices(merged);
    if (file && (next.format || next.encoding)) void runPreview(file, merged);
  }

  async function start() {
    if (!file || !preview.data || column === null) return;
    const { name, depth, format, encoding, dedupe } = choices;
    const options: UploadOptions = {
      ...(name.trim() ? { name: name.trim() } : {}),
      depth,
      format,
      encoding,
      dedupe,
    };
    const chosenColumn = columnToSend(column, preview.data.detectedColumn);
    if (chosenColumn !== undefined) options.column = chosenColumn;
    const job = await run<BulkJobDto>(uploadUrl(workspaceId), uploadFields(options), file);
    if (!job) return;
    queryClient.setQueryData(trpc.bulk.get.queryKey({ workspaceId, jobId: job.id }), job);
    void invalidateBulk();
    navigate(jobPath(workspaceId, job.id));
  }

  return {
    file,
    picked,
    column,
    setColumn,
    choices,
    choose,
    upload,
    preview,
    busy,
    chooseFile,
    start,
    abort,
  };
}
