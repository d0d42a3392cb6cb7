// Sender authentication of the from-address domain: SPF, DKIM and DMARC, each pass / fail / missing
// with the record found and, when it does not pass, the record to add (with a copy button). Gmail and
// Yahoo have refused bulk mail without them since 2024. "Check again" re-reads DNS.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Alert, ProblemAlert } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { EXACT_INPUT, Field } from '../../components/field.tsx';
import { RefreshIcon } from '../../components/icons.tsx';
import { formatRelative } from '../../lib/time.ts';
import { useNow } from '../../lib/use-now.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { AUTH_CHECK_STYLE, adviceRecord, domainOf } from './mailbox-model.ts';
import { type Mailbox, type SenderAuthReport, useMailboxChange } from './use-mailboxes.ts';

type CheckName = 'spf' | 'dkim' | 'dmarc';

const CHECKS: Record<
  CheckName,
  { title: string; what: string; at: (domain: string, report: SenderAuthReport) => string }
> = {
  spf: {
    title: 'SPF',
    what: 'Lists the servers allowed to send for the domain.',
    at: (domain) => domain,
  },
  dkim: {
    title: 'DKIM',
    what: 'A key that lets receivers check each message’s signature.',
    at: (domain, report) => `${report.dkim.selector ?? '<selector>'}._domainkey.${domain}`,
  },
  dmarc: {
    title: 'DMARC',
    what: 'Tells receivers what to do with messages that fail SPF and DKIM.',
    at: (domain) => `_dmarc.${domain}`,
  },
};

/** What to add or change; the record itself in a box with a copy button when the advice names one. */
function Advice({ name, advice }: { name: CheckName; advice: string }) {
  const record = adviceRecord(advice);
  const title = CHECKS[name].title;
  return (
    <div className="space-y-2 rounded-lg bg-slate-50 px-3 py-2 ring-1 ring-slate-200">
      <p className="text-xs text-slate-700" data-testid={`auth-${name}-advice`}>
        {advice}
      </p>
      {record ? (
        <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
          <div className="min-w-0 flex-1 text-xs">
            {record.name ? (
              <p className="text-slate-500">
                TXT record at <span className="font-mono text-slate-800">{record.name}</span>
              </p>
            ) : null}
            <code className="font-mono break-all text-slate-900" data-testid={`auth-${name}-record`}>
              {record.value}
            </code>
          </div>
          <CopyButton text={record.value} label={`Copy the ${title} record`} testId={`auth-${name}-copy`} />
        </div>
      ) : null}
    </div>
  );
}

function CheckRow({ name, report }: { name: CheckName; report: SenderAuthReport }) {
  const check = report[name];
  const style = AUTH_CHECK_STYLE[check.status];
  const meta = CHECKS[name];
  return (
    <li className="space-y-2 py-4" data-testid={`auth-${name}`} data-status={check.status}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h3 className="text-sm font-semibold text-slate-900">{meta.title}</h3>
          <p className="text-xs text-slate-500">{meta.what}</p>
        </div>
        <Badge tone={style.tone} dot testId={`auth-${name}-status`}>
          {style.label}
        </Badge>
      </div>
      {check.record ? (
        <p className="text-xs text-slate-600">
          Found at <span className="font-mono">{meta.at(report.domain, report)}</span>:{' '}
          <code className="font-mono break-all text-slate-800">{check.record}</code>
        </p>
      ) : null}
      {name === 'dkim' && check.status === 'missing' ? (
        <p className="text-xs text-slate-500">
          Selectors tried: {report.dkim.selectorsTried.join(', ') || 'none'}.
        </p>
      ) : null}
      {check.status !== 'pass' && check.advice ? <Advice name={name} advice={check.advice} /> : null}
    </li>
  );
}

function useCheckSenderAuth() {
  const { trpc, updated, refusal } = useMailboxChange('senderAuth');
  const check = useMutation(
    trpc.mailboxes.checkSenderAuth.mutationOptions({
      onSuccess: (mailbox) => void updated(mailbox),
      onError: refusal.onError,
    }),
  );
  return { check, problem: refusal.problem(check) };
}

export function SenderAuthCard({ mailbox }: { mailbox: Mailbox }) {
  const { workspace, can } = useCurrentWorkspace();
  const now = useNow(30_000);
  const { check, problem } = useCheckSenderAuth();
  const [selector, setSelector] = useState('');
  const senderAuth = mailbox.senderAuth;
  const domain = senderAuth?.report.domain ?? domainOf(mailbox.identity.fromAddress);

  function submit(event: FormEvent) {
    event.preventDefault();
    const dkimSelector = selector.trim();
    check.mutate({
      workspaceId: workspace.id,
      mailboxId: mailbox.id,
      ...(dkimSelector ? { dkimSelector } : {}),
    });
  }

  return (
    <Card
      id="sender-auth"
      testId="sender-auth-card"
      title="Sender authentication"
      description={
        <>
          SPF, DKIM and DMARC of <span className="font-medium text-slate-700">{domain}</span>. Gmail and Yahoo
          refuse bulk mail from domains without them.
        </>
      }
    >
      <div className="space-y-4">
        <ProblemAlert problem={problem} testId="sender-auth-error" />
        {senderAuth ? (
          <>
            <Alert
              tone={senderAuth.report.ok ? 'success' : 'warning'}
              testId="sender-auth-summary"
              title={senderAuth.report.ok ? 'All three pass' : 'Not every check passes'}
            >
              {senderAuth.report.ok
                ? 'Receivers can tell that messages from this domain are really yours.'
                : 'Add or fix the records below at your DNS host, then check again (DNS changes can take an hour).'}{' '}
              Checked {formatRelative(Date.parse(senderAuth.checkedAt), now)}.
            </Alert>
            <ul className="divide-y divide-slate-100">
              {(['spf', 'dkim', 'dmarc'] as const).map((name) => (
                <CheckRow key={name} name={name} report={senderAuth.report} />
              ))}
            </ul>
          </>
        ) : (
          <p className="text-sm text-slate-600" data-testid="sender-auth-unchecked">
            Not checked yet.
          </p>
        )}
        {can('mailboxes.send') ? (
          <form
            noValidate
            onSubmit={submit}
            className="flex flex-col gap-3 border-t border-slate-100 pt-4 sm:flex-row sm:items-end"
          >
            <Field
              className="flex-1"
              label="DKIM selector (optional)"
              testId="dkim-selector"
              {...EXACT_INPUT}
              placeholder="google, selector1, s1…"
              value={selector}
              onValue={setSelector}
              hint="Your provider's selector, if the usual ones are not found."
            />
            <Button
              type="submit"
              variant="secondary"
              loading={check.isPending}
              data-testid="sender-auth-check"
            >
              {check.isPending ? null : <RefreshIcon className="size-4 text-slate-500" />}
              {senderAuth ? 'Check again' : 'Check now'}
            </Button>
          </form>
        ) : null}
      </div>
    </Card>
  );
}
