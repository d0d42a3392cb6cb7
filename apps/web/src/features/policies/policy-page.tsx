// The workspace's validation policy: ordered rules that turn a verdict into the action this workspace
// takes (`policy_action`, shown beside Postern's recommended `action`; the verdict never changes),
// a dry run of the draft, and saving it (owners and admins; audited). Everyone else reads it.
import { useState } from 'react';
import { Alert, Notice, ProblemAlert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { QueryState } from '../../components/list-kit/query-state.tsx';
import { Page } from '../../components/page-header.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { formatDateTime } from '../../lib/time.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { DryRunCard } from './dry-run-card.tsx';
import { type Draft, draftOf, draftProblems, policyOf, sameDraft } from './policy-model.ts';
import { RuleEditor } from './rule-editor.tsx';
import { type PolicyView, usePolicyQuery, useSavePolicy } from './use-policy.ts';

function savedText(view: PolicyView): string {
  if (!view.updatedAt)
    return 'This workspace uses the default policy: Postern’s recommendations as they are.';
  return `Saved ${formatDateTime(view.updatedAt)}${view.updatedBy ? '' : ' through the API'}.`;
}

/** Remounted from the saved policy whenever it is saved (its `key` is the save time). */
function PolicyEditor({
  workspaceId,
  view,
  canManage,
  onNotice,
}: {
  workspaceId: string;
  view: PolicyView;
  canManage: boolean;
  onNotice: (notice: string | undefined) => void;
}) {
  const [saved] = useState<Draft>(() => draftOf(view));
  const [draft, setDraft] = useState<Draft>(saved);
  const save = useSavePolicy(workspaceId);
  const problems = draftProblems(draft);
  const changed = !sameDraft(draft, saved);

  return (
    <>
      <Card
        id="policy-rules"
        testId="policy-card"
        bodyClassName="p-0"
        title="Rules"
        description="Checked in order: the first rule that matches decides the policy action. A result Postern could not decide yet (retry later) keeps that unless a rule names its status or reason."
      >
        <RuleEditor
          draft={draft}
          readOnly={!canManage}
          onChange={(next) => {
            onNotice(undefined);
            setDraft(next);
          }}
        />
        <div className="space-y-3 border-t border-slate-100 px-5 py-4 sm:px-6">
          <p className="text-sm text-slate-500" data-testid="policy-updated">
            {savedText(view)}
          </p>
          {problems.length ? (
            <Alert tone="warning" testId="policy-problems">
              <ul className="list-disc space-y-1 pl-4">
                {problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            </Alert>
          ) : null}
          <ProblemAlert
            testId="policy-save-error"
            problem={
              save.isError
                ? { title: 'The policy was not saved', message: userMessage(save.error) }
                : undefined
            }
          />
          {canManage ? (
            <div className="flex flex-wrap gap-3">
              <Button
                loading={save.isPending}
                disabled={!changed || problems.length > 0}
                data-testid="policy-save"
                onClick={() =>
                  save.mutate(
                    { workspaceId, policy: policyOf(draft) },
                    {
                      onSuccess: () =>
                        onNotice('Saved. It applies to new checks and to the bulk results already kept.'),
                    },
                  )
                }
              >
                Save policy
              </Button>
              <Button
                variant="secondary"
                disabled={!changed || save.isPending}
                onClick={() => setDraft(saved)}
                data-testid="policy-discard"
              >
                Discard changes
              </Button>
            </div>
          ) : (
            <p className="text-sm text-slate-500">Only owners and admins change the policy.</p>
          )}
        </div>
      </Card>
      {canManage ? (
        <DryRunCard workspaceId={workspaceId} draft={policyOf(draft)} blocked={problems.length > 0} />
      ) : null}
    </>
  );
}

export function PolicyPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Validation policy · ${workspace.name}`);
  const policy = usePolicyQuery(workspace.id);
  const [notice, setNotice] = useState<string>();
  return (
    <Page
      testId="policy-page"
      title="Validation policy"
      description={
        <>
          How <span className="font-medium text-slate-700">{workspace.name}</span> acts on each verdict. The
          verdict never changes: every result carries Postern’s recommended <code>action</code> and, beside
          it, this policy’s <code>policy_action</code>.
        </>
      }
    >
      <Notice testId="policy-saved">{notice}</Notice>
      <QueryState query={policy} what="the validation policy" testId="policy">
        {policy.data ? (
          <PolicyEditor
            key={policy.data.updatedAt ?? 'default'}
            workspaceId={workspace.id}
            view={policy.data}
            canManage={can('policy.manage')}
            onNotice={setNotice}
          />
        ) : null}
      </QueryState>
    </Page>
  );
}
