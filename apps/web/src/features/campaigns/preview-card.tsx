// The message as a sample contact receives it (campaigns.preview: merge fields filled, footer added),
// re-rendered after every save of the draft (the editor re-reads it): the HTML in a sandboxed frame at desktop or phone width,
// or the text version.
import { type ReactNode, useState } from 'react';
import { ProblemAlert } from '../../components/alert.tsx';
import { Card } from '../../components/card.tsx';
import { MonitorIcon, SmartphoneIcon } from '../../components/icons.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { cn } from '../../lib/cn.ts';
import { campaignActionError } from './campaign-errors.ts';
import { PreviewFrame, type PreviewWidth } from './preview-frame.tsx';
import { usePreviewQuery } from './use-campaigns.ts';

type View = 'html' | 'text';

/** One button of a row of mutually exclusive choices (aria-pressed). */
function Choice({
  pressed,
  onClick,
  testId,
  children,
}: {
  pressed: boolean;
  onClick: () => void;
  testId: string;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      data-testid={testId}
      onClick={onClick}
      className={cn(
        'inline-flex items-center gap-1.5 rounded-md px-2.5 py-1 text-xs font-medium focus-visible:outline-2 focus-visible:outline-indigo-600',
        pressed
          ? 'bg-white text-slate-900 shadow-sm ring-1 ring-slate-900/10'
          : 'text-slate-600 hover:text-slate-900',
      )}
    >
      {children}
    </button>
  );
}

function Choices({ label, children }: { label: string; children: ReactNode }) {
  return (
    <fieldset className="inline-flex gap-1 rounded-lg bg-slate-100 p-1">
      <legend className="sr-only">{label}</legend>
      {children}
    </fieldset>
  );
}

export function PreviewCard({
  workspaceId,
  campaignId,
  saving,
}: {
  workspaceId: string;
  campaignId: string;
  /** A save is on its way: the preview will follow it. */
  saving: boolean;
}) {
  const preview = usePreviewQuery(workspaceId, campaignId);
  const [view, setView] = useState<View>('html');
  const [width, setWidth] = useState<PreviewWidth>('desktop');
  const message = preview.data;
  const busy = saving || preview.isFetching;
  return (
    <Card
      id="campaign-preview"
      testId="campaign-preview"
      title="Preview"
      description="As a sample contact receives it, with the footer Postern adds."
      actions={busy ? <Spinner className="size-4 text-slate-500" /> : null}
    >
      <div className="space-y-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <Choices label="Version shown">
            <Choice pressed={view === 'html'} onClick={() => setView('html')} testId="preview-html-tab">
              HTML
            </Choice>
            <Choice pressed={view === 'text'} onClick={() => setView('text')} testId="preview-text-tab">
              Text
            </Choice>
          </Choices>
          {view === 'html' ? (
            <Choices label="Preview width">
              <Choice
                pressed={width === 'desktop'}
                onClick={() => setWidth('desktop')}
                testId="preview-desktop"
              >
                <MonitorIcon className="size-3.5" />
                Desktop
              </Choice>
              <Choice pressed={width === 'mobile'} onClick={() => setWidth('mobile')} testId="preview-mobile">
                <SmartphoneIcon className="size-3.5" />
                Phone
              </Choice>
            </Choices>
          ) : null}
        </div>
        <ProblemAlert
          problem={preview.isError ? previewProblem(preview.error) : undefined}
          testId="campaign-preview-error"
        />
        {message ? (
          <>
            <p className="text-sm [overflow-wrap:anywhere] text-slate-700" data-testid="preview-subject">
              <span className="font-medium text-slate-900">Subject:</span> {message.subject || '(no subject)'}
            </p>
            {view === 'html' ? (
              <PreviewFrame html={message.html} width={width} title="Preview of the message" />
            ) : (
              <pre
                data-testid="preview-text"
                className="max-h-[36rem] overflow-auto rounded-lg bg-slate-50 p-4 font-mono text-xs leading-5 whitespace-pre-wrap [overflow-wrap:anywhere] text-slate-800 ring-1 ring-inset ring-slate-200"
              >
                {message.text}
              </pre>
            )}
          </>
        ) : preview.isPending ? (
          <p className="py-10 text-center text-sm text-slate-500" aria-busy="true">
            Rendering the preview…
          </p>
        ) : null}
      </div>
    </Card>
  );
}

/** A preview the server could not render (a merge field with a syntax error, say): its own words. */
function previewProblem(error: unknown) {
  const problem = campaignActionError(error, 'save');
  return { title: 'Could not render the preview', message: problem.message };
}
