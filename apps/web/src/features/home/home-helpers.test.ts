import type { HealthResponse } from '@postern/contracts';
import { describe, expect, it } from 'vitest';
import { resolveTheme } from '../../lib/theme.ts';
import { isPromotion } from '../members/promote-dialog.tsx';
import { eventText } from '../security/security-log-card.tsx';
import { STEPS, systemWarnings } from './home-model.ts';

const check = (status: 'ok' | 'degraded' | 'down', detail?: string) => ({
  status,
  ...(detail ? { detail } : {}),
});
function health(worker: 'ok' | 'down', resolver?: 'ok' | 'degraded'): HealthResponse {
  return {
    status: 'ok',
    version: 'test',
    uptimeSeconds: 1,
    time: new Date(0).toISOString(),
    checks: {
      api: check('ok'),
      database: check('ok'),
      redis: check('ok'),
      migrations: check('ok'),
      worker: check(worker, worker === 'down' ? 'no heartbeat' : undefined),
      ...(resolver ? { resolver: check(resolver, 'gmail.com: NXDOMAIN') } : {}),
    },
  };
}

describe('the home page', () => {
  it('warns about a worker that is down and a resolver that lies, and nothing else', () => {
    expect(systemWarnings(health('ok', 'ok'), false)).toEqual([]);
    expect(systemWarnings(health('down', 'degraded'), false).map((w) => w.id)).toEqual([
      'worker',
      'resolver',
    ]);
    expect(systemWarnings(health('down'), false)[0]?.detail).toContain('(no heartbeat)');
    expect(systemWarnings(undefined, true).map((w) => w.id)).toEqual(['unreachable']);
    expect(systemWarnings(undefined, false)).toEqual([]);
  });

  it('links each checklist step to where it is done', () => {
    expect(STEPS.two_factor.href('w1')).toBe('/settings/security');
    expect(STEPS.first_bulk_job.href('w1')).toBe('/w/w1/jobs/new');
    expect(STEPS.webhook.href('w1')).toBe('/w/w1/webhooks');
  });
});

describe('themes, promotions and the security log', () => {
  it('resolves the system choice from the preference, and keeps an explicit one', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('counts only a move up to admin or owner as a promotion', () => {
    expect(isPromotion('member', 'admin')).toBe(true);
    expect(isPromotion('viewer', 'owner')).toBe(true);
    expect(isPromotion('admin', 'owner')).toBe(true);
    expect(isPromotion('viewer', 'member')).toBe(false);
    expect(isPromotion('admin', 'viewer')).toBe(false);
    expect(isPromotion('owner', 'admin')).toBe(false);
  });

  it('says what happened in words', () => {
    expect(eventText({ eventType: 'auth.login_failed', metadata: { reason: 'wrong_password' } })).toBe(
      'Sign-in failed: wrong password',
    );
    expect(eventText({ eventType: 'auth.login_succeeded', metadata: { method: 'recovery_code' } })).toBe(
      'Signed in with recovery code',
    );
    expect(eventText({ eventType: 'auth.password_changed', metadata: null })).toBe('Password changed');
  });
});
