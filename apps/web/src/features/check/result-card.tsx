// One check's answer: the verdict in words (status, reason, what to do), a typo suggestion, the flags,
// and the evidence it rests on (syntax, DNS, SMTP).
import type { ValidationResult } from '@postern/contracts';
import type { ReactNode } from 'react';
import { Badge } from '../../components/badge.tsx';
import { InfoIcon } from '../../components/icons.tsx';
import { cn } from '../../lib/cn.ts';
import { formatDateTime } from '../../lib/time.ts';
import {
  ACTION_INFO,
  activeFlags,
  DEPTH_INFO,
  dnsOutcomeText,
  explainReason,
  FLAG_INFO,
  formatDelay,
  formatMs,
  STATUS_INFO,
  SYNTAX_REASON_TEXT,
  smtpStatusText,
  TONE_CLASSES,
} from './explain.ts';

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="grid gap-1 py-2.5 sm:grid-cols-[8rem_minmax(0,1fr)] sm:gap-4" data-testid={testId}>
      <dt className="text-xs font-medium text-slate-500 sm:pt-0.5">{label}</dt>
      <dd className="min-w-0 text-sm text-slate-800">{children}</dd>
    </div>
  );
}

function EvidenceGroup({
  title,
  children,
  testId,
  className,
}: {
  title: string;
  children: ReactNode;
  testId: string;
  className?: string;
}) {
  return (
    <div data-testid={testId} className={cn('rounded-lg border border-slate-200 px-4 py-2', className)}>
      <h4 className="pt-2 text-xs font-semibold uppercase tracking-wider text-slate-500">{title}</h4>
      <dl className="divide-y divide-slate-100">{children}</dl>
    </div>
  );
}

const code = (text: string) => (
  <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">{text}</code>
);

function SyntaxEvidence({ syntax }: { syntax: ValidationResult['checks']['syntax'] }) {
  return (
    <EvidenceGroup title="Syntax" testId="evidence-syntax">
      <Row label="Result">
        {syntax.valid ? (
          <span className="font-medium text-emerald-700">Valid address</span>
        ) : (
          <span className="font-medium text-rose-700">Invalid</span>
        )}
        {!syntax.valid && syntax.reason ? (
          <span className="mt-1 block text-slate-600">
            {SYNTAX_REASON_TEXT[syntax.reason as keyof typeof SYNTAX_REASON_TEXT] ?? syntax.reason}{' '}
            {code(syntax.reason)}
          </span>
        ) : null}
      </Row>
      {syntax.valid ? (
        <Row label="SMTPUTF8">
          {syntax.smtputf8 ? 'Needed: the part before the @ is not ASCII' : 'Not needed (plain ASCII)'}
        </Row>
      ) : null}
    </EvidenceGroup>
  );
}

function DnsEvidence({ dns }: { dns: ValidationResult['checks']['dns'] }) {
  if (!dns)
    return (
      <EvidenceGroup title="DNS" testId="evidence-dns">
        <Row label="Result">
          <span className="text-slate-500">Not looked up (the address was rejected before DNS).</span>
        </Row>
      </EvidenceGroup>
    );
  return (
    <EvidenceGroup title="DNS" testId="evidence-dns">
      <Row label="Outcome" testId="dns-outcome">
        {dnsOutcomeText(dns.outcome)} {code(dns.outcome)}
      </Row>
      {dns.mx_hosts.length > 0 ? (
        <Row label={dns.outcome === 'implicit_mx' ? 'Mail host' : 'MX hosts'}>
          <ul className="space-y-0.5" data-testid="mx-hosts">
            {[...dns.mx_hosts]
              .sort((a, b) => a.priority - b.priority)
              .map((mx) => (
                <li key={`${mx.priority}-${mx.host}`} className="flex items-baseline gap-2">
                  <span className="w-8 shrink-0 text-right text-xs text-slate-500 tabular-nums">
                    {mx.priority}
                  </span>
                  <span className="break-all font-mono text-xs">{mx.host}</span>
                </li>
              ))}
          </ul>
        </Row>
      ) : null}
      <Row label="Time">{formatMs(dns.ms)}</Row>
    </EvidenceGroup>
  );
}

function SmtpEvidence({ result }: { result: ValidationResult }) {
  const smtp = result.checks.smtp;
  if (!smtp)
    return (
      <EvidenceGroup title="SMTP" testId="evidence-smtp" className="lg:col-span-2">
        <Row label="Result">
          <span className="text-slate-500">
            {result.depth === 'standard'
              ? 'Not probed: standard depth does not contact the mail server. Choose Enhanced to ask it.'
              : 'Not probed: the verdict was reached before contacting a mail server.'}
          </span>
        </Row>
      </EvidenceGroup>
    );
  return (
    <EvidenceGroup title="SMTP" testId="evidence-smtp" className="lg:col-span-2">
      <Row label="Outcome">
        {smtpStatusText(smtp.status)} {code(smtp.status)}
      </Row>
      <Row label="MX host">
        {smtp.mx_host ? (
          <span className="break-all font-mono text-xs">{smtp.mx_host}</span>
        ) : (
          <span className="text-slate-500">None answered</span>
        )}
      </Row>
      <Row label="Reply">
        {smtp.reply_code !== null || smtp.enhanced_code ? (
          <span className="flex flex-wrap gap-2">
            {smtp.reply_code !== null ? code(String(smtp.reply_code)) : null}
            {smtp.enhanced_code ? code(smtp.enhanced_code) : null}
          </span>
        ) : (
          <span className="text-slate-500">No reply code</span>
        )}
      </Row>
      {smtp.message ? (
        <Row label="Message">
          <span className="break-words font-mono text-xs text-slate-700">{smtp.message}</span>
        </Row>
      ) : null}
      <Row label="STARTTLS">{smtp.starttls ? 'Yes, the session was encrypted' : 'No'}</Row>
      <Row label="Time">{formatMs(smtp.ms)}</Row>
    </EvidenceGroup>
  );
}

/** An action as a coloured pill (the recommended one, and the policy's). */
function ActionPill({ action, className }: { action: ValidationResult['action']; className: string }) {
  const info = ACTION_INFO[action];
  return (
    <span
      className={cn(
        'inline-flex items-center rounded-md px-2 py-0.5 font-semibold ring-1 ring-inset',
        className,
        TONE_CLASSES[info.tone].pill,
      )}
    >
      {info.label}
    </span>
  );
}

/** What the workspace's validation policy makes of the verdict, beside the engine's action. */
function PolicyAction({ result }: { result: ValidationResult }) {
  return (
    <p
      className="mt-1.5 flex flex-wrap items-center gap-2 text-sm text-slate-700"
      data-testid="result-policy-action"
      data-policy-action={result.policy_action}
    >
      <span>Your workspace's policy:</span>
      <ActionPill action={result.policy_action} className="text-xs" />
      {result.policy_action === result.action ? (
        <span className="text-slate-500">(as recommended)</span>
      ) : null}
    </p>
  );
}

export function ResultCard({
  email,
  result,
  onSuggestion,
}: {
  email: string;
  result: ValidationResult;
  onSuggestion: (suggestion: string) => void;
}) {
  const status = STATUS_INFO[result.status];
  const action = ACTION_INFO[result.action];
  const reason = explainReason(result);
  const flags = activeFlags(result.flags);
  const tone = TONE_CLASSES[status.tone];

  return (
    <section
      data-testid="check-result"
      data-status={result.status}
      data-reason={result.reason}
      aria-labelledby="check-result-heading"
      className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm"
    >
      <div className={cn('border-b px-5 py-5 sm:px-6', tone.panel)}>
        <h2 id="check-result-heading" className="sr-only">
          Result
        </h2>
        <p className="break-all font-mono text-sm text-slate-600" data-testid="result-email">
          {email.trim()}
        </p>
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <span
            data-testid="result-status"
            className={cn(
              'inline-flex items-center gap-2 rounded-full px-4 py-1.5 text-lg font-semibold ring-1 ring-inset',
              tone.pill,
            )}
          >
            <span aria-hidden="true" className={cn('size-2.5 rounded-full', tone.dot)} />
            {status.label}
          </span>
          <span className="text-sm text-slate-600">{status.summary}</span>
        </div>
        <div className="mt-4" data-testid="result-reason">
          <p className="text-base font-semibold text-slate-900">{reason.title}</p>
          <p className="mt-0.5 text-sm text-slate-700">{reason.text}</p>
        </div>
      </div>

      <div className="space-y-5 px-5 py-5 sm:px-6">
        <div className="grid gap-4 md:grid-cols-2">
          <div data-testid="result-action">
            <p className="text-xs font-semibold uppercase tracking-wider text-slate-500">
              Recommended action
            </p>
            <p className="mt-1.5 flex flex-wrap items-center gap-2">
              <ActionPill action={result.action} className="text-sm" />
              <span className="text-sm text-slate-700">{action.text}</span>
            </p>
            <PolicyAction result={result} />
            {result.retry_after_ms !== null ? (
              <p className="mt-1.5 text-sm text-slate-600" data-testid="result-retry">
                Retry after about <span className="font-medium">{formatDelay(result.retry_after_ms)}</span>.
              </p>
            ) : null}
          </div>
          <div data-testid="result-flags">
            <p className="text-xs font-semibold uppercase tracking-wider text-slate-500">Flags</p>
            {flags.length > 0 ? (
              <ul className="mt-1.5 flex flex-wrap gap-1.5">
                {flags.map((flag) => (
                  <li key={flag}>
                    <Badge tone={FLAG_INFO[flag].tone} title={FLAG_INFO[flag].title} testId="result-flag">
                      {FLAG_INFO[flag].label}
                    </Badge>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="mt-1.5 text-sm text-slate-500">None</p>
            )}
          </div>
        </div>

        {result.suggestion ? (
          <div
            data-testid="result-suggestion"
            className="flex items-start gap-3 rounded-lg border border-indigo-200 bg-indigo-50 px-3.5 py-3 text-sm text-indigo-900"
          >
            <InfoIcon className="mt-0.5 size-5 shrink-0 text-indigo-500" />
            <p>
              Did you mean{' '}
              <button
                type="button"
                onClick={() => onSuggestion(result.suggestion ?? '')}
                data-testid="suggestion-button"
                className="font-mono font-semibold underline underline-offset-2 hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                {result.suggestion}
              </button>
              ? Click it to check that address instead.
            </p>
          </div>
        ) : null}

        <div>
          <h3 className="text-sm font-semibold text-slate-900">Evidence</h3>
          <div className="mt-2 grid gap-3 lg:grid-cols-2">
            <SyntaxEvidence syntax={result.checks.syntax} />
            <DnsEvidence dns={result.checks.dns} />
            <SmtpEvidence result={result} />
          </div>
        </div>

        <p
          className="flex flex-wrap gap-x-3 gap-y-1 border-t border-slate-100 pt-4 text-xs text-slate-500"
          data-testid="result-meta"
        >
          <span>
            Checked{' '}
            <time dateTime={result.checked_at} title={result.checked_at}>
              {formatDateTime(result.checked_at)}
            </time>
          </span>
          <span>Depth: {DEPTH_INFO[result.depth].label}</span>
          {result.cached ? (
            <span data-testid="result-cached" className="font-medium text-slate-600">
              Served from cache (results are kept up to an hour, never with the address)
            </span>
          ) : null}
        </p>
      </div>
    </section>
  );
}
