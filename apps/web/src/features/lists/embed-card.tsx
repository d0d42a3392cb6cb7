// Where people sign up for a list: the hosted form's link (Postern's own page), and the HTML snippet of
// a form to paste into the customer's site, posting to the same endpoint (see embed-snippet.ts).

import { Card } from '../../components/card.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { ExternalLinkIcon } from '../../components/icons.tsx';
import { embedSnippet } from './embed-snippet.ts';
import type { ListDetail } from './use-lists.ts';

export function EmbedCard({ list }: { list: ListDetail }) {
  const snippet = embedSnippet(list);
  return (
    <Card
      id="list-sign-up"
      testId="embed-card"
      title="Sign-up form"
      description="People subscribe through Postern’s hosted page, or through this form pasted into your own site."
    >
      <div className="space-y-5">
        <div>
          <p className="text-sm font-medium text-slate-800" id="hosted-form-label">
            Hosted form
          </p>
          <div className="mt-1.5 flex flex-wrap items-center gap-2">
            <a
              href={list.subscribeUrl}
              target="_blank"
              rel="noreferrer"
              aria-describedby="hosted-form-label"
              className="inline-flex min-w-0 items-center gap-1.5 font-mono text-xs break-all text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
              data-testid="hosted-form-link"
            >
              {list.subscribeUrl}
              <ExternalLinkIcon className="size-3.5 shrink-0" aria-hidden="true" />
              <span className="sr-only">(opens in a new tab)</span>
            </a>
            <CopyButton
              text={list.subscribeUrl}
              label="Copy link"
              variant="ghost"
              className="px-2 py-1 text-xs"
              testId="copy-hosted-link"
            />
          </div>
        </div>
        <div>
          <div className="flex flex-wrap items-end justify-between gap-2">
            <p className="text-sm font-medium text-slate-800" id="embed-snippet-label">
              Embed on your site
            </p>
            <CopyButton text={snippet} label="Copy snippet" testId="copy-snippet" />
          </div>
          <pre
            className="mt-2 max-h-80 overflow-auto rounded-lg bg-slate-900 px-4 py-3 font-mono text-xs leading-relaxed text-slate-100"
            data-testid="embed-snippet"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
            tabIndex={0}
          >
            <code>{snippet}</code>
          </pre>
          <p className="mt-2 text-xs text-slate-500">
            A plain HTML form: no script. Style it as you like, but keep the field names and the hidden field
            {list.consentText ? 's' : ''}; the off-screen “website” field catches bots.
            {list.doubleOptIn ? ' People get the confirmation email before anything else.' : ''}
            {list.consentText ? ' Copy it again after changing the consent text.' : ''}
          </p>
        </div>
      </div>
    </Card>
  );
}
