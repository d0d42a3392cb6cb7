// The development mail viewer (/dev/mail): Postern's own emails that a development server without
// SMTP_URL writes into MAIL_DIR, newest first, with their links clickable as sent and the HTML body
// shown in a sandboxed frame (no scripts, no access to this page; links open in a new tab). The API
// serves GET /api/dev/mail only outside production; elsewhere this page says so.
import type { CapturedMail, CapturedMailList } from '@postern/contracts';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Card } from '../../components/card.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { MailIcon } from '../../components/icons.tsx';
import { Page } from '../../components/page-header.tsx';
import { cn } from '../../lib/cn.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';

class NoViewer extends Error {}

async function fetchMail(): Promise<CapturedMailList> {
  const response = await fetch('/api/dev/mail', { credentials: 'include' });
  if (response.status === 404) throw new NoViewer('no mail viewer');
  if (!response.ok) throw new Error(`The mail viewer answered ${response.status}`);
  return (await response.json()) as CapturedMailList;
}

/** The HTML body inside a frame that runs nothing and opens links in a new tab. */
function HtmlBody({ mail }: { mail: CapturedMail }) {
  if (!mail.html) return null;
  const doc = `<!doctype html><meta charset="utf-8"><base target="_blank">${mail.html}`;
  return (
    <iframe
      title={`HTML body of "${mail.subject}"`}
      sandbox="allow-popups allow-popups-to-escape-sandbox"
      srcDoc={doc}
      className="h-96 w-full rounded-lg border border-slate-200 bg-white"
      data-testid="mail-html"
    />
  );
}

function Message({ mail }: { mail: CapturedMail }) {
  return (
    <div className="space-y-4" data-testid="mail-message">
      <dl className="grid gap-1 text-sm sm:grid-cols-[5rem_1fr]">
        <dt className="text-slate-500">From</dt>
        <dd className="text-slate-900">{mail.from}</dd>
        <dt className="text-slate-500">To</dt>
        <dd className="text-slate-900">{mail.to}</dd>
        <dt className="text-slate-500">Date</dt>
        <dd className="text-slate-900">{mail.date ?? 'Unknown'}</dd>
      </dl>
      {mail.links.length ? (
        <div>
          <h3 className="text-sm font-medium text-slate-900">Links</h3>
          <ul className="mt-1 space-y-1 text-sm">
            {mail.links.map((link) => (
              <li key={link} className="[overflow-wrap:anywhere]">
                <a
                  href={link}
                  className="text-indigo-700 underline hover:text-indigo-900"
                  data-testid="mail-link"
                >
                  {link}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <HtmlBody mail={mail} />
      <details>
        <summary className="cursor-pointer text-sm font-medium text-slate-700">Plain text</summary>
        <pre className="mt-2 text-xs whitespace-pre-wrap text-slate-700" data-testid="mail-text">
          {mail.text}
        </pre>
      </details>
    </div>
  );
}

export function DevMailPage() {
  useDocumentTitle('Development mail');
  const mail = useQuery({ queryKey: ['dev-mail'], queryFn: fetchMail, refetchInterval: 3_000, retry: false });
  const [chosen, setChosen] = useState<string>();
  const messages = mail.data?.messages ?? [];
  const open = messages.find((message) => message.id === chosen) ?? messages[0];

  let body: ReactNode;
  if (mail.isPending) body = <p className="text-sm text-slate-600">Loading the captured mail…</p>;
  else if (mail.error instanceof NoViewer)
    body = (
      <Alert tone="info" title="No mail viewer here" testId="dev-mail-off">
        It exists only on a development server that writes mail into MAIL_DIR (no SMTP_URL), never with
        NODE_ENV=production.
      </Alert>
    );
  else if (!mail.data) body = <LoadError title="Could not load the captured mail" query={mail} />;
  else if (!open)
    body = (
      <EmptyState icon={MailIcon} title="No mail yet" testId="dev-mail-empty">
        Sign up or ask for a password reset: the message shows here.
      </EmptyState>
    );
  else
    body = (
      <div className="grid gap-6 lg:grid-cols-[18rem_1fr]">
        <nav aria-label="Captured messages">
          <ul className="space-y-1">
            {messages.map((message) => (
              <li key={message.id}>
                <button
                  type="button"
                  aria-current={message.id === open.id ? 'true' : undefined}
                  onClick={() => setChosen(message.id)}
                  data-testid="mail-item"
                  className={cn(
                    'w-full rounded-lg px-3 py-2 text-left text-sm',
                    message.id === open.id
                      ? 'bg-indigo-50 text-indigo-900'
                      : 'text-slate-700 hover:bg-slate-100',
                  )}
                >
                  <span className="block font-medium">{message.subject}</span>
                  <span className="block truncate text-xs">{message.to}</span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <Card title={open.subject} testId="dev-mail-open">
          <Message mail={open} />
        </Card>
      </div>
    );

  return (
    <Page
      testId="dev-mail-page"
      title="Development mail"
      description={
        mail.data ? `Captured in ${mail.data.dir}, newest first.` : 'Mail captured by a development server.'
      }
    >
      {body}
    </Page>
  );
}
