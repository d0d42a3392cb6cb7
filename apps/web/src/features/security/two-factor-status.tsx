// What the two-factor card shows when nothing is being changed: on (app and recovery codes left) or off
// (why to turn it on), and the small On/Off badge in its header.
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { KeyIcon, ShieldIcon } from '../../components/icons.tsx';
import { cn } from '../../lib/cn.ts';

export function StateBadge({ enabled }: { enabled: boolean }) {
  return (
    <span
      data-testid="two-factor-state"
      data-enabled={enabled}
      className={cn(
        'inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset',
        enabled
          ? 'bg-emerald-50 text-emerald-700 ring-emerald-600/20'
          : 'bg-slate-100 text-slate-600 ring-slate-500/20',
      )}
    >
      <span
        aria-hidden="true"
        className={cn('size-1.5 rounded-full', enabled ? 'bg-emerald-500' : 'bg-slate-400')}
      />
      {enabled ? 'On' : 'Off'}
    </span>
  );
}

export function TwoFactorOn({
  remaining,
  notice,
  onRegenerate,
  onDisable,
}: {
  remaining: number;
  notice: string | undefined;
  onRegenerate: () => void;
  onDisable: () => void;
}) {
  return (
    <div className="space-y-5">
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      <div className="flex items-start gap-3">
        <div className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-emerald-50 text-emerald-600">
          <ShieldIcon className="size-5" />
        </div>
        <div>
          <p className="text-sm font-medium text-slate-900">Authenticator app</p>
          <p className="text-sm text-slate-500">Sign-in asks for a code from your app after your password.</p>
        </div>
      </div>
      <div className="flex items-start gap-3">
        <div
          className={cn(
            'flex size-10 shrink-0 items-center justify-center rounded-lg',
            remaining <= 3 ? 'bg-amber-50 text-amber-600' : 'bg-slate-100 text-slate-600',
          )}
        >
          <KeyIcon className="size-5" />
        </div>
        <div>
          <p className="text-sm font-medium text-slate-900">Recovery codes</p>
          <p className="text-sm text-slate-500">
            <span data-testid="recovery-remaining" className="font-medium text-slate-900 tabular-nums">
              {remaining}
            </span>{' '}
            of 10 remaining.
            {remaining <= 3 ? ' Generate new ones before you run out.' : ''}
          </p>
        </div>
      </div>
      <div className="flex flex-wrap gap-2 border-t border-slate-100 pt-5">
        <Button variant="secondary" onClick={onRegenerate} data-testid="regenerate-codes">
          Regenerate recovery codes
        </Button>
        <Button
          variant="ghost"
          className="text-rose-600 hover:bg-rose-50 hover:text-rose-700"
          onClick={onDisable}
          data-testid="disable-2fa"
        >
          Turn off
        </Button>
      </div>
    </div>
  );
}

export function TwoFactorOff({ notice, onEnable }: { notice: string | undefined; onEnable: () => void }) {
  return (
    <div className="space-y-5">
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      <p className="max-w-2xl text-sm text-slate-600">
        Add a second step to sign-in: after your password, enter a code from an authenticator app such as
        1Password, Google Authenticator, Microsoft Authenticator or Authy. A stolen password alone is then not
        enough to get into your account.
      </p>
      <Button onClick={onEnable} data-testid="enable-2fa">
        <ShieldIcon className="size-4" />
        Enable two-factor authentication
      </Button>
    </div>
  );
}
