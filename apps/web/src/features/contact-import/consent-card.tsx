// Steps 3 and 4 of the import: the required declaration of how these people's consent was obtained
// (recorded in each contact's consent ledger), express consent where it applies, and the optional
// verification of every address, whose outcome the workspace's validation policy decides.
import type { ImportBasis } from '@postern/contracts';
import { Link } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { Card } from '../../components/card.tsx';
import { OptionCheckbox } from '../../components/form-fields.tsx';
import { cn } from '../../lib/cn.ts';
import { workspacePath } from '../workspaces/paths.ts';
import { BASES } from './import-model.ts';
import type { ImportWizard } from './use-import-wizard.ts';

function BasisChoice({ wizard }: { wizard: ImportWizard }) {
  const { choices, basisError, busy } = wizard;
  return (
    <fieldset
      className="space-y-3"
      aria-describedby={basisError ? 'import-basis-error' : undefined}
      aria-invalid={basisError ? true : undefined}
      data-testid="import-basis"
      disabled={busy}
    >
      <legend className="text-sm font-semibold text-slate-900">
        How did these people agree to receive this list?{' '}
        <span className="font-normal text-slate-500">(required)</span>
      </legend>
      {basisError ? (
        <p id="import-basis-error" className="text-sm text-rose-600" role="alert">
          {basisError}
        </p>
      ) : null}
      <div className="space-y-2">
        {BASES.map((basis) => (
          <label
            key={basis.value}
            className={cn(
              'flex cursor-pointer items-start gap-3 rounded-lg border px-3.5 py-3 text-sm has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600',
              choices.basis === basis.value ? 'border-indigo-300 bg-indigo-50/60' : 'border-slate-200',
            )}
          >
            <input
              type="radio"
              name="import-basis"
              value={basis.value}
              checked={choices.basis === basis.value}
              onChange={() => wizard.choose({ basis: basis.value as ImportBasis })}
              className="mt-0.5 size-4 shrink-0 accent-indigo-600"
              data-testid={`import-basis-${basis.value}`}
            />
            <span>
              <span className="block font-medium text-slate-900">{basis.label}</span>
              <span className="block text-xs text-slate-600">{basis.meaning}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function ConsentCard({
  wizard,
  requiresExpressConsent,
}: {
  wizard: ImportWizard;
  requiresExpressConsent: boolean;
}) {
  const { choices, busy } = wizard;
  return (
    <Card
      id="import-consent"
      testId="import-consent-card"
      title="3. Consent"
      description="Recorded with every contact in its consent history: the basis, the file, you, and when."
    >
      <div className="space-y-4">
        <BasisChoice wizard={wizard} />
        {choices.basis === 'consent' ? (
          <OptionCheckbox
            testId="import-express"
            checked={choices.express}
            onChange={(express) => choices.basis === 'consent' && !busy && wizard.choose({ express })}
            title="They gave express consent"
          >
            Each person took a positive action for it (ticked a box, signed up themselves) — what CASL calls
            express consent.
          </OptionCheckbox>
        ) : null}
        {requiresExpressConsent && !(choices.basis === 'consent' && choices.express) ? (
          <Alert tone="warning" testId="import-express-warning">
            This list requires express consent: campaigns to it will skip contacts imported without it.
          </Alert>
        ) : null}
      </div>
    </Card>
  );
}

export function VerifyCard({ wizard, workspaceId }: { wizard: ImportWizard; workspaceId: string }) {
  return (
    <Card
      id="import-verify"
      testId="import-verify-card"
      title="4. Verification (optional)"
      description="Check every address before subscribing it."
    >
      <OptionCheckbox
        testId="import-verify"
        checked={wizard.choices.verify}
        onChange={(verify) => !wizard.busy && wizard.choose({ verify })}
        title="Verify each address first"
      >
        Each address is checked by the verification engine (syntax, domain, mail server). The workspace’s
        validation policy decides which are rejected: rejected addresses are not subscribed and are listed in
        the import’s report. The import takes longer.
      </OptionCheckbox>
      <p className="mt-3 pl-6.5 text-xs text-slate-600">
        See or change the{' '}
        <Link
          to={workspacePath(workspaceId, 'policy')}
          className="text-indigo-700 underline focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          validation policy
        </Link>
        .
      </p>
    </Card>
  );
}
