// "How to call the API": the first request to try, and where the reference lives.
import { CopyButton } from '../../components/copy-button.tsx';
import { ExternalLinkIcon } from '../../components/icons.tsx';
import { curlSnippet } from './api-keys-model.ts';

export const API_DOCS_URL = '/v1/docs';

export function DocsLink({ className }: { className?: string }) {
  return (
    <a
      href={API_DOCS_URL}
      target="_blank"
      rel="noreferrer"
      data-testid="api-docs-link"
      className={
        className ?? 'inline-flex items-center gap-1 font-medium text-indigo-600 hover:text-indigo-500'
      }
    >
      API reference
      <ExternalLinkIcon className="size-3.5" />
    </a>
  );
}

export function ApiSnippet({ secret, testId }: { secret?: string; testId?: string }) {
  const command = curlSnippet(window.location.origin, secret);
  return (
    <div
      data-testid={testId}
      className="overflow-hidden rounded-lg bg-slate-900 text-left ring-1 ring-slate-900/10"
    >
      <div className="flex items-center justify-between border-b border-white/10 px-4 py-2">
        <span className="text-xs font-medium text-slate-400">Terminal</span>
        <CopyButton
          text={command}
          label="Copy"
          variant="ghost"
          className="px-2 py-1 text-xs text-slate-300 hover:bg-white/10 hover:text-white"
        />
      </div>
      <pre className="px-4 py-3 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-slate-100">
        <code>
          <span className="text-slate-500 select-none">$ </span>
          {command}
        </code>
      </pre>
    </div>
  );
}
