// Two-factor authentication: enrol (password → QR code + secret → first code → recovery codes),
// regenerate recovery codes, disable. The card is a small state machine (`View`); each step is its own
// component.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Card } from '../../components/card.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { ME_QUERY_KEY, useTRPC } from '../../lib/trpc.ts';
import { RecoveryCodes } from './recovery-codes.tsx';
import { ProofForm } from './two-factor-proof-form.tsx';
import { ScanStep } from './two-factor-scan-step.tsx';
import { StateBadge, TwoFactorOff, TwoFactorOn } from './two-factor-status.tsx';

type View =
  | { kind: 'idle'; notice?: string }
  | { kind: 'enrol-password' }
  | { kind: 'enrol-scan'; secret: string; otpauthUri: string; qrCodeDataUrl: string }
  | { kind: 'codes'; codes: string[]; reason: 'enabled' | 'regenerated' }
  | { kind: 'disable' }
  | { kind: 'regenerate' };

export interface TwoFactorOverview {
  twoFactorEnabled: boolean;
  recoveryCodesRemaining: number;
}

/** The three changes, each moving the card to the view that follows it; `idle` abandons any of them. */
function useTwoFactorChanges(setView: (view: View) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.account.security.queryKey() });
    void queryClient.invalidateQueries({ queryKey: ME_QUERY_KEY });
  };
  const enrol = useMutation(
    trpc.account.enrolTwoFactor.mutationOptions({
      onSuccess: (result) => setView({ kind: 'enrol-scan', ...result }),
    }),
  );
  const disable = useMutation(
    trpc.account.disableTwoFactor.mutationOptions({
      onSuccess: () => {
        refresh();
        setView({
          kind: 'idle',
          notice: 'Two-factor authentication is off. Your recovery codes no longer work.',
        });
      },
    }),
  );
  const regenerate = useMutation(
    trpc.account.regenerateRecoveryCodes.mutationOptions({
      onSuccess: (result) => {
        refresh();
        setView({ kind: 'codes', codes: result.codes, reason: 'regenerated' });
      },
    }),
  );
  const idle = () => {
    enrol.reset();
    disable.reset();
    regenerate.reset();
    setView({ kind: 'idle' });
  };
  const activated = (codes: string[]) => {
    refresh();
    setView({ kind: 'codes', codes, reason: 'enabled' });
  };
  return { enrol, disable, regenerate, idle, activated };
}

/** The words of the steps that ask for proof (the password, and a current code to change 2FA). */
const PROOF_STEPS = {
  'enrol-password': {
    testId: 'enrol',
    title: 'Confirm it is you',
    description: 'Enter your password to start setting up an authenticator app.',
    withCode: false,
    submitLabel: 'Continue',
  },
  disable: {
    testId: 'disable',
    title: 'Turn off two-factor authentication',
    description:
      'Your account will be protected by your password only, and your recovery codes will stop working.',
    withCode: true,
    danger: true,
    submitLabel: 'Turn off',
  },
  regenerate: {
    testId: 'regenerate',
    title: 'Generate new recovery codes',
    description: 'You get 10 new codes; every code you have now stops working.',
    withCode: true,
    submitLabel: 'Generate new codes',
  },
} as const;

function TwoFactorBody({
  view,
  setView,
  overview,
  email,
}: {
  view: View;
  setView: (view: View) => void;
  overview: TwoFactorOverview;
  email: string | undefined;
}) {
  const { enrol, disable, regenerate, idle, activated } = useTwoFactorChanges(setView);
  switch (view.kind) {
    case 'enrol-password':
    case 'disable':
    case 'regenerate': {
      const change = { 'enrol-password': enrol, disable, regenerate }[view.kind];
      return (
        <ProofForm
          {...PROOF_STEPS[view.kind]}
          email={email}
          pending={change.isPending}
          error={change.error}
          onSubmit={(proof) =>
            view.kind === 'enrol-password' ? enrol.mutate({ password: proof.password }) : change.mutate(proof)
          }
          onCancel={idle}
        />
      );
    }
    case 'enrol-scan':
      return <ScanStep {...view} onActivated={activated} onCancel={idle} />;
    case 'codes':
      return <RecoveryCodes codes={view.codes} email={email} reason={view.reason} onDone={idle} />;
    case 'idle':
      return overview.twoFactorEnabled ? (
        <TwoFactorOn
          remaining={overview.recoveryCodesRemaining}
          notice={view.notice}
          onRegenerate={() => setView({ kind: 'regenerate' })}
          onDisable={() => setView({ kind: 'disable' })}
        />
      ) : (
        <TwoFactorOff notice={view.notice} onEnable={() => setView({ kind: 'enrol-password' })} />
      );
  }
}

export function TwoFactorCard({
  overview,
  email,
}: {
  overview: TwoFactorOverview | undefined;
  email: string | undefined;
}) {
  const [view, setView] = useState<View>({ kind: 'idle' });
  return (
    <Card
      id="two-factor"
      testId="two-factor-card"
      title="Two-factor authentication"
      description="A code from your phone at every sign-in."
      actions={overview ? <StateBadge enabled={overview.twoFactorEnabled || view.kind === 'codes'} /> : null}
    >
      {overview ? (
        <TwoFactorBody view={view} setView={setView} overview={overview} email={email} />
      ) : (
        <div className="space-y-3" aria-busy="true">
          <Skeleton className="h-4 w-3/4" />
          <Skeleton className="h-9 w-56" />
        </div>
      )}
    </Card>
  );
}
